import type { DestinationRef, PrivateRecipient } from '../../src/core/chat.js';
import { createSlackChannels } from '../../src/slack/channels.js';
import { FakeSlack, type InjectedError, type SlackCall } from '../support/fake-slack.js';
import { capturingLogger } from '../support/logging.js';
import { chatChannelsContract, textOf, type ChannelBreak } from './channels-contract.js';

// Slack's answers to chat.postMessage for each way a channel breaks. The Web API client
// built by createSlackChannels retries twice, so a lasting rate limit is three answers; a
// Retry-After of 0 keeps its waits short.
const BREAKS: Record<ChannelBreak, InjectedError> = {
  gone: { error: 'channel_not_found' },
  // Slack says not_in_channel when the bot was removed; the bot counts that as forbidden.
  forbidden: { error: 'not_in_channel' },
  rate_limited: { error: 'ratelimited', status: 429, retryAfter: 0, times: 3 },
};

// Direct-message channels start with D; everything else is seen by the whole channel.
const isPrivate = (call: SlackCall) =>
  call.method === 'chat.postEphemeral' || String(call.body.channel).startsWith('D');
const isMessage = (call: SlackCall) =>
  ['chat.postMessage', 'chat.postEphemeral', 'chat.update'].includes(call.method);

chatChannelsContract('SlackChannels over the Web API', async () => {
  const slack = await new FakeSlack().start();
  const captured = capturingLogger();
  const channels = createSlackChannels(
    { botToken: 'xoxb-contract', apiUrl: slack.apiUrl },
    captured.log,
  );
  let channel = 0;
  const messages = (privately: boolean) =>
    slack.calls
      .filter((c) => isMessage(c) && isPrivate(c) === privately)
      .map((c) => textOf(c.body));

  return {
    channels,
    destination: (): DestinationRef => ({
      id: `dest-${++channel}`,
      platform: 'slack',
      channelId: `C0OPS${channel}`,
    }),
    // An admin who clicked in a channel: Slack shows the secret as an ephemeral message there.
    recipient: (): PrivateRecipient => ({
      platform: 'slack',
      userId: 'U0ADA',
      channelId: 'C0OPS0',
    }),
    breakChannel: (_destination, kind) => slack.failNext('chat.postMessage', BREAKS[kind]),
    breakRecipient: () => slack.failNext('chat.postEphemeral', { error: 'restricted_action' }),
    channelPosts: () => messages(false),
    privateMessages: () => messages(true),
    logLines: () => captured.lines,
    close: () => slack.stop(),
  };
});
