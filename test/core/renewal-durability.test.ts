import { ACTION_RENEW, ACTION_SHOW_AGAIN } from '../../src/slack/blocks.js';
import { eventually } from '../support/assertions.js';
import {
  addAccount,
  SIGNING_SECRET,
  startHarness,
  type BotHarness,
} from '../support/bot-harness.js';
import { buttonClick, send } from '../support/slack-requests.js';

const ADMINS = Array.from({ length: 50 }, (_, i) => `U0ADMIN${i}`);

function clickBy(h: BotHarness, userId: string) {
  return buttonClick(
    {
      actionId: ACTION_RENEW,
      value: 'acme',
      userId,
      userName: userId,
      responseUrl: h.slack.responseUrl(),
    },
    SIGNING_SECRET,
  );
}

function showAgainBy(h: BotHarness, userId: string, renewalId: string) {
  return buttonClick(
    { actionId: ACTION_SHOW_AGAIN, value: renewalId, userId, responseUrl: h.slack.responseUrl() },
    SIGNING_SECRET,
  );
}

async function stateOf(h: BotHarness) {
  return h.db.prisma.renewal.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
}

// The private message reaches Slack a moment before the renewal row records it.
function deliveredSoon(h: BotHarness): Promise<boolean> {
  return eventually(async () => {
    const row = await h.db.prisma.renewal.findFirst({ where: { state: 'delivered' } });
    return row ? true : undefined;
  });
}

describe('renewal never strands an admin', () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await startHarness({
      faultyTokenService: true,
      // Long enough for 50 clicks at once on a busy machine; the time-out case waits past it.
      env: { TOKEN_SERVICE_TIMEOUT_SECONDS: '4' },
    });
    await addAccount(h, { admins: ADMINS });
  });

  afterEach(async () => {
    await h.stop();
  });

  it('renews once for 50 concurrent clicks; every other clicker hears who renewed', async () => {
    const answers = await Promise.all(ADMINS.map((id) => send(h.baseUrl, clickBy(h, id))));

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    await h.slack.waitFor('chat.postEphemeral');
    const replies = await h.slack.waitFor('respond/', 49);
    expect(h.faulty!.renewCalls).toBe(1);
    expect(await h.db.prisma.renewal.count()).toBe(1);
    const winner = (await stateOf(h)).requestedByName;
    expect(replies.every((reply) => String(reply.body.text).includes(winner))).toBe(true);
  });

  it('finishes a renewal cut short by a crash with the same key, never a second one', async () => {
    const started = await h.bot.runtime.core.renewals.request({
      accountId: 'acme',
      actor: { platform: 'slack', userId: 'U0ADMIN1', name: 'ada' },
      recipient: { platform: 'slack', userId: 'U0ADMIN1', channelId: 'C0ADMINS' },
    });
    if (started.kind !== 'started') throw new Error(started.kind);
    const row = await stateOf(h);
    // The token service renewed, then the process died before it stored the answer.
    const issued = await h.bot.runtime.tokenService.renew('acme', row.idempotencyKey);
    if (!issued.ok) throw new Error(issued.failure.message);

    h = await h.restart();

    const [ephemeral] = await h.slack.waitFor('chat.postEphemeral');
    expect(JSON.stringify(ephemeral!.body.blocks)).toContain(issued.value.token);
    expect((await stateOf(h)).state).toBe('delivered');
    expect(await h.db.prisma.localRenewalKey.count()).toBe(1);
    expect(await h.db.prisma.renewal.count()).toBe(1);
  });

  it.each([
    [401, 'token_service_unauthorized'],
    [404, 'token_service_not_found'],
    [409, 'token_service_conflict'],
  ])('on %i says why, keeps the old token and lets the admin try again', async (status, code) => {
    const before = await h.db.prisma.account.findUniqueOrThrow({ where: { id: 'acme' } });
    h.faulty!.faults.push({ status });

    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));

    const [reply] = await h.slack.waitFor('respond/');
    expect(reply!.body.text).toMatch(
      /^The token was not renewed: .+ The current token still works\.$/,
    );
    const failed = await eventually(async () => {
      const row = await stateOf(h);
      return row.state === 'failed' ? row : undefined;
    });
    expect(failed.failureCode).toBe(code);
    expect(failed.activeKey).toBeNull();
    const after = await h.db.prisma.account.findUniqueOrThrow({ where: { id: 'acme' } });
    expect(after.expiresAt).toEqual(before.expiresAt);

    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));
    await h.slack.waitFor('chat.postEphemeral');
    expect(await deliveredSoon(h)).toBe(true);
  });

  it.each([
    ['429 with Retry-After', { status: 429, retryAfter: '1' }, 'token_service_rate_limited'],
    ['a 503', { status: 503 }, 'token_service_unavailable'],
    [
      'a malformed body after renewing',
      { status: 201, body: '{"tok', afterForwarding: true },
      'token_service_bad_response',
    ],
    [
      'no answer in time after renewing',
      { status: 201, afterForwarding: true, delayMs: 4500 },
      'token_service_timeout',
    ],
  ])('on %s retries with the same key and delivers the token', async (_label, fault, code) => {
    h.faulty!.faults.push(fault);

    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));

    const [reply] = await h.slack.waitFor('respond/');
    expect(reply!.body.text).toContain('retries the same renewal on its own');
    const waiting = await stateOf(h);
    expect(waiting.state).toBe('requested');
    expect(waiting.failureCode).toBe(code);
    expect(waiting.retryAfter).not.toBeNull();

    const due = new Date(waiting.retryAfter!.getTime() + 1000);
    await h.bot.runtime.core.renewals.resumeOpen(due);
    await h.slack.waitFor('chat.postEphemeral');
    const done = await stateOf(h);
    expect(done.state).toBe('delivered');
    expect(done.idempotencyKey).toBe(waiting.idempotencyKey);
    expect(await h.db.prisma.localRenewalKey.count()).toBe(1);
  });

  it('gives the slot back after a day without an answer, and tells the requester', async () => {
    const started = await h.bot.runtime.core.renewals.request({
      accountId: 'acme',
      actor: { platform: 'slack', userId: 'U0ADMIN1', name: 'ada' },
      recipient: { platform: 'slack', userId: 'U0ADMIN1', channelId: 'C0ADMINS' },
    });
    if (started.kind !== 'started') throw new Error(started.kind);
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await h.db.prisma.renewal.update({
      where: { id: started.renewalId },
      data: { createdAt: dayAgo },
    });
    h.faulty!.faults.push({ status: 503 });

    await h.bot.runtime.core.renewals.resumeOpen();

    const row = await stateOf(h);
    expect([row.state, row.activeKey]).toEqual(['failed', null]);
    const [dm] = await h.slack.waitFor('chat.postMessage');
    expect(String(dm!.body.text)).toContain('has not confirmed this renewal for a day');
  });

  it('keeps the token when no private message gets through, and says so', async () => {
    await h.bot.runtime.core.accounts.connect(
      'acme',
      { platform: 'slack', channelId: 'C0ADMINS' },
      { platform: 'slack', userId: 'U0ADMIN1', name: 'ada' },
    );
    h.slack.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });
    h.slack.failNext('conversations.open', { error: 'cannot_dm_bot' });

    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));

    const notices = await eventually(async () => {
      const posts = h.slack.callsTo('chat.postMessage');
      const notice = posts.find((post) => String(post.body.text).includes('could not be sent'));
      return notice ? posts : undefined;
    });
    expect(notices.length).toBeGreaterThan(0);
    const pending = await stateOf(h);
    expect(pending.state).toBe('renewed');
    expect(pending.secretSealed).not.toBeNull();

    await send(h.baseUrl, showAgainBy(h, 'U0ADMIN1', pending.id));
    await h.slack.waitFor('chat.postEphemeral', 2);
    expect(await deliveredSoon(h)).toBe(true);
    const actions = await eventually(async () => {
      const list = (await h.bot.runtime.core.audit.list('acme')).map((entry) => entry.action);
      return list.includes('token_shown_again') ? list : undefined;
    });
    expect(actions).toContain('token_delivery_failed');
  });

  it('deletes the kept token when its time is up and takes it out of the DM', async () => {
    h.slack.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });
    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));
    await deliveredSoon(h);

    const lapsed = await h.bot.runtime.core.renewals.delivery.lapseDue(
      new Date(Date.now() + 25 * 3600_000),
    );

    expect(lapsed).toBe(1);
    const row = await stateOf(h);
    expect([row.state, row.secretSealed, row.activeKey]).toEqual(['lapsed', null, null]);
    const [redaction] = await h.slack.waitFor('chat.update');
    expect(redaction!.body.channel).toBe('DU0ADMIN1');
    expect(String(redaction!.body.text)).toContain('its time ran out');
    await send(h.baseUrl, showAgainBy(h, 'U0ADMIN1', row.id));
    const [reply] = await h.slack.waitFor('respond/');
    expect(String(reply!.body.text)).toContain('no longer kept');
  });

  it('answers a click that fails unexpectedly, with no stack trace', async () => {
    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));
    await deliveredSoon(h);
    const renewal = await stateOf(h);
    // Sealed under another key, as after a change of SECRET_ENCRYPTION_KEY.
    await h.db.prisma.renewal.update({
      where: { id: renewal.id },
      data: { secretSealed: 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA' },
    });

    await send(h.baseUrl, showAgainBy(h, 'U0ADMIN1', renewal.id));

    const [reply] = await h.slack.waitFor('respond/');
    expect(String(reply!.body.text)).toContain('SECRET_ENCRYPTION_KEY changed since it was kept');
    expect(String(reply!.body.text)).not.toMatch(/\bat \S+ \(/);
  });

  it('lets only the renewing admin see the token again', async () => {
    await send(h.baseUrl, clickBy(h, 'U0ADMIN1'));
    await h.slack.waitFor('chat.postEphemeral');
    const renewal = await stateOf(h);

    await send(h.baseUrl, showAgainBy(h, 'U0ADMIN2', renewal.id));

    const replies = await h.slack.waitFor('respond/');
    expect(replies.at(-1)!.body.text).toContain('Only U0ADMIN1');
    expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(1);
  });
});
