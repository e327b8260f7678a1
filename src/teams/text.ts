import type { AccountStatus } from '../core/status.js';
import { statusText as coreStatusText, type Markup } from '../core/status-text.js';

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

const TEAMS_MARKUP: Markup = { bold: (text) => `**${text}**`, lineBreak: '\n\n', broken: '❌' };

/** The status of the accounts a channel or an admin sees, in Teams markdown. */
export function statusText(statuses: AccountStatus[]): string {
  return coreStatusText(statuses, TEAMS_MARKUP);
}
