import type { Server } from 'node:http';
import type { Config } from './config.js';
import { alertProvisioningHealth } from './core/provisioning-health.js';
import { syncTokens } from './core/token-sync.js';
import { createHttpApp, listen } from './http/server.js';
import type { Logger } from './logger.js';
import { createRuntime, type Runtime } from './runtime.js';
import { createScheduler, type RecurringJob, type Scheduler } from './scheduler/scheduler.js';
import { createSlack, type SlackIntegration } from './slack/app.js';
import { createTeams, type TeamsIntegration } from './teams/app.js';

/** A running bot: HTTP server, chat platforms, scheduler. */
export interface Bot {
  port: number;
  runtime: Runtime;
  slack?: SlackIntegration;
  teams: TeamsIntegration;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

export interface BotOptions {
  /** For tests: how long Bolt waits for an ack before answering 404 itself. */
  slackUnhandledRequestTimeoutMillis?: number;
  schedulerLockLifetimeMs?: number;
  host?: string;
  runtime?: Runtime;
}

/** The recurring jobs of the bot; `timly-renew check` runs the same sweep once. */
export function recurringJobs(runtime: Runtime): RecurringJob[] {
  const { config, core, entra } = runtime;
  const health: RecurringJob[] = entra
    ? [
        {
          name: 'provisioning-health',
          everySeconds: config.entraPollSeconds,
          run: async () => {
            await pollProvisioning(runtime);
          },
        },
      ]
    : [];
  return [
    ...health,
    {
      name: 'expiry-sweep',
      everySeconds: config.sweepMinutes * 60,
      run: async () => {
        await sweepNow(runtime);
      },
    },
    {
      name: 'renewal-follow-up',
      everySeconds: 60,
      run: async () => {
        await core.renewals.resumeOpen();
        await core.renewals.delivery.lapseDue();
      },
    },
  ];
}

/** Follows token changes made outside the bot, then posts the warnings that are due. */
export async function sweepNow(runtime: Runtime, options: { dryRun?: boolean } = {}) {
  const { core } = runtime;
  const sync = options.dryRun
    ? undefined
    : await syncTokens(core.prisma, runtime.tokenService, core.audit, core.log);
  const report = await runtime.sweep.run({ now: new Date(), dryRun: options.dryRun });
  return { ...report, sync };
}

/** Polls linked provisioning jobs and alerts the channels; a no-op without Graph settings. */
export async function pollProvisioning(runtime: Runtime) {
  if (!runtime.entra) return [];
  const { prisma, audit, log } = runtime.core;
  return alertProvisioningHealth(runtime.entra, prisma, runtime.channels, audit, log);
}

/** Starts everything `timly-renew serve` runs. */
export async function startBot(
  config: Config,
  log: Logger,
  options: BotOptions = {},
): Promise<Bot> {
  const runtime = options.runtime ?? (await createRuntime(config, log));
  const slack = config.slack
    ? createSlack(config.slack, runtime.core, {
        unhandledRequestTimeoutMillis: options.slackUnhandledRequestTimeoutMillis,
        entra: runtime.entra,
      })
    : undefined;
  if (slack) runtime.channels.set('slack', slack.channels);
  else log.info('Slack is off: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set');
  const teams = createTeams(config.teams, runtime.core);
  runtime.channels.set('teams', teams.channels);

  const scheduler = createScheduler(
    runtime.db.url,
    recurringJobs(runtime),
    log.child({ module: 'scheduler' }),
    {
      lockLifetimeMs: options.schedulerLockLifetimeMs,
    },
  );
  const app = createHttpApp({
    prisma: runtime.db.prisma,
    schedulerRunning: scheduler.isRunning,
    log,
    slack: slack?.requestListener,
    teams: teams.handler,
  });
  // The port first: a second bot on a busy port stops before it starts any work.
  const { server, port } = await listen(app, config.port, options.host).catch(async (error) => {
    if (!options.runtime) await runtime.close();
    throw error;
  });
  await scheduler.start();
  await slack?.start();
  log.info({ port }, 'timly-renew listening');

  // Catch up at once: a warning due while the bot was down, a renewal cut short by a crash.
  await runtime.core.renewals.resumeOpen();
  await sweepNow(runtime);

  return {
    port,
    runtime,
    slack,
    teams,
    scheduler,
    stop: async () => {
      await closeServer(server);
      await slack?.stop();
      await scheduler.stop();
      await runtime.close();
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
