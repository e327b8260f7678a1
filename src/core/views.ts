import type { Account } from '../db/client.js';
import { ENTERPRISE_APP_NAMES, enterpriseApps, entraSteps } from '../domain/apps.js';
import { daysLeft, type Threshold } from '../domain/thresholds.js';
import type { AppView, SecretView, WarningView } from './chat.js';

/** The enterprise apps that use an account's token, with their Entra display names. */
export function appViews(account: Pick<Account, 'provisioning'>): AppView[] {
  return enterpriseApps(account.provisioning).map((kind) => ({
    kind,
    name: ENTERPRISE_APP_NAMES[kind],
  }));
}

export function warningView(account: Account, threshold: Threshold, now: Date): WarningView {
  return {
    accountId: account.id,
    accountName: account.name,
    threshold,
    expiresAt: account.expiresAt,
    timezone: account.timezone,
    daysLeft: daysLeft(account.expiresAt, account.timezone, now),
    apps: appViews(account),
  };
}

/** The private view of a new token; `manualApps` are the apps still to be updated by hand. */
export function secretView(
  account: Account,
  renewal: { id: string; newExpiresAt: Date; scimBaseUrl: string | null; secretLapsesAt: Date },
  token: string,
  manualApps: AppView[] = appViews(account),
): SecretView {
  return {
    renewalId: renewal.id,
    accountId: account.id,
    accountName: account.name,
    token,
    newExpiresAt: renewal.newExpiresAt,
    timezone: account.timezone,
    scimBaseUrl: renewal.scimBaseUrl ?? undefined,
    apps: manualApps.map((app) => ({ ...app, steps: entraSteps(app.kind) })),
    lapsesAt: renewal.secretLapsesAt,
  };
}
