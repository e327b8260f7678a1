import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config.js';
import { createHttpApp, listen } from '../../src/http/server.js';
import type { Logger } from '../../src/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createTeams, type TeamsIntegration } from '../../src/teams/app.js';
import { seedLocalAccount } from '../../src/token-service/local-service.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startFakeConnector, type FakeConnector } from './fake-connector.js';
import { findLeaks, issuedTokens } from './hygiene.js';
import { capturingLogger } from './logging.js';

/** The real bot's Teams side on loopback, a real database and a fake Bot Connector. */
export interface TeamsHarness {
  url: string;
  runtime: Runtime;
  teams: TeamsIntegration;
  connector: FakeConnector;
  db: TestDatabase;
  logLines: string[];
  /** Posts an activity to /api/messages as Teams would; the answer's status and body. */
  send(activity: Partial<Activity>): Promise<{ status: number; body: any }>;
  addAccount(input: { id: string; name: string; admins: string[]; expiresAt: Date }): Promise<void>;
  close(): Promise<void>;
}

/** Starts the harness; `env` adds settings such as MICROSOFT_APP_ID. */
export async function startTeamsHarness(
  env: Record<string, string> = {},
  options: { log?: Logger; host?: string } = {},
): Promise<TeamsHarness> {
  const db = await createTestDatabase();
  const connector = await startFakeConnector();
  const captured = capturingLogger();
  const log = options.log ?? captured.log;
  const config = loadConfig({
    DATABASE_URL: db.url,
    SECRET_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const database = { url: db.url, prisma: db.prisma, embedded: false, close: async () => {} };
  const runtime = await createRuntime(config, log, { database });
  const teams = createTeams(config.teams, runtime.core);
  runtime.channels.set('teams', teams.channels);

  const app = createHttpApp({
    prisma: db.prisma,
    schedulerRunning: () => true,
    log,
    teams: teams.handler,
  });
  const { server, port } = await listen(app, 0, options.host ?? '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    runtime,
    teams,
    connector,
    db,
    logLines: captured.lines,
    send: async (activity) => {
      const response = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      const json = response.headers.get('content-type')?.includes('json');
      return { status: response.status, body: json && text ? JSON.parse(text) : text };
    },
    addAccount: async (input) => {
      const account = { ...input, provisioning: ['user', 'person'] as ('user' | 'person')[] };
      await runtime.core.accounts.upsert({ ...account, timezone: 'Europe/Zurich' }, 'test');
      await seedLocalAccount(db.prisma, { accountId: input.id, ...account });
    },
    close: async () => {
      await closeServer(server);
      await connector.close();
      await runtime.close();
      // Secret hygiene: no issued token in a log line or in anything a channel shows.
      const channelCalls = connector.calls.filter(
        (call) =>
          call.conversationId?.startsWith('19:') || Boolean(call.body?.channelData?.channel),
      );
      const leaks = findLeaks(await issuedTokens(db.prisma), {
        log: captured.lines,
        teams: channelCalls.map((call) => JSON.stringify(call.body)),
      });
      await db.drop();
      if (leaks.length > 0) throw new Error(`a token leaked:\n${leaks.join('\n')}`);
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
