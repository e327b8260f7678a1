import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type { PrismaClient };
export type { Account, Destination, Renewal, Warning } from '../generated/prisma/client.js';
export { Prisma } from '../generated/prisma/client.js';

/** Opens a Prisma client over node-postgres for one database URL. */
export function createPrismaClient(databaseUrl: string, maxConnections = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: maxConnections });
  return new PrismaClient({ adapter });
}
