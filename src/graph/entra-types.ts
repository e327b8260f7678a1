import type { ProvisioningEvent } from '../core/provisioning-health.js';
import type { PrismaClient } from '../db/client.js';
import { ENTERPRISE_APP_NAMES, PROVISIONING_KINDS, type ProvisioningKind } from '../domain/apps.js';
import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GraphApi } from './types.js';

/** What the Entra functions share: Graph, the database and a module logger. */
export interface EntraContext {
  graph: GraphApi;
  prisma: PrismaClient;
  log: Logger;
}

/** The stored link of one account to one enterprise app (an EntraApp row). */
export interface LinkedApp {
  accountId: string;
  kind: string;
  servicePrincipalId: string;
  displayName: string;
  jobId: string;
  quarantinedAt: Date | null;
  quarantineReason: string | null;
  checkedAt: Date | null;
}

/** The result of linking one enterprise app. */
export interface LinkOutcome {
  kind: ProvisioningKind;
  appName: string;
  linked: boolean;
  servicePrincipalId?: string;
  jobId?: string;
  message: string;
}

/** What `entra check` found: `ok` is false when anything is missing. */
export interface CheckReport {
  ok: boolean;
  lines: string[];
}

/** The result of putting a new secret token into one enterprise app. */
export interface ApplyOutcome {
  kind: ProvisioningKind;
  appName: string;
  /** The new token is saved in the app. */
  applied: boolean;
  /** Entra's "Test connection" passed with the saved token. */
  tested: boolean;
  message: string;
  /** Why the app is not applied and tested, when it is not. */
  code?: ErrorCode;
}

/** A change of provisioning health, reported once per quarantine episode (the core's shape). */
export type HealthEvent = ProvisioningEvent;

/** The result of restarting one provisioning job. */
export interface RestartOutcome {
  ok: boolean;
  code?: ErrorCode;
  message: string;
}

/** The kind of a stored row, falling back to 'user' for rows written by a future version. */
export function kindOf(app: LinkedApp): ProvisioningKind {
  return PROVISIONING_KINDS.find((kind) => kind === app.kind) ?? 'user';
}

/** How an app is named to an admin: its Entra display name, or the expected one. */
export function appLabel(kind: ProvisioningKind, displayName?: string): string {
  return `"${displayName || ENTERPRISE_APP_NAMES[kind]}"`;
}

/** An account's linked apps, user provisioning first. */
export async function linkedApps(ctx: EntraContext, accountId: string): Promise<LinkedApp[]> {
  const rows = await ctx.prisma.entraApp.findMany({ where: { accountId } });
  const order = (row: LinkedApp) => PROVISIONING_KINDS.indexOf(kindOf(row));
  return rows.sort((a, b) => order(a) - order(b));
}
