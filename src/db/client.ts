import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Prisma, PrismaClient } from '../generated/prisma/client.js';

export { Prisma };
export type { PrismaClient };
export type { Account, Destination, Renewal, Warning } from '../generated/prisma/client.js';

/** Opens a Prisma client over node-postgres for one database URL. */
export function createPrismaClient(databaseUrl: string, maxConnections = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // An idle connection cut by the server (shutdown, restart) is an 'error' event on the pool;
  // unheard it would end the process. The pool drops that client and opens another when needed.
  pool.on('error', () => {});
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

/** True when a write failed on a unique key: the row someone else just claimed. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
