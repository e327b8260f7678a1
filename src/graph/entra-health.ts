import {
  appLabel,
  kindOf,
  type EntraContext,
  type HealthEvent,
  type LinkedApp,
} from './entra-types.js';
import type { SyncQuarantine } from './types.js';

const REASON_LIMIT = 500;

/** One line on why a job is quarantined, from Graph's reason code and error. */
export function describeQuarantine(quarantine: SyncQuarantine | null | undefined): string {
  const reason = quarantine?.reason ?? 'Unknown';
  const error = quarantine?.error;
  const detail = [error?.code, error?.message?.split(/\r?\n/)[0]].filter(Boolean).join(': ');
  const text = detail ? `${reason} (${detail})` : reason;
  return text.length > REASON_LIMIT ? `${text.slice(0, REASON_LIMIT - 1)}…` : text;
}

/** What an admin should do about a quarantine, by its cause. */
export function quarantineFix(
  quarantine: SyncQuarantine | null | undefined,
  accountId: string,
  label: string,
): string {
  const reason = quarantine?.reason ?? '';
  const error = `${quarantine?.error?.code ?? ''} ${quarantine?.error?.message ?? ''}`;
  const restart = `then restart provisioning of ${label}`;

  // Entra reports a refused token as a credential validation or HTTP 401 error.
  if (/credential|unauthori[sz]ed|\b401\b|secret token/i.test(error)) {
    return (
      `The secret token in ${label} is not accepted: renew it with \`/timly-renew renew ` +
      `${accountId}\` (or paste the current one into Provisioning > Admin credentials), ${restart}.`
    );
  }
  if (reason === 'TooManyDeletes') {
    return (
      `Review the pending deletions under Provisioning in ${label}, allow or cancel them, ` +
      `${restart}.`
    );
  }
  if (/Escrow/.test(reason)) {
    return (
      `Many users failed to provision: check the provisioning logs of ${label}, fix the ` +
      `cause, ${restart}.`
    );
  }
  return (
    `Open Provisioning in ${label} in the Entra admin center to see the cause, fix it, ` +
    `${restart}.`
  );
}

// A later seriesBegan means the job left quarantine and entered it again between two polls.
function episodeStart(quarantine: SyncQuarantine | null | undefined, fallback: Date): Date {
  const began = quarantine?.seriesBegan ? Date.parse(quarantine.seriesBegan) : Number.NaN;
  return Number.isNaN(began) ? fallback : new Date(began);
}

async function pollApp(ctx: EntraContext, app: LinkedApp, now: Date): Promise<HealthEvent[]> {
  const kind = kindOf(app);
  const key = { accountId: app.accountId, kind: app.kind };
  const job = await ctx.graph.getJob(app.servicePrincipalId, app.jobId);
  if (!job.ok) {
    // Not an episode change: the next poll tries again; `entra check` tells the admin why.
    ctx.log.warn({ ...key, code: job.failure.code }, 'provisioning health unknown');
    return [];
  }
  const base = { accountId: app.accountId, kind, appName: app.displayName };
  const quarantine = job.value.status.quarantine;

  if (job.value.status.code === 'Quarantine') {
    const start = episodeStart(quarantine, app.quarantinedAt ?? now);
    const isNew = !app.quarantinedAt || start.getTime() > app.quarantinedAt.getTime();
    if (!isNew) {
      await ctx.prisma.entraApp.updateMany({ where: key, data: { checkedAt: now } });
      return [];
    }
    // Conditional on the value read, so that two pollers report one episode once.
    const reason = describeQuarantine(quarantine);
    const claimed = await ctx.prisma.entraApp.updateMany({
      where: { ...key, quarantinedAt: app.quarantinedAt },
      data: { quarantinedAt: start, quarantineReason: reason, checkedAt: now },
    });
    if (claimed.count === 0) return [];
    ctx.log.warn({ ...key, reason }, 'provisioning quarantined');
    const fix = quarantineFix(quarantine, app.accountId, appLabel(kind, app.displayName));
    return [{ ...base, type: 'quarantined', reason, fix }];
  }

  if (app.quarantinedAt) {
    const claimed = await ctx.prisma.entraApp.updateMany({
      where: { ...key, quarantinedAt: app.quarantinedAt },
      data: { quarantinedAt: null, quarantineReason: null, checkedAt: now },
    });
    if (claimed.count === 0) return [];
    ctx.log.info(key, 'provisioning quarantine cleared');
    return [{ ...base, type: 'cleared', reason: app.quarantineReason ?? undefined }];
  }

  await ctx.prisma.entraApp.updateMany({ where: key, data: { checkedAt: now } });
  return [];
}

/**
 * Polls every linked provisioning job and reports each quarantine when it starts and when it
 * ends, once per episode; `quarantinedAt` on the EntraApp row remembers the open episode.
 */
export async function pollHealth(ctx: EntraContext, now: Date): Promise<HealthEvent[]> {
  // 'user' sorts after 'person', so descending kind puts user provisioning first.
  const apps = await ctx.prisma.entraApp.findMany({
    orderBy: [{ accountId: 'asc' }, { kind: 'desc' }],
  });
  const events: HealthEvent[] = [];
  for (const app of apps) events.push(...(await pollApp(ctx, app, now)));
  return events;
}
