// Benchmark: one expiry sweep over many accounts, against a real PostgreSQL.
// Usage: npm run build && DATABASE_URL=postgres://... node bench/sweep.mjs [accounts]
// Without DATABASE_URL an embedded PostgreSQL is started in a temporary folder.
// Prints wall times and the process's peak memory; the chat side is an in-memory stand-in, so
// the figures are the bot's own work (queries, threshold arithmetic), not Slack's latency.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { AuditTrail } from '../dist/core/audit.js';
import { ExpirySweep } from '../dist/core/sweep.js';
import { createPrismaClient } from '../dist/db/client.js';
import { startEmbeddedPostgres } from '../dist/db/embedded.js';
import { migrateDatabase } from '../dist/db/migrate.js';

const count = Number(process.argv[2] ?? 2000);
const log = pino({ level: 'warn' });

let embedded;
let scratch;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  scratch = mkdtempSync(join(tmpdir(), 'timly-renew-bench-'));
  chmodSync(scratch, 0o755);
  embedded = await startEmbeddedPostgres(scratch, log, { persistent: false });
  serverUrl = embedded.url;
}

const name = `timly_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
await migrateDatabase(url.toString(), log);
const prisma = createPrismaClient(url.toString());

// Accounts whose tokens expire over the coming 90 days: about two thirds have a warning due.
const now = new Date();
const accounts = Array.from({ length: count }, (_, i) => ({
  id: `acct-${i}`,
  name: `Account ${i}`,
  expiresAt: new Date(now.getTime() + ((i % 90) + 1) * 86_400_000),
  provisioning: ['user', 'person'],
  timezone: ['Europe/Zurich', 'America/New_York', 'Asia/Tokyo'][i % 3],
  admins: ['U0ADMIN'],
}));
await prisma.account.createMany({ data: accounts });
await prisma.destination.createMany({
  data: accounts.map((a) => ({
    accountId: a.id,
    platform: 'slack',
    channelId: 'C1',
    connectedBy: 'U0ADMIN',
  })),
});

let posted = 0;
const channels = new Map([
  [
    'slack',
    {
      platform: 'slack',
      postWarning: async () => ({ ok: true, value: String(++posted) }),
    },
  ],
]);
const sweep = new ExpirySweep(prisma, channels, new AuditTrail(prisma), 9, log);

async function timed(label, work) {
  const start = process.hrtime.bigint();
  const report = await work();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms  posted ${report.posted.length}`,
  );
}

console.log(`accounts: ${count}`);
await timed('first sweep (posts every due warning)', () => sweep.run({ now }));
await timed('second sweep (nothing new to post)', () => sweep.run({ now }));
await timed('dry run', () => sweep.run({ now, dryRun: true }));
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

await prisma.$disconnect();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.end();
if (embedded) await embedded.stop();
if (scratch) rmSync(scratch, { recursive: true, force: true });
