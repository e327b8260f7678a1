import type { types } from '@slack/bolt';

type KnownBlock = types.KnownBlock;
import { formatDate, formatDateTime } from '../domain/thresholds.js';
import type { RenewedView, SecretView, WarningView } from '../core/chat.js';
import type { AccountStatus } from '../core/status.js';
import { statusText as coreStatusText, type Markup } from '../core/status-text.js';

export const ACTION_RENEW = 'renew_token';
export const ACTION_CONFIRM_APPLIED = 'confirm_applied';
export const ACTION_SHOW_AGAIN = 'show_secret_again';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function appList(view: { apps: { name: string }[] }): string {
  return view.apps.map((app) => `"${app.name}"`).join(' and ');
}

/** The channel warning with the Renew button and its confirm dialog. */
export function warningMessage(view: WarningView): SlackMessage {
  const date = formatDate(view.expiresAt, view.timezone);
  const expired = view.threshold === 'expired';
  const text = expired
    ? `:rotating_light: The Timly provision token of *${view.accountName}* expired on ${date}. ` +
      `Provisioning has stopped: users and persons are no longer synced from Entra ID.`
    : `:warning: The Timly provision token of *${view.accountName}* expires on ${date} ` +
      `(${view.daysLeft} days left).`;

  return {
    text: expired
      ? `Timly token of ${view.accountName} expired: provisioning has stopped`
      : `Timly token of ${view.accountName} expires on ${date} (${view.daysLeft} days left)`,
    blocks: [
      section(text),
      section(`Used by the enterprise apps ${appList(view)} in Microsoft Entra ID.`),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_RENEW,
            value: view.accountId,
            style: 'primary',
            text: { type: 'plain_text', text: 'Renew token' },
            confirm: {
              title: { type: 'plain_text', text: 'Renew the token now?' },
              text: {
                type: 'mrkdwn',
                text:
                  'Renewing stops the current token at once: provisioning stops until the new ' +
                  'token is saved in Entra ID. Renew only if you can update Entra right now.',
              },
              confirm: { type: 'plain_text', text: 'Renew now' },
              deny: { type: 'plain_text', text: 'Not now' },
            },
          },
        ],
      },
    ],
  };
}

/** What a warning turns into after the renewal, for everyone in the channel. */
export function renewedMessage(view: RenewedView): SlackMessage {
  const lines = [
    `:white_check_mark: The Timly provision token of *${view.accountName}* was renewed by ` +
      `${view.renewedByName} on ${formatDateTime(view.renewedAt, view.timezone)}. ` +
      `The new token expires on ${formatDate(view.newExpiresAt, view.timezone)}.`,
  ];
  for (const app of view.entra ?? []) {
    const mark = app.applied && app.tested ? ':white_check_mark:' : ':x:';
    lines.push(`${mark} "${app.appName}": ${app.message}`);
  }
  const text = `Timly token of ${view.accountName} renewed by ${view.renewedByName}`;
  return { text, blocks: lines.map(section) };
}

/** The private message with the new token and the numbered Entra steps for each app. */
export function secretMessage(view: SecretView): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `:key: New Timly provision token for *${view.accountName}* (only you can see this). ` +
        `It expires on ${formatDate(view.newExpiresAt, view.timezone)}. ` +
        'The old token has stopped working: put this one into Entra ID now.',
    ),
    section('```' + view.token + '```'),
  ];
  if (view.scimBaseUrl) blocks.push(section(`Tenant URL (unchanged): ${view.scimBaseUrl}`));

  for (const app of view.apps) {
    const steps = app.steps.map((step, index) => `${index + 1}. ${step}`).join('\n');
    blocks.push(section(`*Enterprise app "${app.name}"*\n${steps}`));
  }
  blocks.push(
    section(
      `The bot keeps this token until you confirm, at most until ` +
        `${formatDateTime(view.lapsesAt, view.timezone)}.`,
    ),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_CONFIRM_APPLIED,
          value: view.renewalId,
          style: 'primary',
          text: { type: 'plain_text', text: 'Done, Entra is updated' },
        },
        {
          type: 'button',
          action_id: ACTION_SHOW_AGAIN,
          value: view.renewalId,
          text: { type: 'plain_text', text: 'Show token again' },
        },
      ],
    },
  );
  return { text: `New Timly provision token for ${view.accountName}`, blocks };
}

const SLACK_MARKUP: Markup = { bold: (text) => `*${text}*`, lineBreak: '\n', broken: ':x:' };

/** The status of the accounts a channel or an admin sees, in Slack mrkdwn. */
export function statusText(statuses: AccountStatus[]): string {
  return coreStatusText(statuses, SLACK_MARKUP);
}

export const HELP_TEXT = [
  '*/timly-renew* keeps your Timly SCIM provision token alive.',
  '• `/timly-renew` or `/timly-renew status`: expiry, days left and next warning',
  '• `/timly-renew renew ACCOUNT`: renew the token now (admins only; the old token stops at once)',
  "• `/timly-renew connect ACCOUNT`: post this account's warnings in this channel",
  '• `/timly-renew disconnect ACCOUNT`: stop posting them here',
  '• `/timly-renew help`: this text',
].join('\n');
