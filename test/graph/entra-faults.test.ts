import { ErrorCode } from '../../src/errors.js';
import { EntraService } from '../../src/graph/entra.js';
import { createGraphApi } from '../../src/graph/graph-client.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FAKE_APP, startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import type { FakeApp, FakeDirectory, Fault } from '../support/fake-graph-state.js';
import { capturingLogger } from '../support/logging.js';
import {
  addAccount,
  addTimlyApps,
  expectNoToken,
  NEW_TOKEN,
  OLD_TOKEN,
  savedSecrets,
  SCIM_URL,
} from './entra-suite.js';

// Faults of Graph met by a renewal: the admin gets a clear sentence, the apps keep their data.
describe('EntraService when Graph fails', () => {
  let db: TestDatabase;
  let fake: FakeGraph;
  let directory: FakeDirectory;
  let apps: { user: FakeApp; person: FakeApp };
  let logs: string[];

  beforeAll(async () => {
    [db, fake] = await Promise.all([createTestDatabase(), startFakeGraph()]);
  });

  afterAll(async () => {
    await fake.close();
    await db.drop();
  });

  async function service(): Promise<EntraService> {
    const { log, lines } = capturingLogger();
    logs = lines;
    const options = { maxRetries: 2, maxRetryWaitSeconds: 0.05, timeoutMs: 400 };
    const graph = createGraphApi(fake.settings(), fake.clientOptions(log, options));
    return new EntraService({ graph, prisma: db.prisma, log });
  }

  beforeEach(async () => {
    fake.reset();
    directory = fake.directory;
    await db.prisma.entraApp.deleteMany();
    await db.prisma.account.deleteMany();
    apps = addTimlyApps(directory);
    await addAccount(db);
    await (await service()).link('acme', {}, ['user', 'person']);
    directory.requests.length = 0;
  });

  afterEach(() => {
    expectNoToken(logs);
    expect(logs.join('\n')).not.toContain(FAKE_APP.clientSecret);
  });

  const readFaults: [string, Fault, ErrorCode][] = [
    ['401', { status: 401 }, ErrorCode.GraphUnauthorized],
    ['403', { status: 403 }, ErrorCode.GraphForbidden],
    ['404', { status: 404 }, ErrorCode.GraphNotFound],
    [
      '429 until retries run out',
      { status: 429, retryAfter: 30, times: 3 },
      ErrorCode.GraphRateLimited,
    ],
    ['500', { status: 500 }, ErrorCode.GraphUnavailable],
    ['a timeout', { delayMs: 2000 }, ErrorCode.GraphTimeout],
  ];

  it.each(readFaults)(
    'writes nothing to an app whose secrets cannot be read (%s)',
    async (_name, fault, code) => {
      directory.fail('getSecrets', { ...fault, servicePrincipalId: apps.person.id });

      const [user, person] = await (await service()).applyToken('acme', NEW_TOKEN, SCIM_URL);

      expect(user).toMatchObject({ applied: true, tested: true });
      expect(person).toMatchObject({ applied: false, tested: false, code });
      expect(person?.message).toMatch(/^"Timly Person Provisioning" was not changed: /);
      const puts = directory.requestsTo('putSecrets').map((put) => put.servicePrincipalId);
      expect(puts).toEqual([apps.user.id]);
      expect(apps.person.secrets).toEqual(savedSecrets());
      expectNoToken(user, person);
    },
  );

  it('names the permission when saving the secrets is forbidden', async () => {
    directory.fail('putSecrets', { status: 403, times: 2 });

    const outcomes = await (await service()).applyToken('acme', NEW_TOKEN, SCIM_URL);

    expect(outcomes.map((outcome) => outcome.applied)).toEqual([false, false]);
    expect(outcomes[0]?.message).toMatch(
      /^Could not save the new token in "Timly": The bot may not/,
    );
    expect(outcomes[0]?.message).toContain('Synchronization.ReadWrite.All');
    expect(directory.secret(apps.user.id, 'SecretToken')).toBe(OLD_TOKEN);
    expect(directory.requestsTo('validateCredentials')).toEqual([]);
    expectNoToken(outcomes);
  });

  it('says the outcome is unknown when saving times out', async () => {
    directory.fail('putSecrets', { delayMs: 2000, servicePrincipalId: apps.user.id });

    const [user] = await (await service()).applyToken('acme', NEW_TOKEN, SCIM_URL);

    expect(user).toMatchObject({ applied: false, tested: false });
    expect(user?.message).toContain('It may or may not have been saved');
    expectNoToken(user);
  });

  it('keeps the secrets when Graph fails with 5xx while saving', async () => {
    directory.fail('putSecrets', { status: 503, servicePrincipalId: apps.person.id });

    const [, person] = await (await service()).applyToken('acme', NEW_TOKEN, SCIM_URL);

    expect(person).toMatchObject({ applied: false, tested: false });
    expect(person?.message).toContain('HTTP 503');
    expect(apps.person.secrets).toEqual(savedSecrets());
  });

  it('retries a throttled save and then tests it', async () => {
    directory.fail('putSecrets', { status: 429, retryAfter: 0, servicePrincipalId: apps.user.id });

    const [user] = await (await service()).applyToken('acme', NEW_TOKEN, SCIM_URL);

    expect(user).toMatchObject({ applied: true, tested: true });
    expect(directory.requestsTo('putSecrets')).toHaveLength(3);
    expect(directory.secret(apps.user.id, 'SecretToken')).toBe(NEW_TOKEN);
  });

  it('reports a saved but untested token when the job is gone', async () => {
    apps.user.jobs = [];

    const [user] = await (await service()).applyToken('acme', NEW_TOKEN, SCIM_URL);

    expect(user).toMatchObject({ applied: true, tested: false });
    expect(user?.message).toContain('but the test connection failed');
    expect(user?.message).toContain('no longer exists');
  });

  it('leaves the health record alone when a job cannot be read', async () => {
    directory.quarantine(apps.user.id, { reason: 'EncounteredQuarantineException' });
    const entra = await service();
    await entra.pollHealth(new Date('2026-12-01T09:00:00Z'));
    directory.fail('getJob', { status: 503, times: 2 });

    const events = await entra.pollHealth(new Date('2026-12-01T10:00:00Z'));

    expect(events).toEqual([]);
    const row = await db.prisma.entraApp.findFirst({ where: { kind: 'user' } });
    expect(row?.quarantinedAt).not.toBeNull();
    expect(row?.checkedAt).toEqual(new Date('2026-12-01T09:00:00Z'));
    expect(logs.some((line) => line.includes('provisioning health unknown'))).toBe(true);
  });
});
