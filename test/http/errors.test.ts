import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { createPrismaClient } from '../../src/db/client.js';
import { createHttpApp, listen } from '../../src/http/server.js';
import { capturingLogger } from '../support/logging.js';

// The last Express error handler: whatever a route throws, the caller gets one line of JSON
// and the log one line without a stack trace or the request body.
describe('HTTP: errors escaping a route', () => {
  // Metrics read the database lazily; nothing here asks for them.
  const prisma = createPrismaClient('postgres://postgres@127.0.0.1:1/none', 1);
  const captured = capturingLogger();
  let server: Server;
  let baseUrl: string;

  // Stands in for a chat route: a real body parser, and a failure chosen by the query.
  const parse = express.json({ limit: '1kb' });
  const route: RequestHandler = async (req, res, next) => {
    if (req.query.fail === 'throw') throw new Error('the route broke');
    if (req.query.fail === 'coded') {
      await Promise.reject(Object.assign(new Error('the store is down'), { code: 'store_down' }));
    }
    parse(req, res, (error?: unknown) => {
      if (error) return next(error);
      res.json({ ok: true });
    });
  };

  beforeAll(async () => {
    const app = createHttpApp({
      prisma,
      schedulerRunning: () => true,
      log: captured.log,
      teams: route,
    });
    const listening = await listen(app, 0, '127.0.0.1');
    server = listening.server;
    baseUrl = `http://127.0.0.1:${listening.port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await prisma.$disconnect();
  });

  async function post(body: string, query = '') {
    const before = captured.lines.length;
    const response = await fetch(`${baseUrl}/api/messages${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(text).not.toContain('node_modules');
    expect(text).not.toMatch(/\bat /);
    const lines = captured.lines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('"stack"');
    expect(lines[0]).not.toContain('hunter2');
    return { status: response.status, json: JSON.parse(text), log: JSON.parse(lines[0]!) };
  }

  it('answers malformed JSON with 400 and logs a warning', async () => {
    const answer = await post('{"secret":"hunter2", bad');

    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'The body is not valid JSON.' });
    expect(answer.log.level).toBe(40);
  });

  it('answers a body over the limit with 413', async () => {
    const answer = await post(JSON.stringify({ secret: 'hunter2', pad: 'x'.repeat(4000) }));

    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: 'The body is too large.' });
    expect(answer.log.level).toBe(40);
  });

  it('answers a thrown error with a JSON 500 and logs its message only', async () => {
    const answer = await post(JSON.stringify({ secret: 'hunter2' }), '?fail=throw');

    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: 'internal error' });
    expect(answer.log.level).toBe(50);
    expect(answer.log.err).toBe('the route broke');
  });

  it('logs the code of an error that carries one', async () => {
    const answer = await post(JSON.stringify({ secret: 'hunter2' }), '?fail=coded');

    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: 'internal error' });
    expect(answer.log).toMatchObject({ err: 'the store is down', code: 'store_down' });
  });

  it('still answers a good request', async () => {
    const response = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await response.json()).toEqual({ ok: true });
  });
});
