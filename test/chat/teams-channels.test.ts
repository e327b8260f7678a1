import { randomBytes } from 'node:crypto';
import type { DestinationRef, PrivateRecipient } from '../../src/core/chat.js';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { createTeams } from '../../src/teams/app.js';
import { createTestDatabase } from '../support/database.js';
import {
  personalConversationId,
  startFakeConnector,
  type ConnectorFault,
} from '../support/fake-connector.js';
import { capturingLogger } from '../support/logging.js';
import { BOT, person, TEAM_ID, TENANT_ID } from '../support/teams-activities.js';
import { chatChannelsContract, textOf, type ChannelBreak } from './channels-contract.js';

const ada = person('Ada', '33333333-aaaa-4aaa-8aaa-333333333333');

// The Bot Connector's answers for each way a channel breaks; each test breaks a channel of its
// own, so the faults last. A rate limit must outlast two layers of retries: TeamsChannels tries
// 3 times and botbuilder's HTTP pipeline 4 times per try (12 calls); Retry-After 0 keeps the
// waits of both short.
const BREAKS: Record<ChannelBreak, ConnectorFault> = {
  gone: { status: 404 },
  forbidden: { status: 403 },
  rate_limited: { status: 429, retryAfterSeconds: 0 },
};

/** The reference `connect` stores for a channel: no activity id, no thread suffix. */
function channelReference(serviceUrl: string, conversationId: string) {
  return {
    channelId: 'msteams',
    serviceUrl,
    user: { ...ada },
    bot: { ...BOT },
    conversation: {
      id: conversationId,
      conversationType: 'channel',
      tenantId: TENANT_ID,
      isGroup: true,
      name: '',
    },
  };
}

chatChannelsContract('TeamsChannels over the Bot Connector', async () => {
  const db = await createTestDatabase();
  const connector = await startFakeConnector();
  const captured = capturingLogger();

  // Built as the server builds it: the runtime's core (its database holds ChatUser) and Teams.
  const config = loadConfig({
    DATABASE_URL: db.url,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const database = { url: db.url, prisma: db.prisma, embedded: false, close: async () => {} };
  const runtime = await createRuntime(config, captured.log, { database });
  const { channels } = createTeams(config.teams, runtime.core);

  let channel = 0;
  const destination = (): DestinationRef => {
    const channelId = `19:contract-${++channel}@thread.tacv2`;
    const conversationRef = channelReference(connector.url, channelId);
    return {
      id: `dest-${channel}`,
      platform: 'teams',
      channelId,
      teamId: TEAM_ID,
      conversationRef,
    };
  };
  // Ada never wrote to the bot: her 1:1 chat is opened from a channel's reference, then kept.
  const recipient = (): PrivateRecipient => ({
    platform: 'teams',
    userId: ada.id,
    conversationRef: channelReference(connector.url, '19:contract-0@thread.tacv2'),
  });
  const messages = (conversations: string) =>
    connector
      .activities()
      .filter((call) => call.conversationId?.startsWith(conversations))
      .map((call) => textOf(call.body));

  return {
    channels,
    destination,
    recipient,
    breakChannel: (target, kind) => connector.fail(target.channelId, BREAKS[kind]),
    breakRecipient: (target) =>
      connector.fail(personalConversationId(target.userId), { status: 403, times: 1 }),
    channelPosts: () => messages('19:'),
    privateMessages: () => messages('a:1:'),
    logLines: () => captured.lines,
    close: async () => {
      await connector.close();
      await runtime.close();
      await db.drop();
    },
  };
});
