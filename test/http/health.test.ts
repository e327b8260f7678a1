import type { Server } from 'node:http';
import { createPrismaClient } from '../../src/db/client.js';
import { createHttpApp, listen } from '../../src/http/server.js';
import { addAccount, startHarness, type BotHarness } from '../support/bot-harness.js';
import { silentLogger } from '../support/logging.js';
import { get } from '../support/slack-requests.js';

describe('HTTP: health, readiness and metrics of a running bot', () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startHarness();
    await addAccount(h);
    await addAccount(h, { id: 'globex' });
  });

  afterAll(async () => {
    await h.stop();
  });

  it('answers /healthz with 200', async () => {
    const answer = await get(h.baseUrl, '/healthz');

    expect(answer.status).toBe(200);
    expect(answer.type).toContain('application/json');
    expect(JSON.parse(answer.text)).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database and the scheduler are up', async () => {
    const answer = await get(h.baseUrl, '/readyz');

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ database: true, scheduler: true });
  });

  it('counts the registered accounts in /metrics', async () => {
    const answer = await get(h.baseUrl, '/metrics');

    expect(answer.status).toBe(200);
    expect(answer.type).toContain('text/plain');
    expect(answer.text).toMatch(/^# TYPE timly_renew_accounts gauge$/m);
    expect(answer.text).toMatch(/^timly_renew_accounts 2$/m);
    expect(answer.text).toMatch(/^timly_renew_open_renewals 0$/m);
    expect(answer.text).toMatch(/^timly_renew_broken_channels 0$/m);
  });

  it.each([
    ['GET', '/nope'],
    ['GET', '/slack/events'],
    ['POST', '/healthz'],
    ['DELETE', '/metrics'],
    ['GET', '/%E0%A4%A'],
  ])('answers %s %s with a 404 in JSON', async (method, path) => {
    const response = await fetch(`${h.baseUrl}${path}`, { method });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({ error: 'not found' });
  });
});

describe('HTTP: readiness without a database, Slack off', () => {
  // A real Prisma client pointed at a port where nothing listens: the database is unreachable.
  const prisma = createPrismaClient('postgres://postgres@127.0.0.1:1/none', 1);
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const app = createHttpApp({ prisma, schedulerRunning: () => false, log: silentLogger() });
    const listening = await listen(app, 0, '127.0.0.1');
    server = listening.server;
    baseUrl = `http://127.0.0.1:${listening.port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await prisma.$disconnect();
  });

  it('answers /readyz with 503 and names what is down; /healthz stays 200', async () => {
    const ready = await get(baseUrl, '/readyz');

    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ database: false, scheduler: false });
    expect((await get(baseUrl, '/healthz')).status).toBe(200);
  });

  it('answers Slack traffic with a 404 that names the settings', async () => {
    const response = await fetch(`${baseUrl}/slack/events`, { method: 'POST', body: 'x=1' });

    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toContain('SLACK_SIGNING_SECRET');
  });
});
