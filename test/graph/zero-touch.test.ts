import { ACTION_RENEW } from '../../src/slack/blocks.js';
import { ACTION_RESTART_PROVISIONING } from '../../src/slack/provisioning.js';
import { pollProvisioning } from '../../src/bot.js';
import { blockText, eventually } from '../support/assertions.js';
import {
  addAccount,
  SIGNING_SECRET,
  startHarness,
  type BotHarness,
} from '../support/bot-harness.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { buttonClick, send } from '../support/slack-requests.js';
import { addTimlyApps } from './entra-suite.js';

const ADMIN = { platform: 'slack' as const, userId: 'U0ADMIN', name: 'ada' };

describe('zero-touch renewal through Microsoft Graph, from Slack', () => {
  let graph: FakeGraph;
  let h: BotHarness;
  let apps: ReturnType<typeof addTimlyApps>;

  beforeAll(async () => {
    graph = await startFakeGraph();
  });

  afterAll(async () => {
    await graph.close();
  });

  beforeEach(async () => {
    graph.reset();
    apps = addTimlyApps(graph.directory);
    h = await startHarness({ graph });
    await addAccount(h);
    await h.bot.runtime.core.accounts.connect(
      'acme',
      { platform: 'slack', channelId: 'C0ADMINS' },
      ADMIN,
    );
    const linked = await h.bot.runtime.entra!.link('acme', {}, ['user', 'person']);
    expect(linked.every((outcome) => outcome.linked)).toBe(true);
  });

  afterEach(async () => {
    await h.stop();
  });

  const renew = () =>
    send(
      h.baseUrl,
      buttonClick(
        { actionId: ACTION_RENEW, value: 'acme', responseUrl: h.slack.responseUrl() },
        SIGNING_SECRET,
      ),
    );

  it('applies and tests the token in both apps; no human ever sees it', async () => {
    await renew();

    const renewal = await eventually(async () => {
      const row = await h.db.prisma.renewal.findFirst({ where: { state: 'applied' } });
      return row ?? undefined;
    });
    expect(renewal.secretSealed).toBeNull();
    expect(graph.directory.requestsTo('putSecrets')).toHaveLength(2);
    expect(graph.directory.requestsTo('validateCredentials')).toHaveLength(2);
    for (const put of graph.directory.requestsTo('putSecrets')) {
      const keys = (put.body as { value: { key: string }[] }).value.map((entry) => entry.key);
      expect(keys).toEqual(
        expect.arrayContaining(['BaseAddress', 'SecretToken', 'SyncNotificationSettings']),
      );
    }
    const posts = await h.slack.waitFor('chat.postMessage');
    const channel = posts.map((post) => blockText(post.body)).join('\n');
    expect(channel).toContain('Timly Person Provisioning');
    expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('sends the token privately with steps for the failed app only', async () => {
    graph.directory.fail('validateCredentials', {
      status: 400,
      servicePrincipalId: apps.person.id,
    });

    await renew();

    const [ephemeral] = await h.slack.waitFor('chat.postEphemeral');
    const text = blockText(ephemeral!.body);
    expect(text).toContain('Enterprise app \\"Timly Person Provisioning\\"');
    expect(text).not.toContain('Enterprise app \\"Timly\\"');
    const renewal = await h.db.prisma.renewal.findFirstOrThrow();
    expect(renewal.secretSealed).not.toBeNull();
  });

  it('alerts a quarantine once, restarts it on a click, and says when it clears', async () => {
    graph.directory.quarantine(apps.user.id, { reason: 'EncounteredQuarantineException' });

    const first = await pollProvisioning(h.bot.runtime);
    const second = await pollProvisioning(h.bot.runtime);
    expect(first.map((event) => event.type)).toEqual(['quarantined']);
    expect(second).toEqual([]);
    const [alert] = await h.slack.waitFor('chat.postMessage');
    expect(JSON.stringify(alert!.body.blocks)).toContain(ACTION_RESTART_PROVISIONING);

    await send(
      h.baseUrl,
      buttonClick(
        {
          actionId: ACTION_RESTART_PROVISIONING,
          value: 'acme|user',
          responseUrl: h.slack.responseUrl(),
        },
        SIGNING_SECRET,
      ),
    );
    await h.slack.waitFor('respond/');
    const [restart] = graph.directory.requestsTo('restartJob');
    expect(JSON.stringify(restart!.body)).toContain('QuarantineState');

    graph.directory.clearQuarantine(apps.user.id);
    const cleared = await pollProvisioning(h.bot.runtime);
    expect(cleared.map((event) => event.type)).toEqual(['cleared']);
    const notices = await h.slack.waitFor('chat.postMessage', 2);
    expect(String(notices[1]!.body.text)).toContain('running again');
  });
});
