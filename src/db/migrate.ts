import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ErrorCode, TimlyRenewError } from '../errors.js';
import type { Logger } from '../logger.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// Any fixed number works; it only has to be the same in every process of this product.
const MIGRATION_LOCK_ID = 7_140_215_001;

// The same table that `prisma migrate` keeps, so the CLI and this runner agree on what is applied.
const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

async function readMigrations(): Promise<Migration[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  names.sort();

  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies prisma/migrations that the database lacks, each in its own transaction, without the
 * Prisma CLI; returns the names applied. Concurrent callers wait on an advisory lock.
 */
export async function migrateDatabase(databaseUrl: string, log: Logger): Promise<string[]> {
  const migrations = await readMigrations();
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    const where = safeLocation(databaseUrl);
    throw new TimlyRenewError(
      ErrorCode.DatabaseUnavailable,
      `Could not connect to PostgreSQL at ${where} (${(error as Error).message}): ` +
        'check DATABASE_URL and that the server runs.',
      { cause: error },
    );
  }

  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(CREATE_HISTORY);
    const done = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" ' +
        'WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(done.rows.map((row) => row.migration_name));

    const ran: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await applyOne(client, migration);
      log.info({ migration: migration.name }, 'applied database migration');
      ran.push(migration.name);
    }
    return ran;
  } catch (error) {
    if (error instanceof TimlyRenewError) throw error;
    throw new TimlyRenewError(
      ErrorCode.MigrationFailed,
      `Could not migrate the database: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO "_prisma_migrations" ' +
        '(id, checksum, finished_at, migration_name, applied_steps_count) ' +
        'VALUES ($1, $2, now(), $3, 1)',
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new TimlyRenewError(
      ErrorCode.MigrationFailed,
      `Migration ${migration.name} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

// Host, port and database of a URL, without the user's password.
function safeLocation(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
