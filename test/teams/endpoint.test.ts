import { networkInterfaces } from 'node:os';
import { message, person } from '../support/teams-activities.js';
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
});
