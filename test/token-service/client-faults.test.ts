import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../../src/errors.js';
import { HttpTokenService, parseRetryAfter } from '../../src/token-service/client.js';
import type { TokenServiceResult } from '../../src/token-service/types.js';
import { capturingLogger } from '../support/logging.js';

const API_KEY = 'fault-api-key-0f9e8d7c6b5a';
const TOKEN = 'timly_SECRET-TOKEN-never-shown-1234567890';
const TIMEOUT_MS = 200;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

describe('HttpTokenService against a faulty service', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  let requests: { method?: string; url?: string; headers: IncomingHttpHeaders }[];
  let logged: string[];
  let client: HttpTokenService;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ method: req.method, url: req.url, headers: req.headers });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/timly/api`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    requests = [];
    const capture = capturingLogger();
    logged = capture.lines;
    client = new HttpTokenService({
      baseUrl,
      apiKey: API_KEY,
      log: capture.log,
      timeoutMs: TIMEOUT_MS,
    });
  });

  // Every failure, whatever the fault, must keep both secrets out of its message and the log.
  afterEach(() => {
    for (const line of logged) {
      expect(line).not.toContain(API_KEY);
      expect(line).not.toContain(TOKEN);
    }
  });

  function failureOf<T>(result: TokenServiceResult<T>) {
    if (result.ok) throw new Error('expected a failure');
    expect(result.failure.message).not.toContain(API_KEY);
    expect(result.failure.message).not.toContain(TOKEN);
    // One sentence, fit for a chat message: no stack, no second line.
    expect(result.failure.message).toMatch(/^The Timly token service [^\n]*\.$/);
    expect(result.failure.message).not.toMatch(/\. /);
    return result.failure;
  }

  it('sends the bearer key, the idempotency key and an escaped account id', async () => {
    const renewed = {
      token: TOKEN,
      expiresAt: '2027-12-01T09:00:00.000Z',
      scimBaseUrl: 'https://x.test/scim',
    };
    handler = json(201, renewed);
    const key = randomUUID();

    const result = await client.renew('acme/eu 1', key);

    expect(result).toEqual({
      ok: true,
      value: { ...renewed, expiresAt: new Date(renewed.expiresAt) },
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/timly/api/accounts/acme%2Feu%201/provision-token/renew',
      headers: { authorization: `Bearer ${API_KEY}`, 'idempotency-key': key },
    });
  });

  it('accepts a base URL with a trailing slash', async () => {
    const capture = capturingLogger();
    const slashed = new HttpTokenService({
      baseUrl: `${baseUrl}/`,
      apiKey: API_KEY,
      log: capture.log,
    });
    handler = json(200, {
      accountId: 'acme',
      expiresAt: '2027-01-01T00:00:00+01:00',
      provisioning: ['person', 'user', 'robot'],
      scimBaseUrl: 'https://x.test/scim',
    });

    const result = await slashed.getToken('acme');

    expect(requests[0]?.url).toBe('/timly/api/accounts/acme/provision-token');
    expect(requests[0]?.method).toBe('GET');
    expect(result.ok && result.value).toEqual({
      accountId: 'acme',
      expiresAt: new Date('2026-12-31T23:00:00.000Z'),
      provisioning: ['user', 'person'],
      scimBaseUrl: 'https://x.test/scim',
    });
  });

  it.each([
    [401, ErrorCode.TokenServiceUnauthorized, /TOKEN_SERVICE_API_KEY/],
    [404, ErrorCode.TokenServiceNotFound, /account "acme"/],
    [409, ErrorCode.TokenServiceConflict, /already renewing/],
  ])('maps HTTP %i to %s', async (status, code, wording) => {
    handler = json(status, { error: 'nope', token: TOKEN, key: API_KEY });

    const failure = failureOf(await client.renew('acme', randomUUID()));

    expect(failure).toMatchObject({ code, status, outcomeUnknown: false });
    expect(failure.message).toMatch(wording);
  });

  it('reads Retry-After in seconds into the sentence', async () => {
    handler = json(429, { error: 'slow down' }, { 'retry-after': '30' });

    const failure = failureOf(await client.renew('acme', randomUUID()));

    expect(failure).toEqual({
      code: ErrorCode.TokenServiceRateLimited,
      status: 429,
      outcomeUnknown: false,
      retryAfterSeconds: 30,
      message: 'The Timly token service is rate limiting requests; try again in 30 seconds.',
    });
  });

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 5 * 60_000).toUTCString();
    handler = json(429, {}, { 'retry-after': at });

    const failure = failureOf(await client.getToken('acme'));

    expect(failure.retryAfterSeconds).toBeGreaterThanOrEqual(298);
    expect(failure.retryAfterSeconds).toBeLessThanOrEqual(300);
    expect(failure.message).toMatch(/try again in 5 minutes\.$/);
  });

  it('says "in a minute" when a 429 has no Retry-After', async () => {
    handler = json(429, {});

    const failure = failureOf(await client.getToken('acme'));

    expect(failure.retryAfterSeconds).toBeUndefined();
    expect(failure.message).toMatch(/try again in a minute\.$/);
  });

  it('treats a 5xx during renew as an unknown outcome, and during a read as plain', async () => {
    handler = json(500, { error: 'boom', stack: 'at renew()' });

    const renewal = failureOf(await client.renew('acme', randomUUID()));
    const read = failureOf(await client.getToken('acme'));

    expect(renewal).toMatchObject({ code: ErrorCode.TokenServiceUnavailable, status: 500 });
    expect(renewal.outcomeUnknown).toBe(true);
    expect(renewal.message).toMatch(/may or may not have been renewed/);
    expect(renewal.message).not.toMatch(/renew\(\)/);
    expect(read.outcomeUnknown).toBe(false);
  });

  it('treats malformed JSON from renew as a bad answer with an unknown outcome', async () => {
    handler = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(`{"token":"${TOKEN}","expiresAt":`);
    };

    const failure = failureOf(await client.renew('acme', randomUUID()));

    expect(failure).toMatchObject({ code: ErrorCode.TokenServiceBadResponse, status: 201 });
    expect(failure.outcomeUnknown).toBe(true);
  });

  it('refuses a well-formed body of the wrong shape, without logging it', async () => {
    handler = json(201, { token: TOKEN, expiresAt: 'next year', scimBaseUrl: 'x' });

    const failure = failureOf(await client.renew('acme', randomUUID()));

    expect(failure.code).toBe(ErrorCode.TokenServiceBadResponse);
    expect(logged.join('\n')).toMatch(/expiresAt/);
  });

  it('refuses a status that the contract does not name', async () => {
    handler = json(400, { error: 'bad request' });

    const failure = failureOf(await client.renew('acme', randomUUID()));

    expect(failure).toMatchObject({ code: ErrorCode.TokenServiceBadResponse, status: 400 });
    expect(failure.outcomeUnknown).toBe(false);
  });

  it('times out a service that never answers, as an unknown outcome for renew', async () => {
    handler = () => undefined;
    const started = Date.now();

    const failure = failureOf(await client.renew('acme', randomUUID()));

    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(failure).toMatchObject({ code: ErrorCode.TokenServiceTimeout, outcomeUnknown: true });
    expect(failure.message).toMatch(/within 1 second/);
  });

  it('times out a service that stalls in the middle of its answer', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"accountId":');
    };

    const failure = failureOf(await client.getToken('acme'));

    expect(failure).toMatchObject({ code: ErrorCode.TokenServiceTimeout, outcomeUnknown: false });
  });

  it('reports a service that cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const capture = capturingLogger();
    const unreachable = new HttpTokenService({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: API_KEY,
      log: capture.log,
    });

    const renewal = failureOf(await unreachable.renew('acme', randomUUID()));
    const read = failureOf(await unreachable.getToken('acme'));

    expect(renewal).toMatchObject({
      code: ErrorCode.TokenServiceUnavailable,
      outcomeUnknown: true,
    });
    expect(read.message).toMatch(/TOKEN_SERVICE_URL/);
    expect(capture.lines.join('\n')).toMatch(/ECONNREFUSED/);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-12-03T10:00:00.000Z');

  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Thu, 03 Dec 2026 10:01:30 GMT', 90],
    ['Thu, 03 Dec 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
  ])('reads %j as %p', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it('reads a missing header as unknown', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
