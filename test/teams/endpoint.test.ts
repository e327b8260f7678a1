import { networkInterfaces } from 'node:os';
import { actionExecute, message, person } from '../support/teams-activities.js';
import { startTeamsHarness, type TeamsHarness } from '../support/teams-harness.js';

const ada = person('Ada', '55555555-aaaa-4aaa-8aaa-555555555555');

// A non-loopback address of this machine, to call the bot as a remote caller would.
function outsideAddress(): string | undefined {
  const all = Object.values(networkInterfaces()).flat();
  return all.find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

describe('Teams: POST /api/messages', () => {
  describe('with MICROSOFT_APP_ID set', () => {
    let h: TeamsHarness;

    beforeAll(async () => {
      h = await startTeamsHarness({
        MICROSOFT_APP_ID: '00000000-0000-4000-8000-00000000b07a',
        MICROSOFT_APP_PASSWORD: 'not-a-real-password',
      });
    });

    afterAll(async () => {
      await h.close();
    });

    it('answers an unauthenticated activity with 401 and logs no stack trace', async () => {
      const reply = await h.send(message({ serviceUrl: h.connector.url, from: ada }, 'status'));

      expect(reply.status).toBe(401);
      expect(h.connector.calls).toHaveLength(0);
      const log = h.logLines.join('\n');
      expect(log).toContain('Teams request not authenticated');
      expect(log).not.toMatch(/\n\s+at /);
      expect(log).not.toContain('"stack"');
    });
  });

  describe('without MICROSOFT_APP_ID', () => {
    let h: TeamsHarness;

    beforeAll(async () => {
      h = await startTeamsHarness({}, { host: '0.0.0.0' });
    });

    afterAll(async () => {
      await h.close();
    });

    it('says in the log that only loopback callers are served', () => {
      expect(h.logLines.join('\n')).toContain('only loopback callers');
    });

    it('serves a loopback caller', async () => {
      const reply = await h.send(message({ serviceUrl: h.connector.url, from: ada }, 'help'));
      expect(reply.status).toBe(200);
    });

    it('refuses a caller from another address', async () => {
      const address = outsideAddress();
      if (!address) {
        console.warn('no non-loopback IPv4 address on this machine: remote caller not tried');
        return;
      }
      const port = new URL(h.url).port;
      const response = await fetch(`http://${address}:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message({ serviceUrl: h.connector.url, from: ada }, 'help')),
      });
      expect(response.status).toBe(403);
      expect(h.connector.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    });

    it('refuses a body over the limit', async () => {
      const response = await fetch(`${h.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'x'.repeat(400_000) }),
      });
      expect(response.status).toBe(413);
    });
  });

  describe('bad requests, without MICROSOFT_APP_ID', () => {
    let h: TeamsHarness;

    beforeAll(async () => {
      h = await startTeamsHarness();
    });

    afterAll(async () => {
      await h.close();
    });

    // Posts a raw body to /api/messages from loopback; the answer's status, type and text.
    async function post(body: string, headers: Record<string, string> = {}) {
      const response = await fetch(`${h.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, type, text: await response.text() };
    }

    function expectNoStack(text: string) {
      expect(text).not.toContain('node_modules');
      expect(text).not.toMatch(/\bat /);
      expect(text).not.toContain('<html');
    }

    it('answers malformed JSON with a JSON 400 and one warn line without a stack', async () => {
      const before = h.logLines.length;
      const answer = await post('{bad json');

      expect(answer.status).toBe(400);
      expect(answer.type).toContain('application/json');
      expect(JSON.parse(answer.text)).toEqual({ error: 'The body is not valid JSON.' });
      expectNoStack(answer.text);
      const lines = h.logLines.slice(before);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!).level).toBe(40);
      expect(lines[0]).not.toContain('"stack"');
      expect(lines[0]).not.toContain('bad json');
    });

    // A complete activity but for one field left out.
    function without(field: 'type' | 'serviceUrl' | 'from' | 'conversation') {
      const { [field]: _left, ...rest } = message({ serviceUrl: h.connector.url, from: ada }, 'x');
      return rest;
    }

    it.each([
      ['no from, conversation or serviceUrl', () => ({ type: 'message', text: 'help' })],
      ['no type', () => without('type')],
      ['no serviceUrl', () => without('serviceUrl')],
      ['no from', () => without('from')],
      ['no conversation', () => without('conversation')],
      ['a from without id', () => ({ ...without('from'), from: { name: 'Ada' } })],
      ['an array', () => [1, 2]],
      ['a string', () => 'help'],
    ])('refuses a body with %s as not an activity', async (_what, body) => {
      const before = h.logLines.length;
      const answer = await post(JSON.stringify(body()));

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        error: 'The body is not a Bot Framework activity.',
      });
      expectNoStack(answer.text);
      expect(h.logLines.slice(before).join('\n')).not.toContain('Teams handler failed');
    });

    it('answers a click on an unknown button verb with a friendly invoke message', async () => {
      const where = { serviceUrl: h.connector.url, from: ada };
      const answer = await post(
        JSON.stringify(actionExecute(where, 'launchRocket', { x: 1 }, 'card-1')),
      );

      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: 'This button is no longer supported.',
      });
    });

    it('answers an invoke it does not handle with JSON, not an empty body', async () => {
      const where = { serviceUrl: h.connector.url, from: ada };
      const activity = { ...message(where, 'x'), type: 'invoke', name: 'composeExtension/query' };
      const answer = await post(JSON.stringify(activity));

      expect(answer.status).toBe(501);
      expect(answer.type).toContain('application/json');
      expect(JSON.parse(answer.text).error).toContain('not supported');
    });

    it.each([
      ['X-Forwarded-For', '203.0.113.7'],
      ['Forwarded', 'for=203.0.113.7;proto=https'],
      ['X-Real-IP', '203.0.113.7'],
      ['X-Forwarded-Host', 'example.ngrok.app'],
    ])('refuses a loopback request forwarded by a proxy (%s)', async (header, value) => {
      const calls = h.connector.calls.length;
      const before = h.logLines.length;
      const activity = message({ serviceUrl: h.connector.url, from: ada }, 'help');
      const answer = await post(JSON.stringify(activity), { [header]: value });

      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text).error).toContain('MICROSOFT_APP_ID');
      expect(h.connector.calls).toHaveLength(calls);
      const lines = h.logLines.slice(before);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!).level).toBe(40);
    });

    it('still serves a direct loopback call', async () => {
      const reply = await h.send(message({ serviceUrl: h.connector.url, from: ada }, 'help'));
      expect(reply.status).toBe(200);
    });
  });
});
