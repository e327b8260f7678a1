import { formatDate, formatDateTime } from '../domain/thresholds.js';
import type { AccountStatus } from './status.js';

/** How one platform marks up text; the words of a status are the same everywhere. */
export interface Markup {
  bold(text: string): string;
  /** Between lines: Teams needs a blank line where Slack takes a line break. */
  lineBreak: string;
  broken: string;
}

/** The status of the accounts a channel or an admin sees, audit trail included. */
export function statusText(statuses: AccountStatus[], markup: Markup): string {
  if (statuses.length === 0) {
    return (
      'No Timly account is connected here. An admin connects one with `connect ACCOUNT` ' +
      '(in Slack: `/timly-renew connect ACCOUNT`).'
    );
  }
  return statuses.map((status) => statusLines(status, markup)).join(markup.lineBreak.repeat(2));
}

function statusLines(status: AccountStatus, markup: Markup): string {
  const { account } = status;
  const tz = account.timezone;
  const lines = [
    `${markup.bold(account.name)} (\`${account.id}\`): token expires on ` +
      `${formatDate(account.expiresAt, tz)}, ${status.daysLeft} days left.`,
    `Enterprise apps: ${status.apps.join(', ')}.`,
  ];
  if (status.nextWarning) {
    const when = formatDateTime(status.nextWarning.dueAt, tz);
    lines.push(`Next warning (${status.nextWarning.label}): ${when}.`);
  }
  for (const destination of status.destinations.filter((d) => d.broken)) {
    lines.push(
      `${markup.broken} ${destination.platform} channel ${destination.channelId} is broken: ` +
        destination.broken,
    );
  }
  if (status.openRenewal) {
    lines.push(`Open renewal by ${status.openRenewal.byName}: ${status.openRenewal.state}.`);
  }
  if (status.recentAudit.length > 0) {
    lines.push('Recent activity:');
    for (const entry of status.recentAudit) {
      const action = entry.action.replaceAll('_', ' ');
      lines.push(`• ${formatDateTime(entry.at, tz)}: ${entry.actor} ${action}`);
    }
  }
  return lines.join(markup.lineBreak);
}
