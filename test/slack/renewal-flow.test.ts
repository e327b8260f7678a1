import { DateTime } from 'luxon';
import { ACTION_RENEW } from '../../src/slack/blocks.js';
import { blockText, eventually, renewCalls } from '../support/assertions.js';
import {
  addAccount,
  SIGNING_SECRET,
  startHarness,
  type BotHarness,
} from '../support/bot-harness.js';
import { buttonClick, send, slashCommand } from '../support/slack-requests.js';

const zurich = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Zurich' }).toJSDate();

describe('Slack: warning, Renew, private token with Entra steps', () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('runs the whole flow from connect to the schedule following the new expiry', async () => {
    await addAccount(h);

    // connect
    const connect = await send(
      h.baseUrl,
      slashCommand({ text: 'connect acme', responseUrl: h.slack.responseUrl() }, SIGNING_SECRET),
    );
    expect(connect.status).toBe(200);
    expect(JSON.parse(connect.text).text).toContain('now receives the warnings for Acme AG');

    // sweep: the 10-day warning (the most urgent due) is posted once
    const now = zurich('2027-01-22T09:05');
    const first = await h.bot.runtime.sweep.run({ now });
    const second = await h.bot.runtime.sweep.run({ now });
    expect(first.posted).toEqual([expect.objectContaining({ threshold: 'ten_days' })]);
    expect(second.posted).toEqual([]);
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    const warning = posts[0]!.body;
    expect(warning.channel).toBe('C0ADMINS');
    const text = blockText(warning);
    expect(text).toContain('1 February 2027');
    expect(text).toContain('10 days left');
    expect(text).toContain('Timly Person Provisioning');
    const button = JSON.stringify(warning.blocks).match(/"action_id":"renew_token"[^}]*}/);
    expect(button).not.toBeNull();
    expect(JSON.stringify(warning.blocks)).toContain(
      'Renew only if you can update Entra right now',
    );

    // click Renew on that message
    const warningTs = (await h.db.prisma.warning.findFirstOrThrow()).messageRef!;
    const click = await send(
      h.baseUrl,
      buttonClick(
        {
          actionId: ACTION_RENEW,
          value: 'acme',
          messageTs: warningTs,
          responseUrl: h.slack.responseUrl(),
        },
        SIGNING_SECRET,
      ),
    );
    expect(click.status).toBe(200);

    const [ephemeral] = await h.slack.waitFor('chat.postEphemeral');
    expect(ephemeral!.body.user).toBe('U0ADMIN');
    const secretText = blockText(ephemeral!.body);
    const renewal = await eventually(() =>
      h.db.prisma.renewal
        .findFirst({ where: { state: 'delivered' } })
        .then((row) => row ?? undefined),
    );
    expect(secretText).toMatch(/```timly_[A-Za-z0-9_-]{20,}```/);
    expect(secretText).toContain('Enterprise app \\"Timly\\"');
    expect(secretText).toContain('Enterprise app \\"Timly Person Provisioning\\"');
    expect(secretText).toContain('Paste the new token into \\"Secret token\\"');
    expect(renewal.state).toBe('delivered');
    expect(renewCalls(h.logLines)).toBe(1);

    // the channel message now says who renewed, when, and the new expiry
    const [update] = await h.slack.waitFor('chat.update');
    expect(update!.body.ts).toBe(warningTs);
    const updated = blockText(update!.body);
    expect(updated).toContain('renewed by ada');
    const account = await h.db.prisma.account.findUniqueOrThrow({ where: { id: 'acme' } });
    const newExpiry = DateTime.fromJSDate(account.expiresAt, { zone: 'Europe/Zurich' });
    expect(newExpiry.diffNow('days').days).toBeGreaterThan(360);
    expect(updated).toContain(newExpiry.toFormat('d MMMM yyyy'));
    expect(updated).not.toContain(secretText.match(/timly_[A-Za-z0-9_-]+/)![0]);

    // the schedule follows the new expiry: nothing is due now, the next warning is 2 months before
    const after = await h.bot.runtime.sweep.run({ now: new Date() });
    expect(after.due).toEqual([]);
    const status = await h.bot.runtime.core.status.of(account);
    expect(status.nextWarning?.label).toBe('2 months');
  });

  it('answers status and help', async () => {
    const status = await send(
      h.baseUrl,
      slashCommand({ text: '', responseUrl: h.slack.responseUrl() }, SIGNING_SECRET),
    );
    expect(JSON.parse(status.text).text).toContain('Acme AG');
    expect(JSON.parse(status.text).text).toContain('days left');

    const help = await send(
      h.baseUrl,
      slashCommand({ text: 'help', responseUrl: h.slack.responseUrl() }, SIGNING_SECRET),
    );
    expect(JSON.parse(help.text).text).toContain('/timly-renew connect ACCOUNT');
  });

  it('eventually lets the renewing admin confirm, which deletes the kept token', async () => {
    const renewal = await h.db.prisma.renewal.findFirstOrThrow();
    const confirm = await send(
      h.baseUrl,
      buttonClick(
        { actionId: 'confirm_applied', value: renewal.id, responseUrl: h.slack.responseUrl() },
        SIGNING_SECRET,
      ),
    );
    expect(confirm.status).toBe(200);

    const done = await eventually(async () => {
      const row = await h.db.prisma.renewal.findUniqueOrThrow({ where: { id: renewal.id } });
      return row.state === 'applied' ? row : undefined;
    });
    expect(done.secretSealed).toBeNull();
    const replaced = await h.slack.waitFor('respond/');
    expect(replaced.some((call) => call.body.replace_original === true)).toBe(true);
  });
});
