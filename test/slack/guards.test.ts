import { ACTION_RENEW } from '../../src/slack/blocks.js';
import { eventually, renewCalls } from '../support/assertions.js';
import {
  addAccount,
  SIGNING_SECRET,
  startHarness,
  type BotHarness,
} from '../support/bot-harness.js';
import { buttonClick, send, sign, slashCommand } from '../support/slack-requests.js';

describe('Slack: renewing once, and only for admins', () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await startHarness();
    await addAccount(h, { admins: ['U0ADMIN', 'U0OTHER'] });
  });

  afterEach(async () => {
    await h.stop();
  });

  const click = (userId: string, userName: string) =>
    buttonClick(
      {
        actionId: ACTION_RENEW,
        value: 'acme',
        userId,
        userName,
        responseUrl: h.slack.responseUrl(),
      },
      SIGNING_SECRET,
    );

  it('renews once on a double click; the second clicker is told who renewed', async () => {
    const [a, b] = await Promise.all([
      send(h.baseUrl, click('U0ADMIN', 'ada')),
      send(h.baseUrl, click('U0OTHER', 'olga')),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);

    await h.slack.waitFor('chat.postEphemeral');
    const replies = await h.slack.waitFor('respond/');
    expect(await h.db.prisma.renewal.count()).toBe(1);
    expect(renewCalls(h.logLines)).toBe(1);
    const renewal = await h.db.prisma.renewal.findFirstOrThrow();
    const texts = replies.map((reply) => String(reply.body.text));
    const winner = renewal.requestedByName;
    expect(texts.some((text) => text.includes(winner) && /renew/.test(text))).toBe(true);
  });

  it('renews once when Slack retries the same request', async () => {
    const request = click('U0ADMIN', 'ada');
    await send(h.baseUrl, request);
    await send(h.baseUrl, request, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });

    await h.slack.waitFor('chat.postEphemeral');
    await h.slack.waitFor('respond/');
    expect(await h.db.prisma.renewal.count()).toBe(1);
    expect(renewCalls(h.logLines)).toBe(1);
  });

  it('refuses a forged signature with 401 and renews nothing', async () => {
    const request = click('U0ADMIN', 'ada');
    const forged = { ...request, headers: sign(request.body, 'not-the-secret') };

    const answer = await send(h.baseUrl, forged);

    expect(answer.status).toBe(401);
    expect(await h.db.prisma.renewal.count()).toBe(0);
  });

  it('refuses a replayed request older than five minutes', async () => {
    const request = click('U0ADMIN', 'ada');
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const replayed = { ...request, headers: sign(request.body, SIGNING_SECRET, old) };

    const answer = await send(h.baseUrl, replayed);

    expect(answer.status).toBe(401);
    expect(await h.db.prisma.renewal.count()).toBe(0);
  });

  it('tells a non-admin who can renew, and renews nothing', async () => {
    await send(h.baseUrl, click('U0INTRUDER', 'mallory'));

    const [reply] = await h.slack.waitFor('respond/');
    expect(reply!.body.text).toContain('Only the admins of Acme AG can renew');
    expect(reply!.body.text).toContain('U0ADMIN');
    expect(await h.db.prisma.renewal.count()).toBe(0);
    expect(renewCalls(h.logLines)).toBe(0);
    const audit = await h.bot.runtime.core.audit.list('acme');
    expect(audit.map((entry) => entry.action)).toContain('renewal_refused');
  });

  it('does not let a non-admin connect a channel', async () => {
    const answer = await send(
      h.baseUrl,
      slashCommand(
        { text: 'connect acme', userId: 'U0INTRUDER', responseUrl: h.slack.responseUrl() },
        SIGNING_SECRET,
      ),
    );

    expect(JSON.parse(answer.text).text).toContain('Only the admins of Acme AG');
    expect(await h.db.prisma.destination.count()).toBe(0);
  });

  it('falls back to a direct message when the ephemeral message is refused', async () => {
    h.slack.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });

    await send(h.baseUrl, click('U0ADMIN', 'ada'));

    const [dm] = await h.slack.waitFor('chat.postMessage');
    expect(dm!.body.channel).toBe('DU0ADMIN');
    expect(JSON.stringify(dm!.body.blocks)).toMatch(/timly_[A-Za-z0-9_-]{20,}/);
    const renewal = await eventually(async () => {
      const row = await h.db.prisma.renewal.findFirst({ where: { state: 'delivered' } });
      return row ?? undefined;
    });
    expect(renewal.state).toBe('delivered');
  });
});
