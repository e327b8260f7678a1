import type { EntraApplier } from '../../src/core/renewal-delivery.js';
import { ErrorCode } from '../../src/errors.js';
import { EntraService } from '../../src/graph/entra.js';
import type { GraphApi, SyncSecret } from '../../src/graph/types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { FakeApp, FakeDirectory } from '../support/fake-graph-state.js';
import { silentLogger } from '../support/logging.js';

/** How the suite reaches a fake Graph: over https, or in memory. */
export interface GraphHarness {
  directory(): FakeDirectory;
  /** A new client per test: a real client caches its token. */
  graph(): GraphApi;
  reset(): void;
  close(): Promise<void>;
}

export const OLD_TOKEN = 'old-scim-token-7f3a9c2e1b';
export const NEW_TOKEN = 'new-scim-token-4d8e6b0a5c-do-not-leak';
export const SCIM_URL = 'https://scim.timly.example/acme/v2';
export const NOTIFY =
  '{"Enabled":true,"Recipients":"it@acme.example","DeleteThresholdEnabled":true}';

/** The secrets an admin saved by hand when setting provisioning up. */
export function savedSecrets(): SyncSecret[] {
  return [
    { key: 'BaseAddress', value: SCIM_URL },
    { key: 'SecretToken', value: OLD_TOKEN },
    { key: 'SyncNotificationSettings', value: NOTIFY },
    { key: 'SyncAll', value: 'false' },
  ];
}

/** Both enterprise apps, set up the way Timly's guide says. */
export function addTimlyApps(directory: FakeDirectory): { user: FakeApp; person: FakeApp } {
  return {
    user: directory.addApp({ displayName: 'Timly', secrets: savedSecrets() }),
    person: directory.addApp({ displayName: 'Timly Person Provisioning', secrets: savedSecrets() }),
  };
}

/** Registers an account row, as `accounts add` would. */
export async function addAccount(
  db: TestDatabase,
  id = 'acme',
  provisioning = ['user', 'person'],
): Promise<void> {
  await db.prisma.account.create({
    data: {
      id,
      name: `${id} Inc.`,
      expiresAt: new Date('2027-01-31T00:00:00Z'),
      provisioning,
      timezone: 'Europe/Zurich',
      admins: [],
    },
  });
}

/** Everything a test can see; none of it may ever hold the new token. */
export function expectNoToken(...values: unknown[]): void {
  for (const value of values) expect(JSON.stringify(value)).not.toContain(NEW_TOKEN);
}

/** The behaviour of EntraService, run against every fake Graph. */
export function entraServiceSuite(name: string, start: () => Promise<GraphHarness>): void {
  describe(`EntraService over ${name}`, () => {
    let db: TestDatabase;
    let harness: GraphHarness;
    let directory: FakeDirectory;
    let service: EntraService;

    beforeAll(async () => {
      [db, harness] = await Promise.all([createTestDatabase(), start()]);
    });

    afterAll(async () => {
      await harness.close();
      await db.drop();
    });

    beforeEach(async () => {
      harness.reset();
      directory = harness.directory();
      await db.prisma.entraApp.deleteMany();
      await db.prisma.account.deleteMany();
      service = new EntraService({
        graph: harness.graph(),
        prisma: db.prisma,
        log: silentLogger(),
      });
    });

    const rows = () => db.prisma.entraApp.findMany({ orderBy: { kind: 'desc' } });

    describe('link', () => {
      it('finds both apps by display name and stores their provisioning jobs', async () => {
        const { user, person } = addTimlyApps(directory);
        await addAccount(db);

        const outcomes = await service.link('acme', {}, ['user', 'person']);

        expect(outcomes.map((outcome) => [outcome.kind, outcome.linked])).toEqual([
          ['user', true],
          ['person', true],
        ]);
        const jobId = user.jobs[0]?.id;
        expect(outcomes[0]?.message).toBe(
          `Linked "Timly" (service principal ${user.id}) with provisioning job ${jobId}.`,
        );
        expect(await rows()).toMatchObject([
          { kind: 'user', servicePrincipalId: user.id, jobId: user.jobs[0]?.id },
          { kind: 'person', servicePrincipalId: person.id, displayName: person.displayName },
        ]);
        expect(directory.requestsTo('listServicePrincipals')[0]?.query.$filter).toBe(
          "displayName eq 'Timly'",
        );
        expect(await service.isLinked('acme')).toBe(true);
      });

      it('takes an object id as given and finds the other app by name', async () => {
        const renamed = directory.addApp({ displayName: 'Timly (Acme SSO)' });
        const { person } = addTimlyApps(directory);
        await addAccount(db);

        const outcomes = await service.link('acme', { userApp: renamed.id }, ['user', 'person']);

        expect(outcomes.every((outcome) => outcome.linked)).toBe(true);
        expect(outcomes[0]).toMatchObject({
          appName: 'Timly (Acme SSO)',
          jobId: renamed.jobs[0]?.id,
        });
        expect(outcomes[1]).toMatchObject({ servicePrincipalId: person.id });
        expect(directory.requestsTo('getServicePrincipal')[0]?.servicePrincipalId).toBe(renamed.id);
      });

      it('says which option to pass when no app or several apps have the name', async () => {
        directory.addApp({ displayName: 'Timly' });
        directory.addApp({ displayName: 'Timly' });
        await addAccount(db);

        const [user, person] = await service.link('acme', {}, ['user', 'person']);

        expect(user?.linked).toBe(false);
        expect(user?.message).toMatch(
          /^2 enterprise apps are named "Timly" \(.+\); pass the right/,
        );
        expect(user?.message).toContain('--user-app');
        expect(person?.message).toContain('No enterprise app named "Timly Person Provisioning"');
        expect(person?.message).toContain('--person-app');
        expect(await rows()).toEqual([]);
        expect(await service.isLinked('acme')).toBe(false);
      });

      it('asks for provisioning to be set up when the app has no job', async () => {
        directory.addApp({ displayName: 'Timly', job: false });
        await addAccount(db, 'acme', ['user']);

        const [user] = await service.link('acme', {}, ['user']);

        expect(user?.linked).toBe(false);
        expect(user?.message).toContain('"Timly" has no provisioning job');
      });

      it('keeps a working link when relinking fails and drops kinds no longer used', async () => {
        addTimlyApps(directory);
        await addAccount(db);
        await service.link('acme', {}, ['user', 'person']);
        const before = await rows();

        const outcomes = await service.link('acme', { userApp: 'gone', personApp: 'x' }, ['user']);

        expect(outcomes[0]).toMatchObject({ kind: 'user', linked: false });
        expect(outcomes[0]?.message).toContain('gone');
        expect(outcomes[1]?.message).toContain('does not use person provisioning');
        expect(await rows()).toEqual([before[0]]);
      });

      it('refuses an account that is not registered', async () => {
        await expect(service.link('nobody', {}, ['user'])).rejects.toMatchObject({
          code: ErrorCode.AccountNotFound,
        });
      });
    });

    describe('applyToken', () => {
      let apps: { user: FakeApp; person: FakeApp };

      beforeEach(async () => {
        apps = addTimlyApps(directory);
        await addAccount(db);
        await service.link('acme', {}, ['user', 'person']);
        directory.requests.length = 0;
      });

      it('replaces only SecretToken in both apps and tests each connection', async () => {
        // The renewal core holds the service as its EntraApplier.
        const applier: EntraApplier = service;

        const outcomes = await applier.applyToken('acme', NEW_TOKEN, SCIM_URL);

        expect(outcomes).toEqual([
          {
            kind: 'user',
            appName: 'Timly',
            applied: true,
            tested: true,
            message: 'Saved the new token in "Timly" and the test connection passed.',
          },
          expect.objectContaining({ kind: 'person', applied: true, tested: true }),
        ]);
        const expected = savedSecrets().map((secret) =>
          secret.key === 'SecretToken' ? { key: 'SecretToken', value: NEW_TOKEN } : secret,
        );
        const puts = directory.requestsTo('putSecrets');
        expect(puts.map((put) => put.servicePrincipalId)).toEqual([apps.user.id, apps.person.id]);
        for (const put of puts) expect(put.body).toEqual({ value: expected });
        expect(directory.requestsTo('validateCredentials').map((call) => call.body)).toEqual([
          { useSavedCredentials: true },
          { useSavedCredentials: true },
        ]);
        expect(directory.secret(apps.person.id, 'SyncNotificationSettings')).toBe(NOTIFY);
        expectNoToken(outcomes.map((outcome) => outcome.message));
      });

      it('applies to every app even when one test connection fails', async () => {
        apps.person.acceptsToken = () => false;

        const [user, person] = await service.applyToken('acme', NEW_TOKEN, SCIM_URL);

        expect(user).toMatchObject({ applied: true, tested: true });
        expect(person).toMatchObject({ applied: true, tested: false });
        expect(person?.message).toMatch(
          /^Saved the new token in "Timly Person Provisioning", but the test connection failed: /,
        );
        expect(directory.secret(apps.person.id, 'SecretToken')).toBe(NEW_TOKEN);
        expectNoToken(user, person);
      });

      it("fills an empty Tenant URL from Timly and keeps an admin's own", async () => {
        apps.user.secrets = apps.user.secrets.filter((secret) => secret.key !== 'BaseAddress');
        const proxy = 'https://scim-proxy.acme.example/timly';
        apps.person.secrets[0] = { key: 'BaseAddress', value: proxy };

        const [user, person] = await service.applyToken('acme', NEW_TOKEN, SCIM_URL);

        expect(directory.secret(apps.user.id, 'BaseAddress')).toBe(SCIM_URL);
        expect(user?.message).toContain(`Its Tenant URL was empty and is now ${SCIM_URL}.`);
        expect(directory.secret(apps.person.id, 'BaseAddress')).toBe(proxy);
        expect(person?.message).toContain(`Its Tenant URL ${proxy} was kept`);
      });

      it('lifts a quarantine once the new token passes the test', async () => {
        directory.quarantine(apps.user.id, {
          reason: 'EncounteredQuarantineException',
          error: { code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable' },
        });

        const [user] = await service.applyToken('acme', NEW_TOKEN);

        expect(user?.message).toContain('was in quarantine and has been restarted');
        const restarts = directory.requestsTo('restartJob');
        expect(restarts).toHaveLength(1);
        expect(restarts[0]?.body).toEqual({ criteria: { resetScope: 'QuarantineState' } });
        expect(directory.jobOf(apps.user.id).status.code).toBe('Active');
      });

      it('returns nothing for an account without links', async () => {
        await addAccount(db, 'other');

        expect(await service.applyToken('other', NEW_TOKEN)).toEqual([]);
      });
    });

    describe('health', () => {
      let apps: { user: FakeApp; person: FakeApp };

      beforeEach(async () => {
        apps = addTimlyApps(directory);
        await addAccount(db);
        await service.link('acme', {}, ['user', 'person']);
      });

      it('reports a quarantine once when it starts and once when it clears', async () => {
        const began = '2026-12-01T08:00:00.000Z';
        directory.quarantine(apps.person.id, {
          reason: 'EncounteredQuarantineException',
          seriesBegan: began,
          error: { code: 'HttpStatus401', message: 'The secret token is not valid.' },
        });

        const first = await service.pollHealth(new Date('2026-12-01T09:00:00Z'));
        const second = await service.pollHealth(new Date('2026-12-01T10:00:00Z'));
        directory.clearQuarantine(apps.person.id);
        const third = await service.pollHealth(new Date('2026-12-01T11:00:00Z'));
        const fourth = await service.pollHealth(new Date('2026-12-01T12:00:00Z'));

        expect(first).toEqual([
          {
            accountId: 'acme',
            kind: 'person',
            appName: 'Timly Person Provisioning',
            type: 'quarantined',
            reason:
              'EncounteredQuarantineException (HttpStatus401: The secret token is not valid.)',
            fix: expect.stringContaining('/timly-renew renew acme'),
          },
        ]);
        expect(second).toEqual([]);
        expect(third).toEqual([
          expect.objectContaining({ kind: 'person', type: 'cleared', reason: first[0]?.reason }),
        ]);
        expect(fourth).toEqual([]);
        const row = await db.prisma.entraApp.findFirst({ where: { kind: 'person' } });
        expect(row).toMatchObject({ quarantinedAt: null, quarantineReason: null });
        expect(row?.checkedAt).toEqual(new Date('2026-12-01T12:00:00Z'));
      });

      it('stores when the episode began and reports a new one begun between polls', async () => {
        directory.quarantine(apps.user.id, {
          reason: 'TooManyDeletes',
          seriesBegan: '2026-12-01T08:00:00Z',
        });
        await service.pollHealth(new Date('2026-12-01T09:00:00Z'));
        const stored = await db.prisma.entraApp.findFirst({ where: { kind: 'user' } });
        directory.quarantine(apps.user.id, {
          reason: 'TooManyDeletes',
          seriesBegan: '2026-12-01T09:30:00Z',
        });

        const events = await service.pollHealth(new Date('2026-12-01T10:00:00Z'));

        expect(stored?.quarantinedAt).toEqual(new Date('2026-12-01T08:00:00Z'));
        expect(events).toEqual([
          expect.objectContaining({ kind: 'user', type: 'quarantined', reason: 'TooManyDeletes' }),
        ]);
        expect(events[0]?.fix).toContain('pending deletions');
      });

      it('restarts provisioning with the reset that lifts the quarantine', async () => {
        directory.quarantine(apps.user.id, { reason: 'EncounteredEscrowProportionThreshold' });

        const outcome = await service.restartProvisioning('acme', 'user');

        expect(outcome).toEqual({
          ok: true,
          message: 'Restarted provisioning of "Timly"; its quarantine is lifted.',
        });
        expect(directory.requestsTo('restartJob')[0]).toMatchObject({
          jobId: apps.user.jobs[0]?.id,
          body: { criteria: { resetScope: 'QuarantineState' } },
        });
      });

      it('says how to link before restarting an app that is not linked', async () => {
        await addAccount(db, 'solo', ['user']);

        const outcome = await service.restartProvisioning('solo', 'person');

        expect(outcome.ok).toBe(false);
        expect(outcome.code).toBe(ErrorCode.GraphNotLinked);
        expect(outcome.message).toContain('timly-renew entra link solo');
      });
    });

    describe('check', () => {
      it('passes when both apps, their jobs and credentials are reachable', async () => {
        addTimlyApps(directory);
        await addAccount(db);
        await service.link('acme', {}, ['user', 'person']);

        const report = await service.check('acme');

        expect(report.ok).toBe(true);
        expect(report.lines).toHaveLength(2);
        expect(report.lines[0]).toMatch(/^✓ "Timly" \(user provisioning\): service principal/);
      });

      it('names a missing link and a provisioning job that is gone', async () => {
        const { user } = addTimlyApps(directory);
        await addAccount(db);
        await service.link('acme', {}, ['user']);
        const jobId = user.jobs[0]?.id;
        user.jobs = [];

        const report = await service.check('acme');

        expect(report.ok).toBe(false);
        expect(report.lines[0]).toBe(
          '✗ "Timly Person Provisioning" (person provisioning) is not linked: ' +
            'run `timly-renew entra link acme`.',
        );
        expect(report.lines[1]).toMatch(/^✗ "Timly" \(user provisioning\): /);
        expect(report.lines[1]).toContain(String(jobId));
      });

      it('names an enterprise app that was deleted', async () => {
        const { user } = addTimlyApps(directory);
        await addAccount(db, 'acme', ['user']);
        await service.link('acme', {}, ['user']);
        directory.apps.delete(user.id);

        const report = await service.check('acme');

        expect(report.ok).toBe(false);
        expect(report.lines.every((line) => line.startsWith('✗ "Timly"'))).toBe(true);
        expect(report.lines[0]).toContain(user.id);
      });

      it('names the Graph permission the bot lacks', async () => {
        addTimlyApps(directory);
        await addAccount(db, 'acme', ['user']);
        await service.link('acme', {}, ['user']);
        directory.permissions.delete('Synchronization.ReadWrite.All');

        const report = await service.check('acme');

        expect(report.ok).toBe(false);
        expect(report.lines.join('\n')).toContain('Synchronization.ReadWrite.All');
      });

      it('says when the account itself is unknown', async () => {
        expect(await service.check('nobody')).toEqual({
          ok: false,
          lines: ['✗ Account "nobody" is not registered.'],
        });
      });
    });
  });
}
