import type { EventEmitter } from 'node:events';
import { Agenda } from 'agenda';
import pg from 'pg';
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
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    options: '-c search_path=agenda',
    max: 3,
  });
  const onError = (error: Error) =>
    log.warn({ err: error.message }, 'scheduler lost its database connection');
  pool.on('error', onError);
  const backend = new PostgresBackend({ pool });
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
      // A dropped connection (the database shutting down first, say) is an 'error' event;
      // unheard, it would end the process with a stack trace.
      agenda.on('error', onError);
      (backend.notificationChannel as unknown as EventEmitter | undefined)?.on('error', onError);
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
      await pool.end();
    },
    isRunning: () => running,
  };
}
