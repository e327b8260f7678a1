// `npm test`: format check, type check, then jest in ESM mode against a real PostgreSQL.
// With DATABASE_URL set, test databases are created on that server; without it, an embedded
// PostgreSQL is started in a temporary folder for this run and removed afterwards.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  return result.status ?? 1;
}

function step(label, command, args) {
  process.stdout.write(`\n== ${label}\n`);
  const status = run(command, args);
  if (status !== 0) process.exit(status);
}

step('format (prettier --check)', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
step('types (tsc --noEmit)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);

let embedded;
let scratch;
const env = { ...process.env };
if (!env.DATABASE_URL) {
  const { startEmbeddedPostgres } = await import('../dist/db/embedded.js');
  // The temporary folder is reachable by the `postgres` user, which runs the server as root.
  scratch = mkdtempSync(join(tmpdir(), 'timly-renew-test-'));
  chmodSync(scratch, 0o755);
  process.stdout.write(`\n== no DATABASE_URL: starting an embedded PostgreSQL in ${scratch}\n`);
  // A throwaway server: durability is not needed, and every test file opens a few pools.
  const postgresFlags = ['-c', 'fsync=off', '-c', 'synchronous_commit=off'];
  postgresFlags.push('-c', 'full_page_writes=off', '-c', 'max_connections=300');
  embedded = await startEmbeddedPostgres(scratch, pino({ level: 'warn' }), {
    persistent: false,
    postgresFlags,
  });
  env.DATABASE_URL = embedded.url;
  env.TIMLY_TEST_EMBEDDED = '1';
}

process.stdout.write('\n== tests (jest)\n');
env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim();
const status = run(
  process.execPath,
  [join(root, 'node_modules/jest/bin/jest.js'), ...process.argv.slice(2)],
  env,
);

if (embedded) await embedded.stop();
if (scratch) rmSync(scratch, { recursive: true, force: true });
process.exit(status);
