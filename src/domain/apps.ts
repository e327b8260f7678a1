/** The provisioning kinds a Timly token can serve, each through one enterprise app. */
export const PROVISIONING_KINDS = ['user', 'person'] as const;
export type ProvisioningKind = (typeof PROVISIONING_KINDS)[number];

/** Display names of the Entra enterprise apps, as Timly's setup guide names them. */
export const ENTERPRISE_APP_NAMES: Record<ProvisioningKind, string> = {
  user: 'Timly',
  person: 'Timly Person Provisioning',
};

/** The enterprise apps that use an account's token, in a stable order. */
export function enterpriseApps(provisioning: readonly string[]): ProvisioningKind[] {
  return PROVISIONING_KINDS.filter((kind) => provisioning.includes(kind));
}

/** Parses "user,person" into kinds; throws on an unknown kind. */
export function parseProvisioning(text: string): ProvisioningKind[] {
  const parts = text
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  const unknown = parts.find((part) => !(PROVISIONING_KINDS as readonly string[]).includes(part));
  if (unknown !== undefined) {
    throw new Error(`unknown provisioning kind "${unknown}" (use user, person or user,person)`);
  }
  if (parts.length === 0) throw new Error('name at least one provisioning kind: user, person');
  return enterpriseApps(parts);
}

/** The numbered manual steps that put a new secret token into one enterprise app. */
export function entraSteps(kind: ProvisioningKind): string[] {
  const app = ENTERPRISE_APP_NAMES[kind];
  return [
    'Open the Microsoft Entra admin center and go to Enterprise applications.',
    `Search for "${app}" and open it.`,
    'Open Provisioning.',
    'Under Manage, open Connectivity (Admin credentials).',
    'Paste the new token into "Secret token".',
    'Select Save.',
    'Optionally select "Test connection" to check it.',
  ];
}
