import { enterpriseApps } from '../domain/apps.js';
import {
  appLabel,
  kindOf,
  linkedApps,
  type CheckReport,
  type EntraContext,
  type LinkedApp,
} from './entra-types.js';

interface AppCheck {
  ok: boolean;
  lines: string[];
}

// Each step needs a different permission, so each is tried even when an earlier one failed.
async function checkApp(ctx: EntraContext, app: LinkedApp): Promise<AppCheck> {
  const kind = kindOf(app);
  const label = `${appLabel(kind, app.displayName)} (${kind} provisioning)`;
  const problems: string[] = [];

  const sp = await ctx.graph.getServicePrincipal(app.servicePrincipalId);
  if (!sp.ok) problems.push(sp.failure.message);

  const job = await ctx.graph.getJob(app.servicePrincipalId, app.jobId);
  if (!job.ok) problems.push(job.failure.message);

  const secrets = await ctx.graph.getSecrets(app.servicePrincipalId);
  if (!secrets.ok) problems.push(secrets.failure.message);

  if (problems.length > 0) {
    return { ok: false, lines: problems.map((problem) => `✗ ${label}: ${problem}`) };
  }

  const lines = [
    `✓ ${label}: service principal ${app.servicePrincipalId}, provisioning job ${app.jobId}` +
      `${job.ok ? ` (${job.value.status.code})` : ''}; the bot can read the app, its job ` +
      'and its provisioning credentials.',
  ];
  const keys = secrets.ok ? secrets.value.map((secret) => secret.key) : [];
  if (!keys.includes('BaseAddress')) {
    lines.push(
      `! ${label}: no Tenant URL is saved yet; the next renewal saves Timly's SCIM URL with it.`,
    );
  }
  const quarantine = job.ok && job.value.status.code === 'Quarantine';
  if (quarantine) {
    const reason = job.value.status.quarantine?.reason ?? 'reason unknown';
    lines.push(`! ${label}: provisioning is in quarantine (${reason}).`);
  }
  return { ok: true, lines };
}

/** Checks an account's links and the bot's Graph permissions; each line names what is wrong. */
export async function checkAccount(ctx: EntraContext, accountId: string): Promise<CheckReport> {
  const account = await ctx.prisma.account.findUnique({ where: { id: accountId } });
  if (!account) {
    return { ok: false, lines: [`✗ Account "${accountId}" is not registered.`] };
  }
  const apps = await linkedApps(ctx, accountId);
  const relink = `run \`timly-renew entra link ${accountId}\``;

  let ok = true;
  const lines: string[] = [];
  for (const kind of enterpriseApps(account.provisioning)) {
    if (apps.some((app) => kindOf(app) === kind)) continue;
    ok = false;
    lines.push(`✗ ${appLabel(kind)} (${kind} provisioning) is not linked: ${relink}.`);
  }

  for (const app of apps) {
    const result = await checkApp(ctx, app);
    ok &&= result.ok;
    lines.push(...result.lines);
  }
  return { ok, lines };
}
