import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { addTimlyApps } from '../graph/entra-suite.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { testCertificate } from '../support/tls.js';

const run = promisify(execFile);

// The compiled command in a process of its own: the production path, where @azure/identity and
// the global fetch trust the fake's certificate only through NODE_EXTRA_CA_CERTS.
describe('timly-renew entra link and check, as a separate process', () => {
  let db: TestDatabase;
  let graph: FakeGraph;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    [db, graph] = await Promise.all([createTestDatabase(), startFakeGraph()]);
    const settings = graph.settings();
    env = {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      GRAPH_TENANT_ID: settings.tenantId,
      GRAPH_CLIENT_ID: settings.clientId,
      GRAPH_CLIENT_SECRET: settings.clientSecret,
      GRAPH_API_URL: settings.apiUrl,
      GRAPH_AUTHORITY_URL: settings.authorityUrl,
      NODE_EXTRA_CA_CERTS: (await testCertificate()).caFile,
    };
  });

  afterAll(async () => {
    await graph.close();
    await db.drop();
  });

  async function cli(args: string[]) {
    try {
      const { stdout, stderr } = await run('node', ['bin/timly-renew.js', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('links both enterprise apps by name and finds nothing missing', async () => {
    addTimlyApps(graph.directory);
    await cli([
      'accounts',
      'add',
      '--id',
      'acme',
      '--name',
      'Acme',
      '--expires',
      '2099-01-01',
      '--provisioning',
      'user,person',
      '--admins',
      'U1',
    ]);

    const link = await cli(['entra', 'link', 'acme']);
    const check = await cli(['entra', 'check', 'acme']);

    expect(link.code).toBe(0);
    expect(link.stdout).toContain('Timly Person Provisioning');
    expect(await db.prisma.entraApp.count({ where: { accountId: 'acme' } })).toBe(2);
    expect(check.code).toBe(0);
    expect(check.stdout).not.toContain('✗');
  });

  it('exits 1 and names the permission that is missing', async () => {
    graph.directory.fail('getSecrets', { status: 403, times: 10 });

    const check = await cli(['entra', 'check', 'acme']);

    expect(check.code).toBe(1);
    expect(check.stdout).toContain('Synchronization.ReadWrite.All');
    expect(check.stderr).not.toMatch(/\n\s+at /);
  });
});
