import { randomBytes } from 'node:crypto';
import { startBot, type Bot } from '../../src/bot.js';
import { loadConfig } from '../../src/config.js';
import { expiryFromDate } from '../../src/domain/thresholds.js';
import type { Logger } from '../../src/logger.js';
import { createRuntime } from '../../src/runtime.js';
import { seedLocalAccount } from '../../src/token-service/local-service.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import type { FakeGraph } from './fake-graph.js';
import { FakeSlack } from './fake-slack.js';
import { FaultyTokenService } from './faulty-token-service.js';
import { findLeaks, issuedTokens, publicSlackTexts } from './hygiene.js';
import { capturingLogger } from './logging.js';

export const SIGNING_SECRET = 'test-signing-secret';

/** A real bot on loopback with a real database, the built-in token service and a fake Slack. */
export interface BotHarness {
  bot: Bot;
  db: TestDatabase;
  slack: FakeSlack;
  baseUrl: string;
  logLines: string[];
  log: Logger;
  /** The token service proxy that injects faults, when asked for. */
  faulty?: FaultyTokenService;
  /** Stops the bot as a crash would leave things, and starts a new one on the same database. */
  restart(): Promise<BotHarness>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  faultyTokenService?: boolean;
  /** A fake Entra and Graph to apply tokens to (GRAPH_* point at it). */
  graph?: FakeGraph;
}

interface Reused {
  db: TestDatabase;
  slack: FakeSlack;
  key: string;
  faulty?: FaultyTokenService;
  log: Logger;
  lines: string[];
}

function graphEnv(graph: FakeGraph | undefined): Record<string, string> {
  if (!graph) return {};
  const settings = graph.settings();
  return {
    GRAPH_TENANT_ID: settings.tenantId,
    GRAPH_CLIENT_ID: settings.clientId,
    GRAPH_CLIENT_SECRET: settings.clientSecret,
    GRAPH_API_URL: settings.apiUrl,
    GRAPH_AUTHORITY_URL: settings.authorityUrl,
  };
}

export async function startHarness(
  options: HarnessOptions = {},
  reused?: Reused,
): Promise<BotHarness> {
  const db = reused?.db ?? (await createTestDatabase());
  const slack = reused?.slack ?? (await new FakeSlack().start());
  const { log, lines } = reused ?? capturingLogger();
  const key = reused?.key ?? randomBytes(32).toString('base64');
  const faulty =
    reused?.faulty ??
    (options.faultyTokenService ? await new FaultyTokenService().start(db.prisma, log) : undefined);
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: db.url,
    SECRET_ENCRYPTION_KEY: key,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ...(faulty ? { TOKEN_SERVICE_URL: faulty.url, TOKEN_SERVICE_API_KEY: faulty.apiKey } : {}),
    ...graphEnv(options.graph),
    ...options.env,
  });
  const database = { url: db.url, prisma: db.prisma, embedded: false, close: async () => {} };
  const graphClient = options.graph?.clientOptions(log, { maxRetryWaitSeconds: 1 });
  const runtime = await createRuntime(config, log, { database, graphClient });
  const bot = await startBot(config, log, {
    runtime,
    host: '127.0.0.1',
    slackUnhandledRequestTimeoutMillis: 1500,
    schedulerLockLifetimeMs: 2000,
  });

  return {
    bot,
    db,
    slack,
    baseUrl: `http://127.0.0.1:${bot.port}`,
    logLines: lines,
    log,
    faulty,
    restart: async () => {
      await bot.stop();
      return startHarness(options, { db, slack, key, faulty, log, lines });
    },
    stop: async () => {
      await bot.stop();
      await slack.stop();
      await faulty?.stop();
      // Secret hygiene, for every test that runs a bot: no issued token in a log line or in
      // anything posted where more than the renewing admin can see it.
      const leaks = findLeaks(await issuedTokens(db.prisma), {
        log: lines,
        slack: publicSlackTexts(slack.calls),
      });
      await db.drop();
      if (leaks.length > 0) throw new Error(`a token leaked:\n${leaks.join('\n')}`);
    },
  };
}

export interface AccountSeed {
  id?: string;
  expires?: string;
  timezone?: string;
  admins?: string[];
  provisioning?: ('user' | 'person')[];
}

/** Registers an account in the bot and in the built-in token service, as `accounts add` does. */
export async function addAccount(harness: BotHarness, seed: AccountSeed = {}) {
  const timezone = seed.timezone ?? 'Europe/Zurich';
  const expiresAt = expiryFromDate(seed.expires ?? '2027-02-01', timezone);
  const provisioning = seed.provisioning ?? ['user', 'person'];
  const { account } = await harness.bot.runtime.core.accounts.upsert(
    {
      id: seed.id ?? 'acme',
      name: 'Acme AG',
      expiresAt,
      provisioning,
      timezone,
      admins: seed.admins ?? ['U0ADMIN'],
    },
    'test',
  );
  await seedLocalAccount(harness.db.prisma, { accountId: account.id, expiresAt, provisioning });
  return account;
}
