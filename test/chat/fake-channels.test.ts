import type { PrivateRecipient } from '../../src/core/chat.js';
import { FakeChatChannels } from '../support/fake-chat.js';
import { chatChannelsContract, type ChannelBreak } from './channels-contract.js';

// The fake the core tests lean on must keep the same promises as the real platforms.

const REASONS = {
  gone: 'channel_gone',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
} as const satisfies Record<ChannelBreak, string>;

const inOrder = <T extends { order: number; text: string }>(records: T[]) =>
  records.sort((a, b) => a.order - b.order).map((record) => record.text);

chatChannelsContract('FakeChatChannels', async () => {
  const channels = new FakeChatChannels();
  let channel = 0;
  const renewals = () => channels.updates.filter((update) => update.kind === 'renewed');

  return {
    channels,
    destination: () => ({ id: `dest-${++channel}`, platform: 'slack', channelId: `C${channel}` }),
    recipient: (): PrivateRecipient => ({ platform: 'slack', userId: 'U0ADA' }),
    breakChannel: (destination, kind) =>
      channels.breakChannel(destination.channelId, REASONS[kind]),
    breakRecipient: () => channels.failNext('sendSecret', 'forbidden'),
    channelPosts: () => inOrder([...channels.posts, ...renewals()]),
    privateMessages: () => inOrder([...channels.secrets, ...channels.directs]),
    logLines: () => [],
    close: async () => {},
  };
});
