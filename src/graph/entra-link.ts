import { ENTERPRISE_APP_NAMES, enterpriseApps, type ProvisioningKind } from '../domain/apps.js';
import { ErrorCode, TimlyRenewError } from '../errors.js';
import type { EntraContext, LinkOutcome } from './entra-types.js';
import type { GraphResult, ServicePrincipal, SyncJob } from './types.js';

/** Object ids given on the command line; a missing one is found by display name. */
export interface AppIds {
  userApp?: string;
  personApp?: string;
}

const optionOf: Record<ProvisioningKind, string> = { user: '--user-app', person: '--person-app' };

function idOf(ids: AppIds, kind: ProvisioningKind): string | undefined {
  const id = kind === 'user' ? ids.userApp : ids.personApp;
  return id?.trim() || undefined;
}

async function findByName(
  ctx: EntraContext,
  kind: ProvisioningKind,
): Promise<GraphResult<ServicePrincipal>> {
  const name = ENTERPRISE_APP_NAMES[kind];
  const found = await ctx.graph.findServicePrincipalsByName(name);
  if (!found.ok) return found;

  const [only, ...others] = found.value;
  if (only && others.length === 0) return { ok: true, value: only };
  const message = only
    ? `${found.value.length} enterprise apps are named "${name}" ` +
      `(${found.value.map((sp) => sp.id).join(', ')}); pass the right object id with ` +
      `${optionOf[kind]}.`
    : `No enterprise app named "${name}" was found; pass its object id with ${optionOf[kind]} ` +
      '(Enterprise applications > the app > Overview > Object ID).';
  return { ok: false, failure: { code: ErrorCode.GraphNotFound, message } };
}

// Several jobs happen only with custom setups; the first one is the one the portal shows.
function pickJob(jobs: SyncJob[], app: string): GraphResult<SyncJob> {
  const [job] = jobs;
  if (job) return { ok: true, value: job };
  const message =
    `${app} has no provisioning job: open Provisioning in the Entra admin center, set the ` +
    'mode to Automatic and save the admin credentials once, then link again.';
  return { ok: false, failure: { code: ErrorCode.GraphNotFound, message } };
}

async function linkOne(
  ctx: EntraContext,
  accountId: string,
  kind: ProvisioningKind,
  id: string | undefined,
): Promise<LinkOutcome> {
  const expected = ENTERPRISE_APP_NAMES[kind];
  const failed = (message: string): LinkOutcome => ({
    kind,
    appName: expected,
    linked: false,
    message,
  });

  const sp = id ? await ctx.graph.getServicePrincipal(id) : await findByName(ctx, kind);
  if (!sp.ok) return failed(sp.failure.message);
  const app = `"${sp.value.displayName || expected}"`;

  const jobs = await ctx.graph.listSyncJobs(sp.value.id);
  if (!jobs.ok) return failed(jobs.failure.message);
  const job = pickJob(jobs.value, app);
  if (!job.ok) return failed(job.failure.message);

  // A new service principal or job starts a new health history; the same one keeps it.
  const link = {
    servicePrincipalId: sp.value.id,
    displayName: sp.value.displayName || expected,
    jobId: job.value.id,
  };
  const before = await ctx.prisma.entraApp.findUnique({
    where: { accountId_kind: { accountId, kind } },
  });
  const same =
    before?.servicePrincipalId === link.servicePrincipalId && before.jobId === link.jobId;
  const reset = same ? {} : { quarantinedAt: null, quarantineReason: null, checkedAt: null };
  await ctx.prisma.entraApp.upsert({
    where: { accountId_kind: { accountId, kind } },
    create: { accountId, kind, ...link },
    update: { ...link, ...reset },
  });

  ctx.log.info({ accountId, kind, ...link }, 'enterprise app linked');
  return {
    kind,
    appName: link.displayName,
    linked: true,
    servicePrincipalId: link.servicePrincipalId,
    jobId: link.jobId,
    message:
      `Linked ${app} (service principal ${link.servicePrincipalId}) ` +
      `with provisioning job ${link.jobId}.`,
  };
}

/**
 * Links an account to the enterprise apps of its provisioning kinds. Links of kinds the
 * account no longer uses are removed; a failed link leaves the previous one in place.
 */
export async function linkAccount(
  ctx: EntraContext,
  accountId: string,
  ids: AppIds,
  provisioning: readonly string[],
): Promise<LinkOutcome[]> {
  const account = await ctx.prisma.account.findUnique({ where: { id: accountId } });
  if (!account) {
    throw new TimlyRenewError(
      ErrorCode.AccountNotFound,
      `Account "${accountId}" is not registered; add it with \`timly-renew accounts add\` first.`,
    );
  }
  const kinds = enterpriseApps(provisioning);

  const outcomes: LinkOutcome[] = [];
  for (const kind of kinds) outcomes.push(await linkOne(ctx, accountId, kind, idOf(ids, kind)));

  // An id for a kind the account does not use is a mistake worth saying out loud.
  for (const kind of enterpriseApps(['user', 'person']).filter((k) => !kinds.includes(k))) {
    if (!idOf(ids, kind)) continue;
    outcomes.push({
      kind,
      appName: ENTERPRISE_APP_NAMES[kind],
      linked: false,
      message:
        `Account "${accountId}" does not use ${kind} provisioning, so ${optionOf[kind]} was ` +
        'ignored; add the kind with `timly-renew accounts add --provisioning user,person`.',
    });
  }

  await ctx.prisma.entraApp.deleteMany({ where: { accountId, kind: { notIn: kinds } } });
  return outcomes;
}
