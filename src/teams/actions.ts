import type { AdaptiveCard, Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { isAdmin } from '../core/accounts.js';
import type { PrivateRecipient } from '../core/chat.js';
import {
  followUpRefusal,
  processReply,
  renewalRefusal,
  UNEXPECTED_REPLY,
} from '../core/replies.js';
import type { CoreServices } from '../core/services.js';
import { warningView } from '../core/views.js';
import type { Account } from '../db/client.js';
import type { Logger } from '../logger.js';
import { teamsActor } from './actor.js';
import {
  confirmCard,
  noticeCard,
  redactedCard,
  renewingCard,
  VERB_CONFIRM_APPLIED,
  VERB_RENEW,
  VERB_SHOW_AGAIN,
  warningCard,
  type RenewData,
  type SecretData,
} from './cards.js';
import type { TeamsChannels } from './channels.js';
import { storableReference, type TeamsUsers } from './references.js';

interface Deps {
  core: CoreServices;
  channels: TeamsChannels;
  users: TeamsUsers;
  log: Logger;
}

/**
 * Registers the Action.Execute verbs renewToken, confirmApplied and showSecretAgain, and a
 * polite answer for any other verb.
 */
export function registerActions(app: Application, deps: Deps): void {
  app.adaptiveCards.actionExecute<RenewData>(VERB_RENEW, (context, _state, data) =>
    renew(deps, context, data),
  );

  app.adaptiveCards.actionExecute<SecretData>(VERB_CONFIRM_APPLIED, async (context, _s, data) => {
    const actor = await teamsActor(context, deps.users, deps.log);
    const outcome = await deps.core.renewals.delivery.confirmApplied(data.renewalId, actor);
    const refusal = followUpRefusal(outcome);
    if (refusal !== undefined) return noticeCard(refusal);
    return redactedCard('confirmed as applied in Entra; the bot deleted its copy');
  });

  app.adaptiveCards.actionExecute<SecretData>(VERB_SHOW_AGAIN, async (context, _s, data) => {
    const actor = await teamsActor(context, deps.users, deps.log);
    const outcome = await deps.core.renewals.delivery.showAgain(data.renewalId, actor);
    const refusal = followUpRefusal(outcome);
    if (refusal !== undefined) return noticeCard(refusal);

    // The newest message is the one that gets redacted later, so this one goes off screen now.
    const card = redactedCard('it is shown again in a newer message below');
    await updateClicked(context, card, deps.log);
    return card;
  });

  // Registered last, so it only sees verbs no route above knows: an old card's button.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const verb = String(context.activity.value?.action?.verb ?? '').slice(0, 64);
    deps.log.warn({ verb }, 'Teams card button with an unknown verb');
    return 'This button is no longer supported.';
  });
}

async function renew(deps: Deps, context: TurnContext, data: RenewData): Promise<AdaptiveCard> {
  const { core, users, log } = deps;
  const account = await core.accounts.get(String(data.accountId ?? ''));
  if (!account) {
    return noticeCard(renewalRefusal({ kind: 'unknown_account', accountId: data.accountId })!);
  }
  const expected = data.tokenExpiresAt ? new Date(data.tokenExpiresAt) : undefined;
  const target = { ...account, expiresAt: expected ?? account.expiresAt };

  if (data.step === 'cancel') return cancelled(account, target.expiresAt, data);

  const actor = await teamsActor(context, users, log, account);
  if (data.step !== 'confirm') {
    // Refuse before asking: a non-admin or a stale button never sees the confirmation.
    if (!isAdmin(account, actor))
      return noticeCard(renewalRefusal({ kind: 'not_admin', account })!);
    if (expected && expected.getTime() !== account.expiresAt.getTime()) {
      return noticeCard(renewalRefusal({ kind: 'already_renewed', account })!);
    }
    return confirmCard({
      ...target,
      accountId: account.id,
      accountName: account.name,
      threshold: data.threshold,
    });
  }

  const recipient: PrivateRecipient = {
    platform: 'teams',
    userId: actor.userId,
    conversationRef: storableReference(context.activity),
  };
  const outcome = await core.renewals.request({
    accountId: account.id,
    actor,
    recipient,
    expectedExpiresAt: expected,
  });
  const refusal = renewalRefusal(outcome);
  if (refusal !== undefined || outcome.kind !== 'started') {
    return noticeCard(refusal ?? 'Nothing to do.');
  }

  // Teams gives an invoke a few seconds; the token service and Entra may take longer.
  core.background('teams renewal', async () => {
    const processed = await core.renewals.process(outcome.renewalId).catch((error: Error) => {
      // The renewal is stored: the follow-up job finishes it; the admin hears so meanwhile.
      log.error({ accountId: account.id, err: error.message }, 'renewal stopped unexpectedly');
      return undefined;
    });
    const text = processed ? processReply(processed) : UNEXPECTED_REPLY;
    if (text) await deps.channels.sendDirect(recipient, text);
    log.info({ accountId: account.id, result: processed?.kind }, 'renew click handled');
  });
  return renewingCard(account.name);
}

function cancelled(account: Account, expiresAt: Date, data: RenewData): AdaptiveCard {
  if (!data.threshold) return noticeCard(`Not renewed: the token of ${account.name} still works.`);
  return warningCard(warningView({ ...account, expiresAt }, data.threshold, new Date()));
}

// An invoke's answer reaches only the clicker's client; an update changes the message itself.
async function updateClicked(context: TurnContext, card: AdaptiveCard, log: Logger) {
  const id = context.activity.replyToId;
  if (!id) return;
  try {
    await context.updateActivity({
      ...MessageFactory.attachment(CardFactory.adaptiveCard(card)),
      id,
    });
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'could not update the clicked card');
  }
}
