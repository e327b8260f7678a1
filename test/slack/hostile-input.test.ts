import { randomUUID } from 'node:crypto';
import { parseCommand } from '../../src/core/commands.js';
import { ACTION_CONFIRM_APPLIED, ACTION_RENEW, ACTION_SHOW_AGAIN } from '../../src/slack/blocks.js';
import { ACTION_RESTART_PROVISIONING } from '../../src/slack/provisioning.js';
import { eventually, renewCalls } from '../support/assertions.js';
import { hostileTexts } from '../support/hostile-text.js';
import {
  addAccount,
  SIGNING_SECRET,
  startHarness,
  type BotHarness,
} from '../support/bot-harness.js';
import {
  buttonClick,
  get,
  payloadForm,
  send,
  sign,
  signedBody,
  signWithRawTimestamp,
  slashCommand,
  type SlackRequest,
} from '../support/slack-requests.js';

// What a stack trace or a leaked exception looks like in an HTTP body or a chat reply.
const TRACE = /\b\w*Error\b|\bstack\b|^\s*at \S+/m;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SEED = 0x7e57_1a7e;

/** Runs work over items with at most `limit` in flight. */
async function inPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

function errorLines(lines: string[]): string[] {
  return lines.filter((line) => /"level":(50|60)/.test(line));
}

describe(`Slack: hostile input over HTTP (seed ${SEED.toString(16)})`, () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startHarness();
    await addAccount(h);
    await addAccount(h, { id: 'globex', admins: ['U0OTHER'] });
  });

  afterAll(async () => {
    expect(await h.db.prisma.renewal.count()).toBe(0);
    expect(renewCalls(h.logLines)).toBe(0);
    await h.stop();
  });

  afterEach(async () => {
    expect((await get(h.baseUrl, '/healthz')).status).toBe(200);
  });

  const expectRefused = (answer: { status: number; text: string }, status?: number) => {
    if (status !== undefined) expect(answer.status).toBe(status);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.text).not.toMatch(TRACE);
  };

  /** The text posted to one response_url, matched exactly (respond/1 is not respond/10). */
  const replyAt = async (responseUrl: string) => {
    const method = new URL(responseUrl).pathname.slice(1);
    const call = await eventually(async () => h.slack.calls.find((c) => c.method === method));
    return String(call.body.text);
  };

  const click = (actionId: string, value: string, userId = 'U0ADMIN') => {
    const responseUrl = h.slack.responseUrl();
    const request = buttonClick(
      { actionId, value, userId, userName: 'ada', responseUrl },
      SIGNING_SECRET,
    );
    return { request, responseUrl };
  };

  describe('bodies', () => {
    const command = (text: string) =>
      slashCommand({ text, userId: 'U0FUZZ', responseUrl: h.slack.responseUrl() }, SIGNING_SECRET);

    it.each([
      ['1 MB', 1024 * 1024],
      ['just over 256 kB', 256 * 1024 + 1],
    ])('answers a %s signed body with 413', async (_name, size) => {
      const answer = await send(h.baseUrl, command('x'.repeat(size)));
      expectRefused(answer, 413);
    });

    it('answers a long command under the limit with a clear sentence', async () => {
      const answer = await send(h.baseUrl, command(`renew ${'a'.repeat(200 * 1024)}`));

      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text).text).toBe('That command is too long.');
    });

    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const json = 'application/json';
    const malformed: [string, SlackRequest][] = [
      ['payload that is not JSON', payloadForm('not json', SIGNING_SECRET)],
      ['truncated payload JSON', payloadForm('{"type":"block_actions",', SIGNING_SECRET)],
      ['payload null', payloadForm('null', SIGNING_SECRET)],
      ['payload number', payloadForm('123', SIGNING_SECRET)],
      ['payload string', payloadForm('"block_actions"', SIGNING_SECRET)],
      ['payload array', payloadForm('[]', SIGNING_SECRET)],
      ['payload {}', payloadForm('{}', SIGNING_SECRET)],
      ['block_actions without actions', payloadForm('{"type":"block_actions"}', SIGNING_SECRET)],
      [
        'block_actions with an empty action',
        payloadForm('{"type":"block_actions","actions":[{}]}', SIGNING_SECRET),
      ],
      [
        'deeply nested payload',
        payloadForm(`${'['.repeat(20000)}${']'.repeat(20000)}`, SIGNING_SECRET),
      ],
      ['__proto__ payload', payloadForm('{"__proto__":{"type":"block_actions"}}', SIGNING_SECRET)],
      ['empty form', signedBody('', SIGNING_SECRET)],
      ['bad percent-encoding', signedBody('payload=%E0%A4%A&text=%%%', SIGNING_SECRET)],
      ['command without fields', signedBody(form({ command: '/timly-renew' }), SIGNING_SECRET)],
      ['unknown command', signedBody(form({ command: '/other', text: 'x' }), SIGNING_SECRET)],
      ['JSON body null', signedBody('null', SIGNING_SECRET, json)],
      ['JSON body not JSON', signedBody('{', SIGNING_SECRET, json)],
      ['JSON event without event', signedBody('{"type":"event_callback"}', SIGNING_SECRET, json)],
      ['binary body', signedBody('\u0000\u00ff\ufffd', SIGNING_SECRET, 'application/octet-stream')],
    ];

    it.each(malformed)('answers %s without a 5xx or a trace', async (_name, request) => {
      const started = Date.now();
      const answer = await send(h.baseUrl, request);

      if (answer.status !== 200) expectRefused(answer);
      expect(answer.text).not.toMatch(TRACE);
      expect(Date.now() - started).toBeLessThan(2500);
    });
  });

  // Express routes these to Bolt, which knows only the exact path and used to throw (a 500 page).
  it.each([
    ['/slack/events/', 404],
    ['/SLACK/EVENTS', 404],
    ['/slack/events?x=1', 200],
  ])('answers a signed command on %s with %i and no trace', async (path, status) => {
    const request = slashCommand(
      { text: 'help', responseUrl: h.slack.responseUrl() },
      SIGNING_SECRET,
    );
    const response = await fetch(`${h.baseUrl}${path}`, { method: 'POST', ...request });
    const answer = { status: response.status, text: await response.text() };

    expect(answer.status).toBe(status);
    expect(answer.text).not.toMatch(TRACE);
  });

  describe('signatures', () => {
    const body = () => slashCommand({ text: 'status', responseUrl: h.slack.responseUrl() }, 'x');
    const now = String(Math.floor(Date.now() / 1000));
    const garbled: [string, (b: string) => Record<string, string>][] = [
      ['no signature headers', () => ({ 'content-type': 'application/x-www-form-urlencoded' })],
      ['an empty signature', (b) => ({ ...sign(b, SIGNING_SECRET), 'x-slack-signature': '' })],
      [
        'a garbage signature',
        (b) => ({ ...sign(b, SIGNING_SECRET), 'x-slack-signature': 'v0=zz' }),
      ],
      ['no version', (b) => ({ ...sign(b, SIGNING_SECRET), 'x-slack-signature': 'garbage' })],
      [
        'another version',
        (b) => {
          const headers = sign(b, SIGNING_SECRET);
          return {
            ...headers,
            'x-slack-signature': headers['x-slack-signature']!.replace('v0', 'v1'),
          };
        },
      ],
      ['no timestamp', (b) => ({ ...sign(b, SIGNING_SECRET), 'x-slack-request-timestamp': '' })],
      ['a word timestamp', (b) => signWithRawTimestamp(b, SIGNING_SECRET, 'abc')],
      [
        'a hex timestamp',
        (b) => signWithRawTimestamp(b, SIGNING_SECRET, `0x${Number(now).toString(16)}`),
      ],
      [
        'an exponent timestamp',
        (b) => signWithRawTimestamp(b, SIGNING_SECRET, `${Number(now) / 1e9}e9`),
      ],
      ['a padded timestamp', (b) => signWithRawTimestamp(b, SIGNING_SECRET, ` ${now}`)],
      ['a fractional timestamp', (b) => signWithRawTimestamp(b, SIGNING_SECRET, `${now}.0`)],
      ['a negative timestamp', (b) => signWithRawTimestamp(b, SIGNING_SECRET, '-1')],
      ['millisecond timestamp of 1970', (b) => signWithRawTimestamp(b, SIGNING_SECRET, '0')],
    ];

    it.each(garbled)('refuses %s with 401', async (_name, headersFor) => {
      const request = body();
      const answer = await send(h.baseUrl, {
        body: request.body,
        headers: headersFor(request.body),
      });

      expectRefused(answer, 401);
    });
  });

  describe('buttons', () => {
    it('acks an unknown action id quickly and renews nothing', async () => {
      const started = Date.now();
      const answer = await send(h.baseUrl, click('nope', 'acme').request);

      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
      expect(Date.now() - started).toBeLessThan(1000);
    });

    // The unknown-action ack must leave every real button to its own listener: two acks throw.
    it('leaves Restart provisioning to its own listener, acked once', async () => {
      const errorsBefore = errorLines(h.logLines).length;
      const { request, responseUrl } = click(ACTION_RESTART_PROVISIONING, 'nosuch|user');

      expect((await send(h.baseUrl, request)).status).toBe(200);
      expect(await replyAt(responseUrl)).toContain('unknown to the bot');
      expect(errorLines(h.logLines).slice(errorsBefore)).toEqual([]);
    });

    it.each([
      ['an unknown account', 'nosuch', 'There is no account "nosuch"'],
      ['an empty account id', '', 'There is no account ""'],
      ['an SQL-ish account id', "acme' OR '1'='1", 'There is no account'],
      ['an account of other admins', 'globex', 'Only the admins of Acme AG can renew'],
    ])('answers Renew on %s with a clear reply', async (_name, value, expected) => {
      const { request, responseUrl } = click(ACTION_RENEW, value);
      const answer = await send(h.baseUrl, request);

      expect(answer.status).toBe(200);
      const text = await replyAt(responseUrl);
      expect(text).toContain(expected);
      expect(text).not.toMatch(TRACE);
      expect(await h.db.prisma.renewal.count()).toBe(0);
    });

    it.each([ACTION_CONFIRM_APPLIED, ACTION_SHOW_AGAIN])(
      'answers %s for a renewal that does not exist',
      async (actionId) => {
        for (const value of [randomUUID(), 'not-a-uuid', "'; DROP TABLE renewal; --", '']) {
          const { request, responseUrl } = click(actionId, value);
          const answer = await send(h.baseUrl, request);

          expect(answer.status).toBe(200);
          expect(await replyAt(responseUrl)).toBe('That renewal is unknown to the bot.');
        }
        expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(0);
      },
    );
  });

  describe('/timly-renew texts', () => {
    it('answers 1,000 generated texts with a plain ephemeral sentence', async () => {
      const texts = hostileTexts(SEED, 1000);
      const errorsBefore = errorLines(h.logLines).length;

      const answers = await inPool(texts, 20, async (text) => {
        const responseUrl = h.slack.responseUrl();
        const request = slashCommand({ text, userId: 'U0FUZZ', responseUrl }, SIGNING_SECRET);
        return send(h.baseUrl, request);
      });

      const failures = answers.flatMap((answer, index) => {
        const label = `#${index} ${JSON.stringify(texts[index]!.slice(0, 80))}`;
        if (answer.status !== 200) return [`${label}: HTTP ${answer.status}`];
        const reply = JSON.parse(answer.text) as { response_type?: string; text?: unknown };
        const text = typeof reply.text === 'string' ? reply.text : '';
        const bad =
          reply.response_type !== 'ephemeral' ||
          text === '' ||
          TRACE.test(text) ||
          CONTROL.test(text);
        return bad ? [`${label}: ${answer.text.slice(0, 200)}`] : [];
      });
      expect(failures).toEqual([]);
      expect(errorLines(h.logLines).slice(errorsBefore)).toEqual([]);
      expect(await h.db.prisma.renewal.count()).toBe(0);
      expect(await h.db.prisma.destination.count()).toBe(0);
    });

    it('parses 10,000 more texts without throwing, into well-formed account ids', () => {
      const texts = [undefined, ...hostileTexts(SEED + 1, 10_000)];
      const failures = texts.flatMap((text, index) => {
        const parsed = parseCommand(text);
        const label = `#${index} ${JSON.stringify(text?.slice(0, 80))}`;
        if ('accountId' in parsed && !ACCOUNT_ID.test(parsed.accountId)) return [label];
        if (
          parsed.kind === 'invalid' &&
          (CONTROL.test(parsed.message) || parsed.message.length > 300)
        )
          return [`${label}: ${parsed.message}`];
        return [];
      });

      expect(failures).toEqual([]);
    });
  });
});

describe("Slack: follow-up buttons on another admin's renewal", () => {
  let h: BotHarness;
  let renewalId: string;

  beforeAll(async () => {
    h = await startHarness();
    await addAccount(h, { admins: ['U0ADMIN', 'U0OTHER'] });
    const responseUrl = h.slack.responseUrl();
    await send(
      h.baseUrl,
      buttonClick(
        { actionId: ACTION_RENEW, value: 'acme', userId: 'U0OTHER', userName: 'olga', responseUrl },
        SIGNING_SECRET,
      ),
    );
    // Settled: delivered to olga, and no worker holds it any more.
    const renewal = await eventually(async () => {
      const row = await h.db.prisma.renewal.findFirst({ where: { state: 'delivered' } });
      return row?.leaseUntil === null ? row : undefined;
    });
    renewalId = renewal.id;
  });

  afterAll(async () => {
    await h.stop();
  });

  it.each([ACTION_CONFIRM_APPLIED, ACTION_SHOW_AGAIN])(
    'refuses %s by another admin and changes nothing',
    async (actionId) => {
      const before = await h.db.prisma.renewal.findUniqueOrThrow({ where: { id: renewalId } });
      const ephemerals = h.slack.callsTo('chat.postEphemeral').length;
      const responseUrl = h.slack.responseUrl();

      const answer = await send(
        h.baseUrl,
        buttonClick(
          { actionId, value: renewalId, userId: 'U0ADMIN', userName: 'ada', responseUrl },
          SIGNING_SECRET,
        ),
      );

      expect(answer.status).toBe(200);
      const method = new URL(responseUrl).pathname.slice(1);
      const reply = await eventually(async () => h.slack.calls.find((c) => c.method === method));
      expect(reply.body.text).toBe('Only olga, who renewed the token, can do that.');
      const after = await h.db.prisma.renewal.findUniqueOrThrow({ where: { id: renewalId } });
      expect(after).toEqual(before);
      expect(h.slack.callsTo('chat.postEphemeral')).toHaveLength(ephemerals);
      expect(await h.db.prisma.renewal.count()).toBe(1);
    },
  );
});
