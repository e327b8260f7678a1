import { DateTime } from 'luxon';
import { sweepNow } from '../../src/bot.js';
import { blockText } from '../support/assertions.js';
import { addAccount, startHarness, type BotHarness } from '../support/bot-harness.js';

const zurich = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Zurich' }).toJSDate();
const ADMIN = { platform: 'slack' as const, userId: 'U0ADMIN', name: 'ada' };

describe('expiry sweep', () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await startHarness();
    await addAccount(h);
    await h.bot.runtime.core.accounts.connect(
      'acme',
      { platform: 'slack', channelId: 'C1' },
      ADMIN,
    );
  });

  afterEach(async () => {
    await h.stop();
  });

  const sweep = (iso: string) => h.bot.runtime.sweep.run({ now: zurich(iso) });

  it('posts only the most urgent of several past thresholds, once, then the next one', async () => {
    expect((await sweep('2026-11-30T12:00')).posted).toEqual([]);

    const late = await sweep('2027-01-05T10:00');
    expect(late.posted.map((p) => p.threshold)).toEqual(['one_month']);
    expect((await sweep('2027-01-06T10:00')).posted).toEqual([]);

    const tenDays = await sweep('2027-01-22T09:00');
    expect(tenDays.posted.map((p) => p.threshold)).toEqual(['ten_days']);
    expect(await h.db.prisma.warning.count()).toBe(2);
  });

  it('says provisioning has stopped once the token has expired', async () => {
    const report = await sweep('2027-02-01T00:30');

    expect(report.posted.map((p) => p.threshold)).toEqual(['expired']);
    const [post] = h.slack.callsTo('chat.postMessage');
    expect(blockText(post!.body)).toContain('Provisioning has stopped');
  });

  it('keeps the at-most-once rule in the database: a second bot posts nothing again', async () => {
    await sweep('2027-01-22T09:30');
    h = await h.restart();

    expect((await sweep('2027-01-23T09:30')).posted).toEqual([]);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('retries after a rate limit on the next sweep', async () => {
    h.slack.failNext('chat.postMessage', { error: 'ratelimited', status: 429, retryAfter: 30 });

    const first = await sweep('2027-01-22T09:30');
    const second = await sweep('2027-01-22T09:45');

    // A rate limit drops the claim instead of marking the channel broken.
    expect(first.failed.map((f) => f.reason)).toEqual(['rate_limited']);
    expect((await h.db.prisma.destination.findFirstOrThrow()).brokenAt).toBeNull();
    expect(second.posted.map((p) => p.threshold)).toEqual(['ten_days']);
  });

  it('marks a channel the bot was removed from as broken and tells the admins once', async () => {
    h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });

    const report = await sweep('2027-01-22T09:30');
    await sweep('2027-01-22T09:45');

    expect(report.failed.map((f) => f.reason)).toEqual(['channel_gone']);
    const destination = await h.db.prisma.destination.findFirstOrThrow();
    expect(destination.brokenAt).not.toBeNull();
    const dms = h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'DU0ADMIN');
    expect(dms).toHaveLength(1);
    expect(String(dms[0]!.body.text)).toContain('can no longer post');
    const status = await h.bot.runtime.core.status.of(
      await h.db.prisma.account.findUniqueOrThrow({ where: { id: 'acme' } }),
    );
    expect(status.destinations[0]!.broken).toContain('channel_not_found');
  });
});

describe('following the token service', () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await startHarness();
    await addAccount(h);
  });

  afterEach(async () => {
    await h.stop();
  });

  it('picks up a renewal made in Timly itself, so the old warnings stop', async () => {
    // Someone renewed in Timly's own UI: the token service knows, the bot does not yet.
    const outside = await h.bot.runtime.tokenService.renew('acme', crypto.randomUUID());
    if (!outside.ok) throw new Error(outside.failure.message);

    const report = await sweepNow(h.bot.runtime);

    expect(report.due).toEqual([]);
    const account = await h.db.prisma.account.findUniqueOrThrow({ where: { id: 'acme' } });
    expect(account.expiresAt).toEqual(outside.value.expiresAt);
    const audit = await h.bot.runtime.core.audit.list('acme');
    expect(audit.map((entry) => entry.action)).toContain('token_changed_outside');
  });
});

describe('a Slack app that lost its token', () => {
  it('marks no channel broken and posts on the next sweep once it works again', async () => {
    const h = await startHarness();
    try {
      await addAccount(h);
      await h.bot.runtime.core.accounts.connect(
        'acme',
        { platform: 'slack', channelId: 'C1' },
        ADMIN,
      );
      h.slack.failNext('chat.postMessage', { error: 'invalid_auth' });

      const first = await h.bot.runtime.sweep.run({ now: zurich('2027-01-22T09:30') });
      const second = await h.bot.runtime.sweep.run({ now: zurich('2027-01-22T09:45') });

      expect(first.failed.map((f) => f.reason)).toEqual(['unavailable']);
      expect((await h.db.prisma.destination.findFirstOrThrow()).brokenAt).toBeNull();
      expect(second.posted.map((p) => p.threshold)).toEqual(['ten_days']);
    } finally {
      await h.stop();
    }
  });
});

describe('telling admins of a broken channel', () => {
  it('reaches admins named by Slack id or e-mail, and skips Entra object ids', async () => {
    const h = await startHarness();
    try {
      await addAccount(h, {
        admins: ['U0ADMIN', 'ops@example.com', '0c1d2e3f-0000-4000-8000-000000000001'],
      });
      await h.bot.runtime.core.accounts.connect(
        'acme',
        { platform: 'slack', channelId: 'C1' },
        ADMIN,
      );
      h.slack.failNext('chat.postMessage', { error: 'channel_not_found' });

      await h.bot.runtime.sweep.run({ now: zurich('2027-01-22T09:30') });

      const dms = h.slack.callsTo('chat.postMessage').map((call) => call.body.channel);
      expect(dms).toEqual(expect.arrayContaining(['DU0ADMIN', 'DUOPS']));
      expect(h.slack.callsTo('conversations.open')).toHaveLength(2);
    } finally {
      await h.stop();
    }
  });
});
