import type { Command } from 'commander';
import { parseProvisioning, type ProvisioningKind } from '../domain/apps.js';
import { checkAccountId } from '../core/accounts.js';
import {
  daysLeft,
  expiryFromDate,
  formatDate,
  formatDateTime,
  nextThreshold,
  isValidTimezone,
  mostUrgentDue,
  THRESHOLD_LABELS,
} from '../domain/thresholds.js';
import { invalidInput } from '../errors.js';
import { seedLocalAccount } from '../token-service/local-service.js';
import { withRuntime } from './run.js';
import type { CommandContext } from './main.js';

interface AddOptions {
  id: string;
  name: string;
  expires: string;
  provisioning?: string;
  timezone?: string;
  admins?: string;
}

// Defaults for a new account; an update keeps what it had for every option not given.
const NEW_ACCOUNT = { provisioning: ['user'] as ProvisioningKind[], timezone: 'UTC' };

// The three forms the contract names for an admin entry.
const ADMIN_ENTRY = [
  /^[UW][A-Z0-9]{1,20}$/,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/,
];

function parseAdmins(text: string): string[] {
  const admins = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (admins.length === 0) throw invalidInput('--admins names nobody: give at least one admin.');
  const bad = admins.find((entry) => !ADMIN_ENTRY.some((form) => form.test(entry)));
  if (bad) {
    throw invalidInput(
      `--admins entry "${bad}" is not a Slack user id, an Entra object id (GUID) or an e-mail.`,
    );
  }
  return admins;
}

function parseKinds(text: string): ProvisioningKind[] {
  try {
    return parseProvisioning(text);
  } catch (error) {
    throw invalidInput(`--provisioning: ${(error as Error).message}.`);
  }
}

/** Checks every option before anything is opened, so a typo costs no database start. */
function parseAddOptions(options: AddOptions) {
  const name = options.name.trim();
  if (name === '') throw invalidInput('--name is empty: give the account name shown in chat.');
  if (name.length > 120) throw invalidInput('--name is longer than 120 characters.');
  if (options.timezone !== undefined && !isValidTimezone(options.timezone)) {
    throw invalidInput(
      `--timezone: "${options.timezone}" is not an IANA zone (e.g. Europe/Zurich).`,
    );
  }
  try {
    expiryFromDate(options.expires, options.timezone ?? 'UTC');
  } catch (error) {
    throw invalidInput(`--expires: ${(error as Error).message}.`);
  }
  return {
    id: checkAccountId(options.id),
    name,
    provisioning: options.provisioning === undefined ? undefined : parseKinds(options.provisioning),
    timezone: options.timezone,
    admins: options.admins === undefined ? undefined : parseAdmins(options.admins),
  };
}

// The warning that is due now (posted by the sweep, once per channel), as the list shows it.
function dueNow(
  account: { expiresAt: Date; timezone: string },
  notifyHour: number,
  now: Date,
): string {
  const due = mostUrgentDue(account.expiresAt, account.timezone, notifyHour, now);
  return due ? THRESHOLD_LABELS[due] : '-';
}

function daysText(expiresAt: Date, days: number, now: Date): string {
  if (expiresAt <= now) return days === 0 ? 'expired today' : `expired ${-days} days ago`;
  return days === 1 ? '1 day left' : `${days} days left`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `accounts add`, `accounts list` and `audit`. */
export function registerAccountCommands(program: Command, context: CommandContext): void {
  const accounts = program.command('accounts').description("Register and list accounts' tokens.");

  accounts
    .command('add')
    .description("Register or update an account's provision token.")
    .requiredOption('--id <id>', 'account id, as in Timly')
    .requiredOption('--name <name>', 'account name shown in chat')
    .requiredOption('--expires <YYYY-MM-DD>', 'expiry date of the current token')
    .option('--provisioning <kinds>', 'user, person or user,person (new account: user)')
    .option('--timezone <IANA>', 'time zone for warnings (new account: UTC)')
    .option('--admins <list>', 'Slack user ids, Entra object ids or e-mails, comma-separated')
    .action(async (options: AddOptions) => {
      const given = parseAddOptions(options);

      await withRuntime(context, async (runtime) => {
        const existing = await runtime.core.accounts.get(given.id);
        const timezone = given.timezone ?? existing?.timezone ?? NEW_ACCOUNT.timezone;
        const input = {
          id: given.id,
          name: given.name,
          expiresAt: expiryFromDate(options.expires, timezone),
          provisioning:
            given.provisioning ??
            (existing?.provisioning as ProvisioningKind[] | undefined) ??
            NEW_ACCOUNT.provisioning,
          timezone,
          admins: given.admins ?? existing?.admins ?? [],
        };
        const { account, created } = await runtime.core.accounts.upsert(input, 'cli');
        if (runtime.localTokenService) {
          await seedLocalAccount(runtime.db.prisma, {
            accountId: account.id,
            expiresAt: input.expiresAt,
            provisioning: input.provisioning,
          });
        }

        const now = new Date();
        const days = daysLeft(account.expiresAt, account.timezone, now);
        context.output.out(
          `${created ? 'Registered' : 'Updated'} ${account.id} (${account.name}): token expires ` +
            `${formatDate(account.expiresAt, account.timezone)}, ` +
            `${daysText(account.expiresAt, days, now)}.`,
        );
        if (account.admins.length === 0) {
          context.output.out('Nobody can renew or connect yet: name the admins with --admins.');
        }
      });
    });

  accounts
    .command('list')
    .description('Show every account with days left and the next warning.')
    .action(async () => {
      await withRuntime(context, async (runtime) => {
        const list = await runtime.core.accounts.list();
        if (list.length === 0) {
          context.output.out('No accounts yet. Add one with `timly-renew accounts add`.');
          return;
        }
        const now = new Date();
        const header = ['ID', 'NAME', 'EXPIRES', 'DAYS LEFT', 'DUE NOW', 'NEXT WARNING'];
        const rows = [[...header, 'APPS', 'ADMINS']];
        for (const a of list) {
          const next = nextThreshold(a.expiresAt, a.timezone, runtime.config.notifyHour, now);
          rows.push([
            a.id,
            a.name,
            formatDate(a.expiresAt, a.timezone),
            String(daysLeft(a.expiresAt, a.timezone, now)),
            dueNow(a, runtime.config.notifyHour, now),
            next
              ? `${THRESHOLD_LABELS[next.threshold]}: ${formatDateTime(next.dueAt, a.timezone)}`
              : '-',
            a.provisioning.join(','),
            a.admins.join(',') || '-',
          ]);
        }
        context.output.out(table(rows));
      });
    });

  program
    .command('audit')
    .description("Show an account's audit trail.")
    .argument('<account>', 'account id')
    .action(async (accountId: string) => {
      await withRuntime(context, async (runtime) => {
        const account = await runtime.core.accounts.get(accountId);
        if (!account) throw invalidInput(`There is no account "${accountId}".`);
        const entries = await runtime.core.audit.list(account.id, 1000);
        for (const entry of entries) {
          const detail = entry.detail ? ` ${JSON.stringify(entry.detail)}` : '';
          context.output.out(`${entry.at.toISOString()}  ${entry.actor}  ${entry.action}${detail}`);
        }
        if (entries.length === 0) context.output.out(`No audit entries for ${account.id}.`);
      });
    });
}
