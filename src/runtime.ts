import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import { Accounts } from './core/accounts.js';
import { AuditTrail } from './core/audit.js';
import type { ChatChannels, Platform } from './core/chat.js';
import { Renewals } from './core/renewal.js';
import { SecretBox } from './core/secret-box.js';
import type { CoreServices } from './core/services.js';
import { StatusReader } from './core/status.js';
import { ExpirySweep } from './core/sweep.js';
import { openDatabase, type Database } from './db/database.js';
import { ErrorCode, TimlyRenewError } from './errors.js';
import { EntraService } from './graph/entra.js';
import { createGraphApi, type GraphClientOptions } from './graph/graph-client.js';
import type { Logger } from './logger.js';
import { HttpTokenService } from './token-service/client.js';
import { startLocalTokenService } from './token-service/local-server.js';
import type { TokenService } from './token-service/types.js';

/** Everything the commands and the server share, built once from the settings. */
export interface Runtime {
  config: Config;
  db: Database;
  core: CoreServices;
  channels: Map<Platform, ChatChannels>;
  sweep: ExpirySweep;
  tokenService: TokenService;
  /** True when the built-in local token service runs in this process. */
  localTokenService: boolean;
  /** Microsoft Graph, when GRAPH_* are set: applies tokens and watches provisioning. */
  entra?: EntraService;
  close(): Promise<void>;
}

// In embedded mode the key is made once and kept beside the database, readable by root only.
async function encryptionKey(config: Config, db: Database): Promise<Buffer> {
  if (config.secretEncryptionKey) return config.secretEncryptionKey;
  if (!db.embedded) {
    throw new TimlyRenewError(ErrorCode.ConfigInvalid, 'SECRET_ENCRYPTION_KEY is missing.');
  }
  const file = join(config.dataDir, 'secret-encryption-key');
  if (existsSync(file)) return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  const key = randomBytes(32);
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}

/** Opens the database, the token service and the core; the caller adds chat platforms. */
export async function createRuntime(
  config: Config,
  log: Logger,
  options: { database?: Database; graphClient?: Partial<GraphClientOptions> } = {},
): Promise<Runtime> {
  const db = options.database ?? (await openDatabase(config, log));
  const graphLog = log.child({ module: 'graph' });
  const entra = config.graph
    ? new EntraService({
        graph: createGraphApi(config.graph, { log: graphLog, ...options.graphClient }),
        prisma: db.prisma,
        log: graphLog,
      })
    : undefined;
  const closers: (() => Promise<void>)[] = [];

  let tokenService: TokenService;
  if (config.tokenService) {
    tokenService = new HttpTokenService({
      baseUrl: config.tokenService.url,
      apiKey: config.tokenService.apiKey,
      timeoutMs: config.tokenServiceTimeoutMs,
      log,
    });
  } else {
    const local = await startLocalTokenService({ prisma: db.prisma, log });
    closers.push(local.close);
    tokenService = new HttpTokenService({
      baseUrl: local.url,
      apiKey: local.apiKey,
      timeoutMs: config.tokenServiceTimeoutMs,
      log,
    });
  }

  const channels = new Map<Platform, ChatChannels>();
  const audit = new AuditTrail(db.prisma);
  const coreLog = log.child({ module: 'core' });
  const renewals = new Renewals({
    prisma: db.prisma,
    tokenService,
    channels,
    audit,
    secretBox: new SecretBox(await encryptionKey(config, db)),
    secretTtlHours: config.secretTtlHours,
    log: coreLog,
    entra,
  });
  const core: CoreServices = {
    prisma: db.prisma,
    accounts: new Accounts(db.prisma, audit),
    renewals,
    status: new StatusReader(db.prisma, audit, config.notifyHour),
    audit,
    log,
    background: (label, work) => {
      work().catch((error: Error) => coreLog.error({ task: label, err: error.message }, 'failed'));
    },
  };
  const sweep = new ExpirySweep(
    db.prisma,
    channels,
    audit,
    config.notifyHour,
    coreLog,
    async (account, destination, failure) => {
      // Admins hear of a channel that refuses the bot once, when it is marked broken.
      const platform = channels.get(destination.platform);
      const text =
        `The bot can no longer post the warnings of ${account.name} in channel ` +
        `${destination.channelId} (${failure.message}). Add the bot back and type ` +
        `\`connect ${account.id}\` there, or connect another channel.`;
      // The channel's reference lets Teams open a 1:1 chat with an admin it has not met yet.
      const base = { platform: destination.platform, conversationRef: destination.conversationRef };
      for (const admin of account.admins) {
        await platform?.sendDirect({ ...base, userId: admin }, text);
      }
    },
  );

  return {
    config,
    db,
    core,
    channels,
    sweep,
    tokenService,
    localTokenService: !config.tokenService,
    entra,
    close: async () => {
      for (const close of closers.reverse()) await close();
      if (!options.database) await db.close();
    },
  };
}
