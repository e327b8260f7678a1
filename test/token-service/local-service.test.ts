import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  startLocalTokenService,
  type LocalTokenServiceHandle,
} from '../../src/token-service/local-server.js';
import {
  DEFAULT_SCIM_BASE_URL,
  LocalTokenStore,
  seedLocalAccount,
} from '../../src/token-service/local-service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { capturingLogger } from '../support/logging.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('local token service', () => {
  let db: TestDatabase;
  let local: LocalTokenServiceHandle;
  let logged: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const capture = capturingLogger();
    logged = capture.lines;
    local = await startLocalTokenService({ prisma: db.prisma, log: capture.log });
  });

  afterAll(async () => {
    await local.close();
    await db.drop();
  });

  async function newAccount(): Promise<string> {
    const accountId = `acme-${randomBytes(4).toString('hex')}`;
    const expiresAt = new Date('2027-02-01T00:00:00.000Z');
    await seedLocalAccount(db.prisma, { accountId, expiresAt, provisioning: ['user'] });
    return accountId;
  }

  function call(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
    const headers = { authorization: `Bearer ${local.apiKey}`, ...init.headers };
    return fetch(`${local.url}${path}`, { method: init.method ?? 'GET', headers });
  }

  function renew(accountId: string, key: string) {
    const path = `/accounts/${encodeURIComponent(accountId)}/provision-token/renew`;
    return call(path, { method: 'POST', headers: { 'idempotency-key': key } });
  }

  /** Every row of every table in the database, as JSON text. */
  async function everyRow(): Promise<string[]> {
    const tables = await db.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    const rows: string[] = [];
    for (const { table_name } of tables) {
      const found = await db.prisma.$queryRawUnsafe<{ row: string }[]>(
        `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
      );
      rows.push(...found.map((entry) => entry.row));
    }
    return rows;
  }

  it('asks for the bearer key', async () => {
    const accountId = await newAccount();
    const path = `/accounts/${accountId}/provision-token`;

    const missing = await fetch(`${local.url}${path}`);
    const wrong = await call(path, { headers: { authorization: 'Bearer not-the-key' } });

    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
  });

  it('answers an unknown account with 404', async () => {
    const read = await call('/accounts/nobody/provision-token');
    const renewal = await renew('nobody', randomUUID());

    expect(read.status).toBe(404);
    expect(renewal.status).toBe(404);
    expect(await read.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers a read with exactly the contract fields', async () => {
    const accountId = await newAccount();

    const response = await call(`/accounts/${accountId}/provision-token`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accountId,
      expiresAt: '2027-02-01T00:00:00.000Z',
      provisioning: ['user'],
      scimBaseUrl: DEFAULT_SCIM_BASE_URL,
    });
  });

  it.each([[undefined], ['not-a-uuid'], ['']])(
    'refuses Idempotency-Key %j with 400',
    async (key) => {
      const accountId = await newAccount();
      const headers: Record<string, string> = key === undefined ? {} : { 'idempotency-key': key };

      const path = `/accounts/${accountId}/provision-token/renew`;
      const response = await call(path, { method: 'POST', headers });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_idempotency_key' });
    },
  );

  it('answers a renewal with exactly the contract fields, never to be cached', async () => {
    const accountId = await newAccount();

    const response = await renew(accountId, randomUUID());

    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'scimBaseUrl', 'token']);
    expect(body.token).toMatch(/^timly_[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.expiresAt!).toISOString()).toBe(body.expiresAt);
  });

  it('stores no token anywhere, only its hash, and logs none', async () => {
    const accountId = await newAccount();

    const body = (await (await renew(accountId, randomUUID())).json()) as { token: string };

    const rows = await everyRow();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).not.toContain(body.token);
    const stored = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });
    expect(stored.tokenHash).toBe(sha256(body.token));
    expect(logged.join('\n')).not.toContain(body.token);
    expect(logged.join('\n')).not.toContain(local.apiKey);
  });

  it('replays the same key with the same body and renews nothing', async () => {
    const accountId = await newAccount();
    const key = randomUUID();
    const first = await (await renew(accountId, key)).text();
    const before = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });

    const again = await renew(accountId, key.toUpperCase());

    expect(again.status).toBe(201);
    expect(await again.text()).toBe(first);
    const after = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });
    expect(after).toEqual(before);
    expect(await db.prisma.localRenewalKey.count({ where: { accountId } })).toBe(1);
  });

  it('renews once for 20 simultaneous requests with one key', async () => {
    const accountId = await newAccount();
    const key = randomUUID();

    const responses = await Promise.all(Array.from({ length: 20 }, () => renew(accountId, key)));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(await db.prisma.localRenewalKey.count({ where: { accountId } })).toBe(1);
    const { token } = JSON.parse(bodies[0]!) as { token: string };
    const stored = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });
    expect(stored.tokenHash).toBe(sha256(token));
  });

  it('lets only one of simultaneous requests with different keys renew at a time', async () => {
    const accountId = await newAccount();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => renew(accountId, randomUUID())),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const tokens = await Promise.all(
      responses
        .filter((response) => response.status === 201)
        .map(async (response) => ((await response.json()) as { token: string }).token),
    );
    expect(tokens.length).toBeGreaterThanOrEqual(1);
    // Each 201 is one renewal that ran alone; the last of them holds the live token.
    expect(await db.prisma.localRenewalKey.count({ where: { accountId } })).toBe(tokens.length);
    const stored = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });
    expect(tokens.map(sha256)).toContain(stored.tokenHash);
  });

  it('keeps the live token when an account is registered again', async () => {
    const accountId = await newAccount();
    await renew(accountId, randomUUID());
    const before = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });

    const expiresAt = new Date('2028-01-01T00:00:00.000Z');
    await seedLocalAccount(db.prisma, { accountId, expiresAt, provisioning: ['person', 'user'] });

    const after = await db.prisma.localProvisionToken.findUniqueOrThrow({ where: { accountId } });
    expect(after).toMatchObject({
      tokenHash: before.tokenHash,
      scimBaseUrl: before.scimBaseUrl,
      provisioning: ['user', 'person'],
      expiresAt,
    });
  });
});

describe('local token store on a fresh database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('makes one service key even when two stores start at once', async () => {
    const expiresAt = new Date('2027-02-01T00:00:00.000Z');
    for (const accountId of ['one', 'two']) {
      await seedLocalAccount(db.prisma, { accountId, expiresAt, provisioning: ['user'] });
    }
    const [first, second] = [new LocalTokenStore(db.prisma), new LocalTokenStore(db.prisma)];
    const key = randomUUID();

    const [renewal] = await Promise.all([
      first.renew('one', key),
      second.renew('two', randomUUID()),
    ]);
    const replay = await new LocalTokenStore(db.prisma).renew('one', key);

    expect(await db.prisma.localServiceKey.count()).toBe(1);
    expect(renewal.kind).toBe('renewed');
    expect(replay.kind).toBe('replayed');
    if (renewal.kind !== 'renewed' || replay.kind !== 'replayed') return;
    expect(replay.renewed).toEqual(renewal.renewed);
  });

  it('uses the clock it is given for a 365-day token', async () => {
    const now = new Date('2026-12-03T08:00:00.000Z');
    const expiresAt = new Date('2027-01-01T00:00:00.000Z');
    await seedLocalAccount(db.prisma, { accountId: 'clock', expiresAt, provisioning: ['user'] });

    const outcome = await new LocalTokenStore(db.prisma, () => now).renew('clock', randomUUID());

    expect(outcome.kind === 'renewed' && outcome.renewed.expiresAt).toEqual(
      new Date('2027-12-03T08:00:00.000Z'),
    );
  });
});
