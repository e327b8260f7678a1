import { webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;
import {
  failed,
  ok,
  type ChatChannels,
  type ChatResult,
  type DestinationRef,
  type PrivateRecipient,
  type RenewedView,
  type SecretView,
  type WarningView,
} from '../core/chat.js';
import type { Logger } from '../logger.js';
import { slackLogger } from './logger.js';
import { quarantineMessage } from './provisioning.js';
import { renewedMessage, secretMessage, warningMessage, type SlackMessage } from './blocks.js';

// Slack error codes that mean the bot cannot post in that one conversation until someone acts.
// Errors of the whole app (invalid_auth, account_inactive, missing_scope, token_revoked) are
// left 'unavailable': they would otherwise mark every channel broken at once.
const GONE = new Set(['channel_not_found', 'is_archived', 'team_access_not_granted']);
const FORBIDDEN = new Set(['not_in_channel', 'restricted_action']);
const RECIPIENT_UNREACHABLE = new Set([
  'user_not_in_channel',
  'channel_not_found',
  'not_in_channel',
]);

interface SlackApiError {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
}

/** Turns a Web API error into an expected outcome; a bug still throws. */
function toFailure(error: unknown): { ok: false; failure: ReturnType<typeof failed>['failure'] } {
  const e = error as SlackApiError;
  if (e.code === 'slack_webapi_rate_limited_error') {
    return failed('rate_limited', 'Slack is rate limiting the bot.', e.retryAfter);
  }
  const code = e.data?.error;
  if (code === 'ratelimited') return failed('rate_limited', 'Slack is rate limiting the bot.');
  if (code === undefined) {
    return failed('unavailable', 'Slack could not be reached.');
  }
  if (GONE.has(code)) return failed('channel_gone', `Slack says ${code}.`);
  if (FORBIDDEN.has(code)) return failed('forbidden', `Slack says ${code}.`);
  return failed('unavailable', `Slack says ${code}.`);
}

/** Slack's side of the ChatChannels interface, over the Web API. */
export class SlackChannels implements ChatChannels {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  async postWarning(destination: DestinationRef, view: WarningView): Promise<ChatResult<string>> {
    return this.post(destination.channelId, warningMessage(view));
  }

  async markRenewed(
    destination: DestinationRef,
    messageRef: string | undefined,
    view: RenewedView,
  ): Promise<ChatResult> {
    const message = renewedMessage(view);
    if (!messageRef) {
      const posted = await this.post(destination.channelId, message);
      return posted.ok ? ok() : posted;
    }
    try {
      await this.client.chat.update({ channel: destination.channelId, ts: messageRef, ...message });
      return ok();
    } catch (error) {
      return this.logged(toFailure(error), 'chat.update');
    }
  }

  async postNotice(destination: DestinationRef, text: string): Promise<ChatResult> {
    const posted = await this.post(destination.channelId, { text, blocks: [] });
    return posted.ok ? ok() : posted;
  }

  async postQuarantineAlert(
    destination: DestinationRef,
    app: { accountId: string; kind: string; appName: string },
    text: string,
  ): Promise<ChatResult> {
    const posted = await this.post(destination.channelId, quarantineMessage(app, text));
    return posted.ok ? ok() : posted;
  }

  async sendSecret(recipient: PrivateRecipient, view: SecretView): Promise<ChatResult<string>> {
    const message = secretMessage(view);
    if (recipient.channelId) {
      try {
        const answer = await this.client.chat.postEphemeral({
          channel: recipient.channelId,
          user: recipient.userId,
          ...message,
        });
        return ok(`ephemeral:${recipient.channelId}:${answer.message_ts ?? ''}`);
      } catch (error) {
        const code = (error as SlackApiError).data?.error ?? '';
        if (!RECIPIENT_UNREACHABLE.has(code)) return this.logged(toFailure(error), 'postEphemeral');
        this.log.info({ code }, 'ephemeral message refused; falling back to a direct message');
      }
    }
    return this.direct(recipient.userId, message);
  }

  async redactSecret(
    recipient: PrivateRecipient,
    messageRef: string,
    reason: string,
  ): Promise<ChatResult> {
    const [kind, channel, ts] = messageRef.split(':');
    // Ephemeral messages cannot be edited through the Web API; the click's response_url does it.
    if (kind !== 'dm' || !channel || !ts) return ok();
    try {
      await this.client.chat.update({
        channel,
        ts,
        text: `The token is no longer shown here: ${reason}.`,
        blocks: [],
      });
      return ok();
    } catch (error) {
      return this.logged(toFailure(error), 'chat.update (redact)');
    }
  }

  async sendDirect(recipient: PrivateRecipient, text: string): Promise<ChatResult> {
    const sent = await this.direct(recipient.userId, { text, blocks: [] });
    return sent.ok ? ok() : sent;
  }

  private async direct(entry: string, message: SlackMessage): Promise<ChatResult<string>> {
    try {
      const userId = await this.slackUserId(entry);
      if (!userId) return failed('unavailable', `"${entry}" names no Slack user.`);
      const opened = await this.client.conversations.open({ users: userId });
      const channel = opened.channel?.id;
      if (!channel) return failed('unavailable', 'Slack opened no direct message channel.');
      const answer = await this.client.chat.postMessage({ channel, ...message });
      return ok(`dm:${channel}:${answer.ts ?? ''}`);
    } catch (error) {
      return this.logged(toFailure(error), 'direct message');
    }
  }

  // Admin entries may be Slack ids, e-mails (looked up, scope users:read.email) or Entra object
  // ids, which Slack cannot know.
  private async slackUserId(entry: string): Promise<string | undefined> {
    if (/^[UW][A-Z0-9]+$/.test(entry)) return entry;
    if (!entry.includes('@')) return undefined;
    const found = await this.client.users.lookupByEmail({ email: entry });
    return found.user?.id;
  }

  private async post(channel: string, message: SlackMessage): Promise<ChatResult<string>> {
    try {
      const answer = await this.client.chat.postMessage({ channel, ...message });
      return ok(answer.ts ?? '');
    } catch (error) {
      return this.logged(toFailure(error), 'chat.postMessage');
    }
  }

  private logged<T>(result: { ok: false; failure: T }, call: string) {
    this.log.warn({ call, failure: result.failure }, 'Slack call failed');
    return result;
  }
}

/** Slack's outgoing side without a Bolt app, for one-shot commands such as `check`. */
export function createSlackChannels(
  config: { botToken: string; apiUrl?: string },
  log: Logger,
): SlackChannels {
  const client = new webApi.WebClient(config.botToken, {
    logger: slackLogger(log),
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 2, factor: 2, maxTimeout: 5000 },
    // A 429 comes back at once as a rate limit; the sweep tries again on its next run.
    rejectRateLimitedCalls: true,
  });
  return new SlackChannels(client, log.child({ module: 'slack' }));
}
