import type { AccountStatus } from '../core/status.js';
import { formatDate, formatDateTime } from '../domain/thresholds.js';

/** What `help` answers in Teams: the same words as the manifest's command list. */
export const HELP_TEXT = [
  '**timly-renew** keeps your Timly SCIM provision token alive. Mention the bot in a channel ' +
    'or write to it directly:',
  '- `status`: expiry, days left and next warning',
  '- `renew ACCOUNT`: renew the token now (admins only; the old token stops at once)',
  "- `connect ACCOUNT`: post this account's warnings in this channel",
  '- `disconnect ACCOUNT`: stop posting them here',
  '- `help`: this text',
].join('\n');

/** The welcome when the bot is added to a team or installed personally. */
export const WELCOME_TEXT =
  'Hello! I warn before a Timly provision token expires and renew it on a click. ' +
  'An account admin types `connect ACCOUNT` in a channel to get its warnings there; ' +
  '`help` lists every command.';

/** The status of the accounts a channel or an admin sees, in Teams markdown. */
export function statusText(statuses: AccountStatus[]): string {
  if (statuses.length === 0) {
    return 'No Timly account is connected here. An admin connects one with `connect ACCOUNT`.';
  }
  return statuses.map(statusLines).join('\n\n');
}

function statusLines(status: AccountStatus): string {
  const { account } = status;
  const tz = account.timezone;
  const lines = [
    `**${account.name}** (\`${account.id}\`): token expires on ` +
      `${formatDate(account.expiresAt, tz)}, ${status.daysLeft} days left.`,
    `Enterprise apps: ${status.apps.join(', ')}.`,
  ];
  if (status.nextWarning) {
    lines.push(
      `Next warning (${status.nextWarning.label}): ` +
        `${formatDateTime(status.nextWarning.dueAt, tz)}.`,
    );
  }
  for (const destination of status.destinations.filter((d) => d.broken)) {
    lines.push(
      `❌ ${destination.platform} channel ${destination.channelId} is broken: ` +
        destination.broken,
    );
  }
  if (status.openRenewal) {
    lines.push(`Open renewal by ${status.openRenewal.byName}: ${status.openRenewal.state}.`);
  }
  return lines.join('\n\n');
}
