import { formatDate, formatDateTime } from '../domain/thresholds.js';
import { TimlyRenewError } from '../errors.js';
import type { FollowUpOutcome } from './renewal-delivery.js';
import type { ProcessOutcome, RenewalHolder, RenewalOutcome } from './renewal.js';

// The sentences an admin reads after a click or a command, shared by Slack and Teams.

function holderText(holder: RenewalHolder, timezone: string): string {
  const who = holder.yours ? 'You' : holder.byName;
  const when = formatDateTime(holder.at, timezone);
  const expiry = holder.newExpiresAt
    ? ` The new token expires on ${formatDate(holder.newExpiresAt, timezone)}.`
    : '';
  return `${who} renewed this token on ${when}.${expiry}`;
}

/** The reply to a renewal request that did not start a renewal; undefined when it started. */
export function renewalRefusal(outcome: RenewalOutcome): string | undefined {
  switch (outcome.kind) {
    case 'started':
      return undefined;
    case 'unknown_account':
      return (
        `There is no account "${outcome.accountId}". ` + '`timly-renew accounts list` shows them.'
      );
    case 'not_admin':
      return (
        `Only the admins of ${outcome.account.name} can renew its token: ` +
        `${outcome.account.admins.join(', ')}. Ask one of them.`
      );
    case 'in_progress': {
      const { holder, account } = outcome;
      const tz = account.timezone;
      if (holder.state === 'requested') {
        const who = holder.yours ? 'Your' : `${holder.byName}'s`;
        const since = formatDateTime(holder.at, tz);
        return `${who} renewal of ${account.name} is already under way since ${since}.`;
      }
      const again = holder.shownAgain
        ? ' The token was sent to you again, privately.'
        : holder.yours
          ? ' Press "Show token again" to see the token.'
          : '';
      return `${holderText(holder, tz)}${again}`;
    }
    case 'already_renewed':
      return outcome.holder
        ? holderText(outcome.holder, outcome.account.timezone)
        : `This warning is out of date: the token of ${outcome.account.name} now expires on ` +
            `${formatDate(outcome.account.expiresAt, outcome.account.timezone)}.`;
  }
}

/** The reply after the token service was called; undefined when the token went out privately. */
export function processReply(outcome: ProcessOutcome): string | undefined {
  switch (outcome.kind) {
    case 'busy':
    case 'done':
      return undefined;
    case 'failed':
      return `The token was not renewed: ${outcome.failure.message} The current token still works.`;
    case 'retrying':
      return (
        `${outcome.failure.message} The bot retries the same renewal on its own (it can never ` +
        'renew twice) and sends you the token here as soon as it has it.'
      );
  }
}

/** The reply to "Show token again" or "Done, Entra is updated" when it did not go through. */
export function followUpRefusal(outcome: FollowUpOutcome): string | undefined {
  switch (outcome.kind) {
    case 'ok':
      return undefined;
    case 'not_found':
      return 'That renewal is unknown to the bot.';
    case 'not_yours':
      return `Only ${outcome.byName}, who renewed the token, can do that.`;
    case 'gone':
      return outcome.state === 'undeliverable'
        ? 'The token could not be sent to you privately. Check that the bot may message you.'
        : 'The token is no longer kept by the bot ' +
            '(it was confirmed as applied or its time ran out).';
  }
}

/** The reply when something failed that nobody planned for; the stored renewal goes on. */
export const UNEXPECTED_REPLY =
  "Something went wrong on the bot's side. Nothing is lost: a renewal that was started is " +
  'finished by the bot within minutes and its token sent to you here.';

/** What to tell a user after a failure: a known error says what to do; others stay vague. */
export function failureReply(error: unknown): string {
  return error instanceof TimlyRenewError ? error.message : UNEXPECTED_REPLY;
}
