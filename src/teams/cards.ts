import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { RenewedView, SecretView, WarningView } from '../core/chat.js';
import type { Threshold } from '../domain/thresholds.js';
import { formatDate, formatDateTime } from '../domain/thresholds.js';

/** The Action.Execute verbs of the bot's cards; the contract names them. */
export const VERB_RENEW = 'renewToken';
export const VERB_CONFIRM_APPLIED = 'confirmApplied';
export const VERB_SHOW_AGAIN = 'showSecretAgain';

/** What the Renew button carries, so a click needs no lookup of the message it sits on. */
export interface RenewData {
  accountId: string;
  /** ISO expiry of the token the warning was about; an older value marks a stale button. */
  tokenExpiresAt?: string;
  threshold?: Threshold;
  /** 'confirm' renews; 'cancel' turns the confirmation back into the warning. */
  step?: 'confirm' | 'cancel';
}

/** What the buttons of the private token card carry. */
export interface SecretData {
  renewalId: string;
}

type Element = Record<string, unknown>;

function card(body: Element[], actions: Element[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

function text(value: string, extra: Element = {}): Element {
  return { type: 'TextBlock', text: value, wrap: true, ...extra };
}

function execute(title: string, verb: string, data: object, style?: string): Element {
  return { type: 'Action.Execute', title, verb, data, ...(style ? { style } : {}) };
}

function appList(view: { apps: { name: string }[] }): string {
  return view.apps.map((app) => `"${app.name}"`).join(' and ');
}

/** The token a Renew button is about; a warning, or just the account for `renew ACCOUNT`. */
export interface RenewTarget {
  accountId: string;
  accountName: string;
  expiresAt: Date;
  threshold?: Threshold;
}

function renewData(target: RenewTarget, step?: RenewData['step']): RenewData {
  return {
    accountId: target.accountId,
    tokenExpiresAt: target.expiresAt.toISOString(),
    ...(target.threshold ? { threshold: target.threshold } : {}),
    ...(step ? { step } : {}),
  };
}

/** The channel warning with its Renew button; never carries a token. */
export function warningCard(view: WarningView): AdaptiveCard {
  const date = formatDate(view.expiresAt, view.timezone);
  const headline =
    view.threshold === 'expired'
      ? `The Timly provision token of ${view.accountName} expired on ${date}. Provisioning ` +
        'has stopped: users and persons are no longer synced from Entra ID.'
      : `The Timly provision token of ${view.accountName} expires on ${date} ` +
        `(${view.daysLeft} days left).`;
  return card(
    [
      text(headline, {
        weight: 'Bolder',
        color: view.threshold === 'expired' ? 'Attention' : 'Warning',
      }),
      text(`Used by the enterprise apps ${appList(view)} in Microsoft Entra ID.`),
    ],
    [execute('Renew token', VERB_RENEW, renewData(view), 'positive')],
  );
}

/** Teams has no confirm dialog, so the warning first turns into this question. */
export function confirmCard(target: RenewTarget): AdaptiveCard {
  return card(
    [
      text(`Renew the token of ${target.accountName} now?`, { weight: 'Bolder' }),
      text(
        'Renewing stops the current token at once: provisioning stops until the new token is ' +
          'saved in Entra ID, so renew only if you can update Entra now.',
      ),
    ],
    [
      execute('Renew now', VERB_RENEW, renewData(target, 'confirm'), 'destructive'),
      execute('Not now', VERB_RENEW, renewData(target, 'cancel')),
    ],
  );
}

/** What the clicker sees while the renewal finishes in the background. */
export function renewingCard(accountName: string): AdaptiveCard {
  return card([
    text(`Renewing the token of ${accountName}…`, { weight: 'Bolder' }),
    text('The new token and the Entra steps come to you in a 1:1 chat with the bot.'),
  ]);
}

/** A short answer on a card, for refusals and outcomes shown in place of the clicked card. */
export function noticeCard(message: string): AdaptiveCard {
  return card([text(message)]);
}

/** The warning after the renewal, for everyone in the channel. */
export function renewedCard(view: RenewedView): AdaptiveCard {
  const body = [
    text(
      `The Timly provision token of ${view.accountName} was renewed by ${view.renewedByName} ` +
        `on ${formatDateTime(view.renewedAt, view.timezone)}. The new token expires on ` +
        `${formatDate(view.newExpiresAt, view.timezone)}.`,
      { weight: 'Bolder', color: 'Good' },
    ),
  ];
  for (const app of view.entra ?? []) {
    const mark = app.applied && app.tested ? '✅' : '❌';
    body.push(text(`${mark} "${app.appName}": ${app.message}`));
  }
  return card(body);
}

/** The 1:1 card with the new token and the numbered Entra steps for each enterprise app. */
export function secretCard(view: SecretView): AdaptiveCard {
  const body: Element[] = [
    text(`New Timly provision token for ${view.accountName}`, { weight: 'Bolder', size: 'Medium' }),
    text(
      `Only you can see this. It expires on ${formatDate(view.newExpiresAt, view.timezone)}. ` +
        'The old token has stopped working: put this one into Entra ID now.',
    ),
    text(view.token, { fontType: 'Monospace', id: 'secretToken' }),
  ];
  if (view.scimBaseUrl) body.push(text(`Tenant URL (unchanged): ${view.scimBaseUrl}`));
  for (const app of view.apps) {
    body.push(text(`Enterprise app "${app.name}"`, { weight: 'Bolder', spacing: 'Medium' }));
    body.push(text(app.steps.map((step, index) => `${index + 1}. ${step}`).join('\n')));
  }
  body.push(
    text(
      'The bot keeps this token until you confirm, at most until ' +
        `${formatDateTime(view.lapsesAt, view.timezone)}.`,
      { isSubtle: true },
    ),
  );
  const data: SecretData = { renewalId: view.renewalId };
  return card(body, [
    execute('Done, Entra is updated', VERB_CONFIRM_APPLIED, data, 'positive'),
    execute('Show token again', VERB_SHOW_AGAIN, data),
  ]);
}

/** The 1:1 card once the token is off screen. */
export function redactedCard(reason: string): AdaptiveCard {
  return card([text(`The token is no longer shown here: ${reason}.`)]);
}
