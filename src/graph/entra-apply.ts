import type { ProvisioningKind } from '../domain/apps.js';
import { ErrorCode } from '../errors.js';
import { scrub } from './graph-failures.js';
import {
  appLabel,
  kindOf,
  linkedApps,
  type ApplyOutcome,
  type EntraContext,
  type LinkedApp,
  type RestartOutcome,
} from './entra-types.js';
import type { SyncSecret } from './types.js';

const SECRET_TOKEN = 'SecretToken';
const BASE_ADDRESS = 'BaseAddress';

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * The full secret set with the new token in it. The PUT replaces the whole set, so every
 * other key (notification e-mail, SyncAll, ...) is carried over as it was read.
 */
export function withNewToken(
  current: readonly SyncSecret[],
  token: string,
  scimBaseUrl?: string,
): { secrets: SyncSecret[]; note?: string } {
  const secrets = current.map((secret) =>
    secret.key === SECRET_TOKEN ? { key: SECRET_TOKEN, value: token } : { ...secret },
  );
  if (!secrets.some((secret) => secret.key === SECRET_TOKEN)) {
    secrets.push({ key: SECRET_TOKEN, value: token });
  }

  // The admin's Tenant URL wins over Timly's: it may point at a proxy or a regional host.
  const base = secrets.find((secret) => secret.key === BASE_ADDRESS);
  if (!base && scimBaseUrl) {
    secrets.unshift({ key: BASE_ADDRESS, value: scimBaseUrl });
    return { secrets, note: `Its Tenant URL was empty and is now ${scimBaseUrl}.` };
  }
  if (base?.value && scimBaseUrl && !sameUrl(base.value, scimBaseUrl)) {
    const note = `Its Tenant URL ${base.value} was kept, though Timly reports ${scimBaseUrl}.`;
    return { secrets, note };
  }
  return { secrets };
}

// If the old token had already expired the job sits in quarantine for hours; lift it now.
async function liftQuarantine(ctx: EntraContext, app: LinkedApp): Promise<string | undefined> {
  const job = await ctx.graph.getJob(app.servicePrincipalId, app.jobId);
  if (!job.ok || job.value.status.code !== 'Quarantine') return undefined;
  const restarted = await ctx.graph.restartJob(app.servicePrincipalId, app.jobId);
  if (restarted.ok) return 'Provisioning was in quarantine and has been restarted.';
  return `Provisioning is in quarantine and could not be restarted: ${restarted.failure.message}`;
}

async function applyOne(ctx: EntraContext, app: LinkedApp, token: string, scimBaseUrl?: string) {
  const kind = kindOf(app);
  const label = appLabel(kind, app.displayName);
  const outcome = (
    applied: boolean,
    tested: boolean,
    message: string,
    code?: ErrorCode,
  ): ApplyOutcome => ({
    kind,
    appName: app.displayName,
    applied,
    tested,
    message: scrub(message, [token]),
    ...(code ? { code } : {}),
  });

  // Without the current set a write would wipe the other keys, so nothing is written.
  const current = await ctx.graph.getSecrets(app.servicePrincipalId);
  if (!current.ok) {
    const message = `${label} was not changed: ${current.failure.message}`;
    return outcome(false, false, message, current.failure.code);
  }

  const { secrets, note } = withNewToken(current.value, token, scimBaseUrl);
  const saved = await ctx.graph.putSecrets(app.servicePrincipalId, secrets);
  if (!saved.ok) {
    const unsure =
      saved.failure.code === ErrorCode.GraphTimeout
        ? ' It may or may not have been saved; apply it by hand or try again.'
        : '';
    return outcome(
      false,
      false,
      `Could not save the new token in ${label}: ${saved.failure.message}${unsure}`,
      saved.failure.code,
    );
  }

  const tested = await ctx.graph.validateCredentials(app.servicePrincipalId, app.jobId);
  const extra = [note].filter(Boolean).join(' ');
  if (!tested.ok) {
    const message =
      `Saved the new token in ${label}, but the test connection failed: ` + tested.failure.message;
    return outcome(true, false, [message, extra].filter(Boolean).join(' '), tested.failure.code);
  }

  const lifted = await liftQuarantine(ctx, app);
  const message = `Saved the new token in ${label} and the test connection passed.`;
  return outcome(true, true, [message, extra, lifted].filter(Boolean).join(' '));
}

/**
 * Puts a new secret token into every enterprise app linked to the account and tests each;
 * an empty list means the account is not linked and the admin must apply it by hand.
 */
export async function applyToken(
  ctx: EntraContext,
  accountId: string,
  token: string,
  scimBaseUrl?: string,
): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const app of await linkedApps(ctx, accountId)) {
    const outcome = await applyOne(ctx, app, token, scimBaseUrl);
    ctx.log.info(
      { accountId, kind: outcome.kind, applied: outcome.applied, tested: outcome.tested },
      'secret token applied to enterprise app',
    );
    outcomes.push(outcome);
  }
  return outcomes;
}

/** Restarts one linked provisioning job so that its quarantine is lifted at once. */
export async function restartProvisioning(
  ctx: EntraContext,
  accountId: string,
  kind: ProvisioningKind,
): Promise<RestartOutcome> {
  const app = await ctx.prisma.entraApp.findUnique({
    where: { accountId_kind: { accountId, kind } },
  });
  if (!app) {
    const message =
      `${appLabel(kind)} is not linked to account "${accountId}": ` +
      `run \`timly-renew entra link ${accountId}\`.`;
    return { ok: false, code: ErrorCode.GraphNotLinked, message };
  }

  const restarted = await ctx.graph.restartJob(app.servicePrincipalId, app.jobId);
  const label = appLabel(kind, app.displayName);
  ctx.log.info({ accountId, kind, ok: restarted.ok }, 'provisioning restart requested');
  if (!restarted.ok) {
    const message = `Could not restart provisioning of ${label}: ${restarted.failure.message}`;
    return { ok: false, code: restarted.failure.code, message };
  }
  return { ok: true, message: `Restarted provisioning of ${label}; its quarantine is lifted.` };
}
