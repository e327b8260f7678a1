import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Accounts } from './accounts.js';
import type { AuditTrail } from './audit.js';
import type { Renewals } from './renewal.js';
import type { StatusReader } from './status.js';

/** The core that every chat platform shares; platforms hold no domain logic of their own. */
export interface CoreServices {
  prisma: PrismaClient;
  accounts: Accounts;
  renewals: Renewals;
  status: StatusReader;
  audit: AuditTrail;
  log: Logger;
  /** Runs follow-up work after a chat request was answered, keeping failures in the log. */
  background(label: string, work: () => Promise<unknown>): void;
}
