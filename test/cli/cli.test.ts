import { randomBytes } from 'node:crypto';
import { main, type Output } from '../../src/cli/main.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

interface Run {
  code: number;
  out: string[];
  err: string[];
}

describe('timly-renew commands', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = {
      DATABASE_URL: db.url,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    };
  });

  afterAll(async () => {
    await db.drop();
  });

  async function run(args: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    const result: Run = { code: -1, out: [], err: [] };
    const output: Output = {
      out: (text) => result.out.push(...text.split('\n')),
      err: (text) => result.err.push(...text.split('\n')),
    };
    const argv = args.match(/"[^"]*"|\S+/g)!.map((word) => word.replace(/^"|"$/g, ''));
    result.code = await main(argv, output, { ...env, ...extraEnv });
    return result;
  }

  it('registers an account and lists it with days left, the due and the next warning', async () => {
    const added = await run(
      'accounts add --id acme --name "Acme AG" --expires 2099-02-01 ' +
        '--provisioning user,person --timezone Europe/Zurich --admins U0ADMIN',
    );
    expect(added).toMatchObject({ code: 0, err: [] });
    expect(added.out[0]).toMatch(/^Registered acme \(Acme AG\): token expires 1 February 2099, /);

    const list = await run('accounts list');
    expect(list.code).toBe(0);
    expect(list.out[0]).toMatch(/^ID\s+NAME\s+EXPIRES\s+DAYS LEFT\s+DUE NOW\s+NEXT WARNING/);
    expect(list.out[1]).toMatch(/^acme\s+Acme AG\s+1 February 2099\s+\d+\s+-\s+2 months: /);
  });

  it('keeps what an update does not name', async () => {
    await run(
      'accounts add --id keep --name Keep --expires 2099-03-01 --provisioning person ' +
        '--timezone Asia/Tokyo --admins U1,ops@example.com',
    );

    const updated = await run('accounts add --id keep --name "Keep AG" --expires 2099-04-01');

    expect(updated.code).toBe(0);
    const row = await db.prisma.account.findUniqueOrThrow({ where: { id: 'keep' } });
    const admins = await run(
      'accounts add --id keep --name "Keep AG" --expires 2099-04-01 --admins U2',
    );
    expect(admins.code).toBe(0);
    const audit = await run('audit keep');
    const detail = JSON.parse(audit.out.at(-1)!.replace(/^.*account_updated /, ''));
    expect(detail).toEqual({ admins: { from: ['U1', 'ops@example.com'], to: ['U2'] } });
    expect(row).toMatchObject({
      name: 'Keep AG',
      provisioning: ['person'],
      timezone: 'Asia/Tokyo',
      admins: ['U1', 'ops@example.com'],
    });
  });

  it.each([
    ['accounts add --id x --name X --expires 2027-13-01', '--expires'],
    ['accounts add --id x --name X --expires 0000-01-01', '--expires'],
    ['accounts add --id x --name X --expires 2027-02-01 --admins not-an-email@', '--admins'],
    ['accounts add --id x --name X --expires 2027-02-01 --timezone Mars/Olympus', '--timezone'],
    ['accounts add --id x --name "  " --expires 2027-02-01', '--name'],
    ['accounts add --id x --name X --expires 2027-02-01 --admins ""', '--admins'],
    ['accounts add --id x --name X --expires 2027-02-01 --provisioning robots', '--provisioning'],
    ['accounts add --id "a b" --name X --expires 2027-02-01', 'not a valid account id'],
    ['accounts add --name X --expires 2027-02-01', "required option '--id <id>'"],
    ['audit nope', 'There is no account "nope"'],
    ['entra check acme', 'GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET'],
    ['token-service --port abc', '--port'],
    ['bogus', "timly-renew: unknown command 'bogus'"],
  ])('`%s` exits 2 with one line naming %s', async (args, named) => {
    const result = await run(args);

    expect(result.code).toBe(2);
    expect(result.err.filter(Boolean)).toHaveLength(1);
    expect(result.err[0]).toContain(named);
    expect(result.err[0]).not.toMatch(/\n\s+at /);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ NOTIFY_HOUR: '25' }, 'NOTIFY_HOUR'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SECRET_ENCRYPTION_KEY: 'short' }, 'SECRET_ENCRYPTION_KEY'],
    [{ SECRET_ENCRYPTION_KEY: '' }, 'SECRET_ENCRYPTION_KEY'],
  ])('a bad setting %j stops with a line naming %s', async (bad, variable) => {
    const result = await run('accounts list', bad);

    expect(result.code).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(new RegExp(`^timly-renew: ${variable} `));
  });

  it('says where a due warning went, or that no channel is connected', async () => {
    await run('accounts add --id soon --name Soon --expires 2020-01-01 --admins U1');

    const dry = await run('check --dry-run');
    const real = await run('check');

    expect(dry.code).toBe(0);
    expect(dry.out).toContain(
      'soon: expired warning due (expires 1 January 2020): no channel connected ' +
        '(type `connect ACCOUNT` in one)',
    );
    expect(real.out.some((line) => line.startsWith('soon: expired warning due'))).toBe(true);
    expect(dry.out.at(-1)).toBe('Dry run: nothing was posted and the token service was not asked.');
    expect(real.out).not.toContain(
      'Dry run: nothing was posted and the token service was not asked.',
    );
  });

  it('says when the token service cannot be asked, and exits 1', async () => {
    const result = await run('check', {
      TOKEN_SERVICE_URL: 'http://127.0.0.1:9/',
      TOKEN_SERVICE_API_KEY: 'k',
    });

    expect(result.code).toBe(1);
    expect(
      result.out.some((line) => line.includes('expiry not checked with the token service')),
    ).toBe(true);
  });

  it('shows the audit trail of an account', async () => {
    const audit = await run('audit acme');

    expect(audit.code).toBe(0);
    expect(audit.out[0]).toMatch(/^\d{4}-\d{2}-\d{2}T.*  cli  account_registered /);
  });
});
