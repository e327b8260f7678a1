import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../../src/errors.js';
import { createGraphApi, type GraphClientOptions } from '../../src/graph/graph-client.js';
import { retryAfterSeconds } from '../../src/graph/graph-wire.js';
import type { GraphApi, GraphFailure, GraphResult } from '../../src/graph/types.js';
import { FAKE_APP, startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import type { FakeDirectory } from '../support/fake-graph-state.js';
import { capturingLogger } from '../support/logging.js';
import { testCertificate } from '../support/tls.js';

function failureOf<T>(result: GraphResult<T>): GraphFailure {
  if (result.ok) throw new Error('expected a failure');
  return result.failure;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

describe('the real Graph client', () => {
  let fake: FakeGraph;
  let directory: FakeDirectory;
  let logs: string[];

  beforeAll(async () => {
    fake = await startFakeGraph();
  });

  afterAll(async () => {
    await fake.close();
  });

  beforeEach(() => {
    fake.reset();
    directory = fake.directory;
  });

  // A new client per test: each builds its own credential, whose token cache would leak.
  function client(overrides: Partial<GraphClientOptions> = {}, settings = fake.settings()) {
    const { log, lines } = capturingLogger();
    logs = lines;
    return createGraphApi(settings, fake.clientOptions(log, overrides));
  }

  describe('signing in', () => {
    it('gets one token with the client secret and reuses it for every call', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      const graph = client();

      const results = [
        await graph.getServicePrincipal(app.id),
        await graph.listSyncJobs(app.id),
        await graph.getSecrets(app.id),
      ];

      expect(results.map((result) => result.ok)).toEqual([true, true, true]);
      const tokens = directory.requestsTo('token');
      expect(tokens).toHaveLength(1);
      expect(tokens[0]?.path).toBe(`/${FAKE_APP.tenantId}/oauth2/v2.0/token`);
      expect(tokens[0]?.body).toMatchObject({
        client_id: FAKE_APP.clientId,
        grant_type: 'client_credentials',
        scope: `${fake.url}/.default`,
      });
      expect(logs.join('\n')).not.toContain(FAKE_APP.clientSecret);
    });

    it('names the settings to check when Entra refuses the client secret', async () => {
      const graph = client({}, fake.settings({ clientSecret: 'wrong-secret-value' }));

      const failure = failureOf(await graph.getServicePrincipal('any'));

      expect(failure.code).toBe(ErrorCode.GraphUnauthorized);
      expect(failure.message).toContain('AADSTS7000215');
      expect(failure.message).toContain('GRAPH_CLIENT_SECRET');
      expect(failure.message).not.toContain('wrong-secret-value');
      expect(directory.requestsTo('getServicePrincipal')).toEqual([]);
    });

    it('gives up at once when the sign-in endpoint fails', async () => {
      directory.fail('token', { status: 500, times: 5 });
      const graph = client();

      const { result, ms } = await timed(() => graph.getServicePrincipal('any'));

      expect(failureOf(result).code).toBe(ErrorCode.GraphUnavailable);
      expect(directory.requestsTo('token')).toHaveLength(1);
      // The credential's own retries would take about six seconds.
      expect(ms).toBeLessThan(3000);
    });
  });

  describe('Graph answers', () => {
    let graph: GraphApi;

    beforeEach(() => {
      graph = client({ maxRetries: 2 });
    });

    it('quotes an apostrophe in a display name filter', async () => {
      const app = directory.addApp({ displayName: "Timly's Provisioning" });

      const found = await graph.findServicePrincipalsByName("Timly's Provisioning");

      expect(found).toEqual({
        ok: true,
        value: [{ id: app.id, appId: app.appId, displayName: app.displayName }],
      });
      expect(directory.requestsTo('listServicePrincipals')[0]?.query).toEqual({
        $filter: "displayName eq 'Timly''s Provisioning'",
        $select: 'id,appId,displayName',
      });
    });

    it('reads 401 as credentials to check', async () => {
      directory.fail('getServicePrincipal', { status: 401 });

      const failure = failureOf(await graph.getServicePrincipal('sp-1'));

      expect(failure).toMatchObject({ code: ErrorCode.GraphUnauthorized, status: 401 });
      expect(failure.message).toContain('GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET');
    });

    it('reads 403 as a missing permission and names it', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      directory.permissions.clear();

      const search = failureOf(await graph.findServicePrincipalsByName('Timly'));
      const secrets = failureOf(await graph.getSecrets(app.id));

      expect(search.code).toBe(ErrorCode.GraphForbidden);
      expect(search.message).toBe(
        'The bot may not search for enterprise apps named "Timly": its Graph app lacks the ' +
          'Application.Read.All application permission. Add it under App registrations > ' +
          'API permissions and grant admin consent.',
      );
      expect(secrets.message).toContain(
        "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy with the bot's app " +
          'as an owner of the enterprise app)',
      );
    });

    it('reads 404 as an app or job that is gone', async () => {
      const app = directory.addApp({ displayName: 'Timly' });

      const failure = failureOf(await graph.getJob(app.id, 'scim.deleted'));

      expect(failure.code).toBe(ErrorCode.GraphNotFound);
      expect(failure.message).toContain(
        `provisioning job scim.deleted or service principal ${app.id}`,
      );
    });

    it('waits as long as Retry-After says, then succeeds', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      directory.fail('getSecrets', { status: 429, retryAfter: 1 });

      const { result, ms } = await timed(() => graph.getSecrets(app.id));

      expect(result.ok).toBe(true);
      expect(directory.requestsTo('getSecrets')).toHaveLength(2);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(logs.some((line) => line.includes('graph throttled'))).toBe(true);
    });

    it('retries boundedly with capped waits, then says when to retry', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      directory.fail('getSecrets', { status: 429, retryAfter: 120, times: Infinity });
      graph = client({ maxRetries: 2, maxRetryWaitSeconds: 0.05 });

      const { result, ms } = await timed(() => graph.getSecrets(app.id));

      expect(failureOf(result)).toMatchObject({
        code: ErrorCode.GraphRateLimited,
        status: 429,
        retryAfterSeconds: 120,
      });
      expect(failureOf(result).message).toContain('still after 2 retries');
      expect(directory.requestsTo('getSecrets')).toHaveLength(3);
      expect(ms).toBeLessThan(5000);
    });

    it('retries a 503 that carries Retry-After but not a plain 500', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      directory.fail('getSecrets', { status: 503, retryAfter: 0 });
      directory.fail('getJob', { status: 500 });

      const secrets = await graph.getSecrets(app.id);
      const job = failureOf(await graph.getJob(app.id, app.jobs[0]?.id ?? ''));

      expect(secrets.ok).toBe(true);
      expect(job).toMatchObject({ code: ErrorCode.GraphUnavailable, status: 500 });
      expect(job.message).toContain('HTTP 500');
      expect(directory.requestsTo('getJob')).toHaveLength(1);
    });

    it('stops waiting after the timeout', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      directory.fail('getSecrets', { delayMs: 3000 });
      graph = client({ timeoutMs: 300 });

      const { result, ms } = await timed(() => graph.getSecrets(app.id));

      expect(failureOf(result).code).toBe(ErrorCode.GraphTimeout);
      expect(failureOf(result).message).toContain('did not answer within 0.3 s');
      expect(ms).toBeLessThan(2000);
    });

    it('says when Graph cannot be reached at all', async () => {
      const tls = await testCertificate();
      const closed = https.createServer({ key: tls.key, cert: tls.cert });
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      graph = client({}, fake.settings({ apiUrl: `https://127.0.0.1:${port}` }));

      const failure = failureOf(await graph.getServicePrincipal('sp-1'));

      expect(failure.code).toBe(ErrorCode.GraphUnavailable);
      expect(failure.message).toContain(
        `Could not reach Microsoft Graph at https://127.0.0.1:${port}`,
      );
    });

    it('refuses a body that does not have the documented shape', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      directory.fail('getJob', { status: 200, body: { id: 'x', status: 'Active' } });

      const failure = failureOf(await graph.getJob(app.id, 'x'));

      expect(failure.code).toBe(ErrorCode.GraphBadResponse);
    });

    it('never repeats a secret that Graph echoes back in an error', async () => {
      const app = directory.addApp({ displayName: 'Timly' });
      const token = 'echoed-secret-token-123456';
      directory.fail('putSecrets', {
        status: 400,
        body: { error: { code: 'BadRequest', message: `Value '${token}' is not valid.` } },
      });

      const failure = failureOf(
        await graph.putSecrets(app.id, [{ key: 'SecretToken', value: token }]),
      );

      expect(failure.code).toBe(ErrorCode.GraphRejected);
      expect(failure.message).toContain("Value '[redacted]' is not valid.");
      expect(failure.message).not.toContain(token);
    });
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates, and ignores nonsense', () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();

    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(inTenSeconds)).toBeGreaterThanOrEqual(9);
    expect(retryAfterSeconds(inTenSeconds)).toBeLessThanOrEqual(10);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});
