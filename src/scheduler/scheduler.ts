import { Agenda } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type { Logger } from '../logger.js';

/** A recurring piece of work, run by whichever bot process holds its lock. */
export interface RecurringJob {
  name: string;
  everySeconds: number;
  run(): Promise<void>;
}

/** The scheduler the bot runs its sweeps on. */
export interface Scheduler {
  start(): Promise<void>;
  stop(): Promise<void>;
  isRunning(): boolean;
}

/**
 * Agenda on its PostgreSQL backend, on the product's database with its tables in the `agenda`
 * schema (created by the first migration), so that Prisma's migrations see no drift.
 */
export function createScheduler(
  databaseUrl: string,
  jobs: RecurringJob[],
  log: Logger,
  options: { lockLifetimeMs?: number; processEverySeconds?: number } = {},
): Scheduler {
  const lockLifetime = options.lockLifetimeMs ?? 10 * 60 * 1000;
  const backend = new PostgresBackend({
    poolConfig: { connectionString: databaseUrl, options: '-c search_path=agenda', max: 3 },
  });
  const agenda = new Agenda({
    backend,
    processEvery: `${options.processEverySeconds ?? 30} seconds`,
    defaultLockLifetime: lockLifetime,
  });
  let running = false;

  for (const job of jobs) {
    agenda.define(
      job.name,
      async () => {
        try {
          await job.run();
        } catch (error) {
          log.error({ job: job.name, err: (error as Error).message }, 'scheduled job failed');
          throw error;
        }
      },
      { lockLifetime, concurrency: 1 },
    );
  }

  return {
    async start() {
      await agenda.ready;
      await agenda.start();
      for (const job of jobs) {
        await agenda.every(`${job.everySeconds} seconds`, job.name, undefined, {
          skipImmediate: true,
        });
      }
      running = true;
      log.info({ jobs: jobs.map((job) => job.name) }, 'scheduler started');
    },
    async stop() {
      if (!running) return;
      running = false;
      await agenda.stop();
    },
    isRunning: () => running,
  };
}
