import { personalConversationId } from '../support/fake-connector.js';
import { actionExecute, message, person } from '../support/teams-activities.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-harness.js';

const DAY = 24 * 3600_000;
const ada = person('Ada', '33333333-aaaa-4aaa-8aaa-333333333333');
const eve = person('Eve', '44444444-eeee-4eee-8eee-444444444444');

describe('Teams: channels that refuse the bot, rate limits and double clicks', () => {
  let h: TeamsHarness;
  const where = (channel: string, from = ada) => ({ serviceUrl: h.connector.url, from, channel });

  beforeAll(async () => {
    h = await startTeamsHarness();
    // Ada has talked to the bot once, so her 1:1 chat is known; admins are named by object id.
    await h.send(message(where('personal'), 'help'));
  });

  afterAll(async () => {
    await h.close();
  });

  async function connected(accountId: string, channel: string) {
    await h.addAccount({
      id: accountId,
      name: `${accountId} Inc`,
      admins: [ada.aadObjectId],
      expiresAt: new Date(Date.now() + 8 * DAY),
    });
    await h.send(message(where(channel), `connect ${accountId}`));
  }

  const dmsToAda = () => h.connector.activities(personalConversationId(ada.id));

  it.each([
    [403, 'forbidden', '19:removed@thread.tacv2'],
    [404, 'channel_gone', '19:deleted@thread.tacv2'],
  ])(
    'marks a channel answering %i broken and tells the admins once',
    async (status, reason, channel) => {
      const accountId = `broken${status}`;
      await connected(accountId, channel);
      h.connector.fail(channel, { status });
      const before = dmsToAda().length;

      const report = await h.runtime.sweep.run({ now: new Date() });
      expect(report.failed).toEqual([expect.objectContaining({ accountId, reason })]);
      const destination = await h.db.prisma.destination.findFirstOrThrow({ where: { accountId } });
      expect(destination.brokenAt).not.toBeNull();
      const notices = dmsToAda().slice(before);
      expect(notices).toHaveLength(1);
      expect(notices[0]!.body.text).toContain(
        `can no longer post the warnings of ${accountId} Inc`,
      );

      // No retry storm: the next sweeps leave the broken channel alone.
      const calls = h.connector.calls.filter((c) => c.conversationId === channel).length;
      await h.runtime.sweep.run({ now: new Date() });
      expect(h.connector.calls.filter((c) => c.conversationId === channel)).toHaveLength(calls);

      await h.send(message(where('personal'), 'status'));
      expect(dmsToAda().at(-1)!.body.text).toContain(`teams channel ${channel} is broken`);
    },
  );

  it('opens a 1:1 chat from the channel to tell an admin the bot has never met', async () => {
    const channel = '19:kicked@thread.tacv2';
    await h.addAccount({
      id: 'strangers',
      name: 'strangers Inc',
      admins: [ada.aadObjectId, eve.aadObjectId],
      expiresAt: new Date(Date.now() + 8 * DAY),
    });
    await h.send(message(where(channel), 'connect strangers'));
    h.connector.fail(channel, { status: 403 });

    await h.runtime.sweep.run({ now: new Date() });

    const opened = h.connector.calls.filter(
      (call) => call.path === '/' && call.body?.members?.[0]?.id === eve.aadObjectId,
    );
    expect(opened).toHaveLength(1);
    const toEve = h.connector.activities(personalConversationId(eve.aadObjectId));
    expect(toEve.at(-1)!.body.text).toContain('can no longer post the warnings of strangers Inc');
  });

  it('waits as long as Teams asks on 429 and then posts', async () => {
    const channel = '19:busy@thread.tacv2';
    await connected('busy', channel);
    h.connector.fail(channel, { status: 429, retryAfterSeconds: 1, times: 1 });

    const started = Date.now();
    const report = await h.runtime.sweep.run({ now: new Date() });

    expect(report.posted.map((p) => p.accountId)).toContain('busy');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const posts = h.connector.calls.filter(
      (c) => c.conversationId === channel && c.method === 'POST',
    );
    expect(posts.length).toBeGreaterThanOrEqual(2);
  });

  it('leaves a channel that stays rate limited for the next sweep', async () => {
    const channel = '19:flooded@thread.tacv2';
    await connected('flooded', channel);
    h.connector.fail(channel, { status: 429, retryAfterSeconds: 0 });

    const report = await h.runtime.sweep.run({ now: new Date() });
    expect(report.failed).toEqual([
      expect.objectContaining({ accountId: 'flooded', reason: 'rate_limited' }),
    ]);
    const destination = await h.db.prisma.destination.findFirstOrThrow({
      where: { accountId: 'flooded' },
    });
    expect(destination.brokenAt).toBeNull();
  });

  it('renews once however many times Renew is clicked at once', async () => {
    const channel = '19:double@thread.tacv2';
    await connected('double', channel);
    await h.runtime.sweep.run({ now: new Date() });
    const account = await h.db.prisma.account.findUniqueOrThrow({ where: { id: 'double' } });
    const data = {
      accountId: 'double',
      tokenExpiresAt: account.expiresAt.toISOString(),
      step: 'confirm',
    };

    const clicks = await Promise.all(
      [1, 2, 3, 4].map(() => h.send(actionExecute(where(channel), 'renewToken', data, 'card'))),
    );
    expect(clicks.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    const answers = clicks.map((c) => JSON.stringify(c.body.value));
    expect(answers.filter((a) => a.includes('Renewing the token'))).toHaveLength(1);

    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const renewal = await h.db.prisma.renewal.findFirst({ where: { accountId: 'double' } });
      if (renewal?.state === 'delivered') break;
      await new Promise((done) => setTimeout(done, 50));
    }
    expect(await h.db.prisma.renewal.count({ where: { accountId: 'double' } })).toBe(1);
    const renewed = await h.db.prisma.auditEvent.count({
      where: { accountId: 'double', action: 'token_renewed' },
    });
    expect(renewed).toBe(1);
  });

  it('answers a non-admin click with the admins to ask, without a renewal', async () => {
    const channel = '19:double@thread.tacv2';
    const data = { accountId: 'busy', step: 'confirm' };
    const click = await h.send(actionExecute(where(channel, eve), 'renewToken', data, 'card'));
    expect(JSON.stringify(click.body.value)).toContain('Only the admins of busy Inc');
    expect(await h.db.prisma.renewal.count({ where: { accountId: 'busy' } })).toBe(0);
  });
});
