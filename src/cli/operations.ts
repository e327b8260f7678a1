import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pollProvisioning, startBot, sweepNow } from '../bot.js';
import { formatDate } from '../domain/thresholds.js';
import { THRESHOLD_LABELS } from '../domain/thresholds.js';
import { createSlackChannels } from '../slack/channels.js';
import { startLocalTokenService } from '../token-service/local-server.js';
import { openDatabase } from '../db/database.js';
import type { CommandContext } from './main.js';
import { withRuntime } from './run.js';

/** `serve`, `check` and `token-service`. */
export function registerOperationCommands(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('Run the bot: Slack, Teams, health, metrics and the scheduled sweeps.')
    .action(async () => {
      const log = context.log();
      const bot = await startBot(context.config(), log);
      await waitForSignal();
      log.info('shutting down');
      await bot.stop();
    });

  program
    .command('check')
    .description('Run the expiry sweep once, now, and exit.')
    .option('--dry-run', 'only say which warnings are due; post nothing')
    .action(async (options: { dryRun?: boolean }) => {
      await withRuntime(context, async (runtime) => {
        const slack = runtime.config.slack;
        if (slack) runtime.channels.set('slack', createSlackChannels(slack, context.log()));
        const report = await sweepNow(runtime, { dryRun: options.dryRun });
        if (!options.dryRun) await runtime.core.renewals.delivery.lapseDue();
        const health = options.dryRun ? [] : await pollProvisioning(runtime);

        const { out } = context.output;
        out(`Checked ${report.accounts} account(s).`);
        for (const due of report.due) {
          const account = await runtime.core.accounts.get(due.accountId);
          out(
            `${due.accountId}: ${THRESHOLD_LABELS[due.threshold]} warning due ` +
              `(expires ${account ? formatDate(account.expiresAt, account.timezone) : '?'})`,
          );
        }
        for (const posted of report.posted)
          out(`posted ${posted.threshold} for ${posted.accountId}`);
        for (const failed of report.failed)
          out(`NOT posted for ${failed.accountId}: ${failed.reason}`);
        if (report.failed.length > 0) process.exitCode = 1;
      });
    });

  program
    .command('token-service')
    .description('Run the built-in local token service on its own (for trials).')
    .option('--port <port>', 'port to listen on', '3979')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (options: { port: string; host: string }) => {
      const config = context.config();
      const log = context.log();
      const db = await openDatabase(config, log);
      const service = await startLocalTokenService({
        prisma: db.prisma,
        log,
        port: Number(options.port),
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

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
