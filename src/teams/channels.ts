import type { AdaptiveCard } from '@microsoft/teams-ai';
import {
  CardFactory,
  MessageFactory,
  type CloudAdapter,
  type ConversationReference,
  type TurnContext,
} from 'botbuilder';
import {
  failed,
  ok,
  type ChatChannels,
  type ChatFailure,
  type ChatResult,
  type DestinationRef,
  type PrivateRecipient,
  type RenewedView,
  type SecretView,
  type WarningView,
} from '../core/chat.js';
import type { Logger } from '../logger.js';
import { redactedCard, renewedCard, secretCard, warningCard } from './cards.js';
import { decodeAddress, encodeAddress, isPersonal, type TeamsUsers } from './references.js';

// Teams asks for a pause with 429; a few bounded waits, then the sweep's next run tries again.
const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_RETRY_AFTER_SECONDS = 30;
const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

type Message = Parameters<TurnContext['sendActivity']>[0];

interface ConnectorError {
  statusCode?: number;
  code?: string;
  response?: { status?: number; headers?: { get?(name: string): string | undefined } };
}

/** Turns a Bot Connector error into an expected outcome. */
export function connectorFailure(error: unknown): ChatFailure {
  const e = error as ConnectorError;
  const status = e.statusCode ?? e.response?.status;
  const retryAfter = Number(e.response?.headers?.get?.('retry-after'));
  switch (status) {
    case 403:
      return {
        reason: 'forbidden',
        message: 'Teams answered 403: the bot was removed, blocked or the app is disabled.',
      };
    case 404:
      return { reason: 'channel_gone', message: 'Teams answered 404: the conversation is gone.' };
    case 429:
      return {
        reason: 'rate_limited',
        message: 'Teams is rate limiting the bot.',
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1,
      };
    default:
      return {
        reason: 'unavailable',
        message: status ? `Teams answered ${status}.` : 'Teams could not be reached.',
      };
  }
}

function attachment(card: AdaptiveCard) {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

/** Teams' side of the ChatChannels interface: proactive posts through the Bot Connector. */
export class TeamsChannels implements ChatChannels {
  readonly platform = 'teams' as const;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly users: TeamsUsers,
    private readonly log: Logger,
    private readonly sleep = (ms: number) => new Promise((done) => setTimeout(done, ms)),
  ) {}

  async postWarning(destination: DestinationRef, view: WarningView): Promise<ChatResult<string>> {
    const reference = channelReference(destination);
    if (!reference) return noReference(destination);
    return this.send(reference, attachment(warningCard(view)), 'post warning');
  }

  async markRenewed(
    destination: DestinationRef,
    messageRef: string | undefined,
    view: RenewedView,
  ): Promise<ChatResult> {
    const reference = channelReference(destination);
    if (!reference) return noReference(destination);
    const message = attachment(renewedCard(view));
    const result = messageRef
      ? await this.update(reference, messageRef, message, 'mark renewed')
      : await this.send(reference, message, 'post renewed');
    return result.ok ? ok() : result;
  }

  async postNotice(destination: DestinationRef, text: string): Promise<ChatResult> {
    const reference = channelReference(destination);
    if (!reference) return noReference(destination);
    const result = await this.send(reference, MessageFactory.text(text), 'post notice');
    return result.ok ? ok() : result;
  }

  async sendSecret(recipient: PrivateRecipient, view: SecretView): Promise<ChatResult<string>> {
    const reference = await this.personalReference(recipient);
    if (!reference.ok) return reference;
    const sent = await this.send(reference.value, attachment(secretCard(view)), 'send secret');
    if (!sent.ok) return sent;
    return ok(
      encodeAddress({ conversationId: reference.value.conversation.id, activityId: sent.value }),
    );
  }

  async redactSecret(
    recipient: PrivateRecipient,
    messageRef: string,
    reason: string,
  ): Promise<ChatResult> {
    const address = decodeAddress(messageRef);
    if (!address) return failed('unavailable', 'The token message cannot be found again.');
    const reference = await this.personalReference(recipient);
    if (!reference.ok) return reference;
    const target = {
      ...reference.value,
      conversation: { ...reference.value.conversation, id: address.conversationId },
    };
    const message = attachment(redactedCard(reason));
    return this.update(target, address.activityId, message, 'redact secret');
  }

  async sendDirect(recipient: PrivateRecipient, text: string): Promise<ChatResult> {
    const reference = await this.personalReference(recipient);
    if (!reference.ok) return reference;
    const sent = await this.send(reference.value, MessageFactory.text(text), 'direct message');
    return sent.ok ? ok() : sent;
  }

  /** The user's 1:1 chat: remembered, the click's own, or opened now from the channel's. */
  private async personalReference(
    recipient: PrivateRecipient,
  ): Promise<ChatResult<ConversationReference>> {
    const user = await this.users.find(recipient.userId);
    if (user?.reference) return ok(user.reference);

    const base = recipient.conversationRef as ConversationReference | undefined;
    if (base && isPersonal(base)) return ok(base);
    if (!base?.serviceUrl) {
      return failed(
        'unavailable',
        `The bot has no 1:1 chat with ${recipient.userId} yet: they should message the bot once.`,
      );
    }

    const tenantId = base.conversation.tenantId;
    const userId = user?.userId ?? recipient.userId;
    let conversationId: string | undefined;
    const created = await this.call('open 1:1 chat', () =>
      this.adapter.createConversationAsync(
        this.appId,
        'msteams',
        base.serviceUrl,
        BOT_FRAMEWORK_AUDIENCE,
        {
          isGroup: false,
          bot: base.bot,
          members: [{ id: userId, name: '' }],
          tenantId,
          channelData: { tenant: { id: tenantId } },
          activity: undefined as never,
        },
        async (context) => {
          conversationId = context.activity.conversation.id;
        },
      ),
    );
    if (!created.ok) return created;
    if (!conversationId) return failed('unavailable', 'Teams opened no 1:1 chat.');

    const reference: ConversationReference = {
      channelId: 'msteams',
      serviceUrl: base.serviceUrl,
      bot: base.bot,
      user: { id: userId, name: user?.name ?? '' },
      conversation: {
        id: conversationId,
        conversationType: 'personal',
        tenantId,
        isGroup: false,
        name: '',
      },
    };
    await this.users.remember({ userId, reference });
    return ok(reference);
  }

  private async send(
    reference: Partial<ConversationReference>,
    message: Message,
    label: string,
  ): Promise<ChatResult<string>> {
    let id = '';
    const result = await this.call(label, () =>
      this.proactive(reference, async (context) => {
        // botbuilder makes a proactive message a reply to a made-up activity id; a warning
        // must be a new post in the channel, so the reply id goes.
        context.onSendActivities(async (_context, activities, next) => {
          for (const activity of activities) delete activity.replyToId;
          return next();
        });
        id = (await context.sendActivity(message))?.id ?? '';
      }),
    );
    return result.ok ? ok(id) : result;
  }

  private async update(
    reference: Partial<ConversationReference>,
    activityId: string,
    message: Message,
    label: string,
  ): Promise<ChatResult> {
    const activity = typeof message === 'string' ? MessageFactory.text(message) : message;
    return this.call(label, () =>
      this.proactive(reference, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      }),
    );
  }

  // The turn's error handler (app.error) would swallow a failed call; it must reach call().
  private async proactive(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    let failure: unknown;
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = error;
      }
    });
    if (failure) throw failure;
  }

  // One Bot Connector call with bounded waits on 429; other failures come back as values.
  private async call(label: string, work: () => Promise<void>): Promise<ChatResult> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await work();
        return ok();
      } catch (error) {
        const failure = connectorFailure(error);
        const wait = Math.min(failure.retryAfterSeconds ?? 1, MAX_RETRY_AFTER_SECONDS);
        if (failure.reason === 'rate_limited' && attempt < MAX_RATE_LIMIT_RETRIES) {
          this.log.info({ call: label, waitSeconds: wait }, 'Teams asked the bot to wait');
          await this.sleep(wait * 1000);
          continue;
        }
        this.log.warn(
          { call: label, reason: failure.reason, status: failure.message },
          'Teams call failed',
        );
        return { ok: false, failure };
      }
    }
  }
}

function channelReference(destination: DestinationRef): ConversationReference | undefined {
  const reference = destination.conversationRef as ConversationReference | undefined;
  return reference?.serviceUrl && reference.conversation?.id ? reference : undefined;
}

function noReference(destination: DestinationRef): { ok: false; failure: ChatFailure } {
  return failed(
    'not_in_channel',
    `The bot has no conversation reference for ${destination.channelId}: ` +
      'type `connect ACCOUNT` in that channel again.',
  );
}
