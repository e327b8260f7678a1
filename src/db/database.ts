import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createPrismaClient, type PrismaClient } from './client.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrateDatabase } from './migrate.js';

/** The product's one store: a migrated PostgreSQL database and a Prisma client on it. */
export interface Database {
  url: string;
  prisma: PrismaClient;
  embedded: boolean;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL, then applies migrations. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres(config.dataDir, log);
  const url = config.databaseUrl ?? embedded!.url;

  try {
    await migrateDatabase(url, log.child({ module: 'migrate' }));
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const prisma = createPrismaClient(url);
  return {
    url,
    prisma,
    embedded: embedded !== undefined,
    close: async () => {
      await prisma.$disconnect();
      await embedded?.stop();
    },
  };
}
