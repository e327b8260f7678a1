import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { silentLogger } from './logging.js';

/** A freshly created and migrated database of its own for one test file. */
export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through `npm test`.');
  return url;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates a new database on the test server, applies the migrations and opens Prisma. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `timly_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();

  const url = withDatabase(serverUrl(), name);
  await migrateDatabase(url, silentLogger());
  const prisma = createPrismaClient(url, 5);

  return {
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      // The throwaway embedded server is removed whole after the run; its checkpoints make
      // each DROP DATABASE take tens of seconds under load, so there is nothing to drop.
      if (process.env.TIMLY_TEST_EMBEDDED === '1') return;
      const client = new pg.Client({ connectionString: serverUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
