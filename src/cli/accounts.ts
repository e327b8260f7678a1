import type { Command } from 'commander';
import { parseProvisioning } from '../domain/apps.js';
import {
  daysLeft,
  expiryFromDate,
  formatDate,
  formatDateTime,
  nextThreshold,
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
  provisioning: string;
  timezone: string;
  admins?: string;
}

function parseAdmins(text: string | undefined): string[] {
  const admins = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = admins.find((entry) => !/^[^\s,]{2,254}$/.test(entry));
  if (bad) throw invalidInput(`--admins entry "${bad}" is not a user id, object id or e-mail.`);
  return admins;
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
    .option('--provisioning <kinds>', 'user, person or user,person', 'user')
    .option('--timezone <IANA>', 'time zone for warnings', 'UTC')
    .option('--admins <list>', 'Slack user ids, Entra object ids or e-mails, comma-separated')
    .action(async (options: AddOptions) => {
      let provisioning;
      try {
        provisioning = parseProvisioning(options.provisioning);
      } catch (error) {
        throw invalidInput(`--provisioning: ${(error as Error).message}.`);
      }
      let expiresAt;
      try {
        expiresAt = expiryFromDate(options.expires, options.timezone);
      } catch (error) {
        throw invalidInput(`--expires: ${(error as Error).message}.`);
      }
      const admins = parseAdmins(options.admins);

      await withRuntime(context, async (runtime) => {
        const input = {
          id: options.id,
          name: options.name,
          expiresAt,
          provisioning,
          timezone: options.timezone,
          admins,
        };
        const { account, created } = await runtime.core.accounts.upsert(input, 'cli');
        if (runtime.localTokenService) {
          await seedLocalAccount(runtime.db.prisma, {
            accountId: account.id,
            expiresAt,
            provisioning,
          });
        }
        context.output.out(
          `${created ? 'Registered' : 'Updated'} ${account.id} (${account.name}): token expires ` +
            `${formatDate(account.expiresAt, account.timezone)}, ` +
            `${daysLeft(account.expiresAt, account.timezone, new Date())} days left.`,
        );
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
        const rows = [['ID', 'NAME', 'EXPIRES', 'DAYS LEFT', 'NEXT WARNING', 'APPS', 'ADMINS']];
        for (const a of list) {
          const next = nextThreshold(a.expiresAt, a.timezone, runtime.config.notifyHour, now);
          rows.push([
            a.id,
            a.name,
            formatDate(a.expiresAt, a.timezone),
            String(daysLeft(a.expiresAt, a.timezone, now)),
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
