import { randomBytes } from 'node:crypto';
import type { AppView, RenewedView, SecretView, WarningView } from '../../src/core/chat.js';
import { ENTERPRISE_APP_NAMES, entraSteps, type ProvisioningKind } from '../../src/domain/apps.js';

// Builders for the views the core hands to ChatChannels; each test overrides only what matters.

const DAY = 24 * 3600_000;
export const TIMEZONE = 'Europe/Zurich';

/** A secret token unique to this run, so finding it anywhere is never a coincidence. */
export const SECRET_TOKEN = `tmly_contract_${randomBytes(12).toString('hex')}`;

export function appView(kind: ProvisioningKind): AppView {
  return { kind, name: ENTERPRISE_APP_NAMES[kind] };
}

export function warningView(overrides: Partial<WarningView> = {}): WarningView {
  return {
    accountId: 'acme',
    accountName: 'Acme Logistics',
    threshold: 'ten_days',
    expiresAt: new Date('2027-02-01T12:00:00Z'),
    timezone: TIMEZONE,
    daysLeft: 10,
    apps: [appView('user'), appView('person')],
    ...overrides,
  };
}

export function renewedView(overrides: Partial<RenewedView> = {}): RenewedView {
  return {
    accountId: 'acme',
    accountName: 'Acme Logistics',
    renewedByName: 'Ada Admin',
    renewedAt: new Date('2027-01-22T09:30:00Z'),
    newExpiresAt: new Date('2028-01-22T12:00:00Z'),
    timezone: TIMEZONE,
    ...overrides,
  };
}

export function secretView(overrides: Partial<SecretView> = {}): SecretView {
  const kinds: ProvisioningKind[] = ['user', 'person'];
  return {
    renewalId: 'renewal-1',
    accountId: 'acme',
    accountName: 'Acme Logistics',
    token: SECRET_TOKEN,
    newExpiresAt: new Date('2028-01-22T12:00:00Z'),
    timezone: TIMEZONE,
    scimBaseUrl: 'https://acme.timly.example/scim/v2',
    apps: kinds.map((kind) => ({ ...appView(kind), steps: entraSteps(kind) })),
    lapsesAt: new Date(Date.now() + DAY),
    ...overrides,
  };
}
