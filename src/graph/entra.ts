import type { PrismaClient } from '../db/client.js';
import type { ProvisioningKind } from '../domain/apps.js';
import type { Logger } from '../logger.js';
import { applyToken, restartProvisioning } from './entra-apply.js';
import { checkAccount } from './entra-check.js';
import { pollHealth } from './entra-health.js';
import { linkAccount, type AppIds } from './entra-link.js';
import type {
  ApplyOutcome,
  CheckReport,
  EntraContext,
  HealthEvent,
  LinkOutcome,
  RestartOutcome,
} from './entra-types.js';
import type { GraphApi } from './types.js';

export type { AppIds } from './entra-link.js';
export type {
  ApplyOutcome,
  CheckReport,
  HealthEvent,
  LinkOutcome,
  RestartOutcome,
} from './entra-types.js';

/** What the Entra service is built from. */
export interface EntraServiceDeps {
  graph: GraphApi;
  prisma: PrismaClient;
  log: Logger;
}

/** Zero-touch renewal in Entra: links accounts to enterprise apps, applies tokens, polls health. */
export class EntraService {
  private readonly ctx: EntraContext;

  constructor(deps: EntraServiceDeps) {
    this.ctx = { ...deps, log: deps.log.child({ module: 'entra' }) };
  }

  /** Links the account's enterprise apps, by object id or else by display name. */
  link(accountId: string, ids: AppIds, provisioning: readonly string[]): Promise<LinkOutcome[]> {
    return linkAccount(this.ctx, accountId, ids, provisioning);
  }

  /** Whether any enterprise app is linked to the account (then renewals apply through Graph). */
  async isLinked(accountId: string): Promise<boolean> {
    return (await this.ctx.prisma.entraApp.count({ where: { accountId } })) > 0;
  }

  /** Checks the links and the Graph permissions; each line says what is missing. */
  check(accountId: string): Promise<CheckReport> {
    return checkAccount(this.ctx, accountId);
  }

  /** Saves a new secret token in every linked app and runs Entra's test connection. */
  applyToken(accountId: string, token: string, scimBaseUrl?: string): Promise<ApplyOutcome[]> {
    return applyToken(this.ctx, accountId, token, scimBaseUrl);
  }

  /** Polls every linked provisioning job; reports quarantines once when they start and end. */
  pollHealth(now: Date = new Date()): Promise<HealthEvent[]> {
    return pollHealth(this.ctx, now);
  }

  /** Restarts one linked provisioning job, lifting its quarantine. */
  restartProvisioning(accountId: string, kind: ProvisioningKind): Promise<RestartOutcome> {
    return restartProvisioning(this.ctx, accountId, kind);
  }
}
