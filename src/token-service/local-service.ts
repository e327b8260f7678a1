import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { PrismaClient } from '../db/client.js';
import { enterpriseApps, type ProvisioningKind } from '../domain/apps.js';
import type { Logger } from '../logger.js';
import type { RenewedToken, TokenInfo } from './types.js';

/** How long a token issued by the local service lives, like one issued by Timly. */
export const LOCAL_TOKEN_LIFETIME_DAYS = 365;

/** The SCIM endpoint the local service reports when an account is registered without one. */
export const DEFAULT_SCIM_BASE_URL = 'https://api.timly.com/scim/v2';

const DAY_MS = 24 * 60 * 60 * 1000;
const TOKEN_PREFIX = 'timly_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Namespaces this module's advisory locks apart from any other lock taken in the same database.
const KEY_LOCK_CLASS = 71_402_152;

/** What a renewal request to the local store came to. */
export type LocalRenewOutcome =
  | { kind: 'renewed' | 'replayed'; renewed: RenewedToken }
  | { kind: 'not_found' }
  | { kind: 'conflict'; message: string };

/**
 * The local token service's state in PostgreSQL. It keeps only a SHA-256 hash of the live
 * token: the token itself is an HMAC of the account and the idempotency key under a service
 * key, so a replay can recompute it. Whoever can read the service key and the idempotency keys
 * from this database can therefore recompute tokens; that is acceptable for a stand-in service
 * and is what lets it answer replays without storing a secret.
 */
export class LocalTokenStore {
  private serviceKeyLoad: Promise<Buffer> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The account's token metadata, or undefined for an unknown account. */
  async getToken(accountId: string): Promise<TokenInfo | undefined> {
    const row = await this.prisma.localProvisionToken.findUnique({ where: { accountId } });
    if (!row) return undefined;
    return {
      accountId: row.accountId,
      expiresAt: row.expiresAt,
      provisioning: enterpriseApps(row.provisioning),
      scimBaseUrl: row.scimBaseUrl,
    };
  }

  /** Renews once per idempotency key; the same key again gives the same token, renews nothing. */
  async renew(accountId: string, idempotencyKey: string): Promise<LocalRenewOutcome> {
    const key = idempotencyKey.toLowerCase();
    const serviceKey = await this.serviceKey();

    // A key row is written once and never changes, so a replay needs no lock.
    const seen = await this.prisma.localRenewalKey.findUnique({ where: { idempotencyKey: key } });
    if (seen) return replay(seen, accountId, serviceKey);

    return this.prisma.$transaction(
      async (tx) => {
        // Requests with one key queue here, so each later one sees the first one's row.
        await tx.$queryRaw`SELECT 1 FROM pg_advisory_xact_lock(${KEY_LOCK_CLASS}::int,
          hashtext(${key}))`;
        const again = await tx.localRenewalKey.findUnique({ where: { idempotencyKey: key } });
        if (again) return replay(again, accountId, serviceKey);

        // A row locked by another transaction is a renewal with another key in progress. Here
        // "in progress" lasts only as long as that transaction, because this service renews in
        // one step; a service with slow renewals would need a stored in-progress mark instead.
        const locked = await tx.$queryRaw<{ scim_base_url: string }[]>`
          SELECT scim_base_url FROM local_provision_tokens
          WHERE account_id = ${accountId} FOR UPDATE SKIP LOCKED`;
        const row = locked[0];
        if (!row) return this.missingOrBusy(tx, accountId);

        const expiresAt = new Date(this.now().getTime() + LOCAL_TOKEN_LIFETIME_DAYS * DAY_MS);
        const token = deriveToken(serviceKey, accountId, key);
        await tx.localProvisionToken.update({
          where: { accountId },
          data: { expiresAt, tokenHash: hashToken(token) },
        });
        const scimBaseUrl = row.scim_base_url;
        await tx.localRenewalKey.create({
          data: { idempotencyKey: key, accountId, expiresAt, scimBaseUrl },
        });
        return { kind: 'renewed', renewed: { token, expiresAt, scimBaseUrl } };
      },
      { maxWait: 10_000, timeout: 10_000 },
    );
  }

  /** True when the token is the account's live one (an older token no longer is). */
  async isLiveToken(accountId: string, token: string): Promise<boolean> {
    const row = await this.prisma.localProvisionToken.findUnique({ where: { accountId } });
    if (!row?.tokenHash) return false;
    return sameText(row.tokenHash, hashToken(token));
  }

  private async missingOrBusy(
    tx: Pick<PrismaClient, 'localProvisionToken'>,
    accountId: string,
  ): Promise<LocalRenewOutcome> {
    const exists = await tx.localProvisionToken.count({ where: { accountId } });
    if (exists === 0) return { kind: 'not_found' };
    return { kind: 'conflict', message: 'A renewal with another key is in progress.' };
  }

  // Loaded once: the key never changes after it is first written.
  private serviceKey(): Promise<Buffer> {
    this.serviceKeyLoad ??= loadServiceKey(this.prisma).catch((error: unknown) => {
      this.serviceKeyLoad = undefined;
      throw error;
    });
    return this.serviceKeyLoad;
  }
}

function replay(
  seen: { accountId: string; idempotencyKey: string; expiresAt: Date; scimBaseUrl: string },
  accountId: string,
  serviceKey: Buffer,
): LocalRenewOutcome {
  if (seen.accountId !== accountId) {
    return { kind: 'conflict', message: 'This Idempotency-Key was used for another account.' };
  }
  const token = deriveToken(serviceKey, accountId, seen.idempotencyKey);
  return {
    kind: 'replayed',
    renewed: { token, expiresAt: seen.expiresAt, scimBaseUrl: seen.scimBaseUrl },
  };
}

// Insert-if-absent, then read: two processes starting at once end up with the same key.
async function loadServiceKey(prisma: PrismaClient): Promise<Buffer> {
  const fresh = randomBytes(32).toString('base64');
  await prisma.$executeRaw`INSERT INTO local_service_keys (id, key) VALUES (1, ${fresh})
    ON CONFLICT (id) DO NOTHING`;
  const row = await prisma.localServiceKey.findUniqueOrThrow({ where: { id: 1 } });
  return Buffer.from(row.key, 'base64');
}

/** The token the local service issues for one account and idempotency key. */
export function deriveToken(serviceKey: Buffer, accountId: string, idempotencyKey: string): string {
  const mac = createHmac('sha256', serviceKey).update(`${accountId}:${idempotencyKey}`);
  return TOKEN_PREFIX + mac.digest('base64url');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Hashing first gives equal lengths, which timingSafeEqual needs, and leaks no length.
function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** An account to register in the local token service. */
export interface LocalAccountSeed {
  accountId: string;
  expiresAt: Date;
  provisioning: readonly ProvisioningKind[];
  scimBaseUrl?: string;
}

/** Registers or updates an account in the local token service; its live token is kept. */
export async function seedLocalAccount(
  prisma: PrismaClient,
  seed: LocalAccountSeed,
): Promise<void> {
  const data = { expiresAt: seed.expiresAt, provisioning: enterpriseApps(seed.provisioning) };
  await prisma.localProvisionToken.upsert({
    where: { accountId: seed.accountId },
    create: {
      ...data,
      accountId: seed.accountId,
      scimBaseUrl: seed.scimBaseUrl ?? DEFAULT_SCIM_BASE_URL,
    },
    update: seed.scimBaseUrl === undefined ? data : { ...data, scimBaseUrl: seed.scimBaseUrl },
  });
}

/** Settings of the local token service's routes. */
export interface LocalTokenServiceOptions {
  prisma: PrismaClient;
  /** The bearer key every request must carry. */
  apiKey: string;
  log: Logger;
  now?: () => Date;
}

/** The token service's routes, served from the local store, as an express Router. */
export function createLocalTokenServiceRouter(options: LocalTokenServiceOptions): Router {
  const store = new LocalTokenStore(options.prisma, options.now);
  const log = options.log.child({ module: 'token-service', service: 'local' });
  const authorized = requireApiKey(options.apiKey);
  const router = express.Router();

  router.get('/accounts/:id/provision-token', authorized, async (req, res) => {
    const info = await store.getToken(accountIdOf(req));
    if (!info) return sendUnknownAccount(res, accountIdOf(req));
    res.json({ ...info, expiresAt: info.expiresAt.toISOString() });
  });

  router.post('/accounts/:id/provision-token/renew', authorized, async (req, res) => {
    const accountId = accountIdOf(req);
    const key = req.get('idempotency-key')?.trim() ?? '';
    if (!UUID.test(key)) {
      return sendError(res, 400, 'invalid_idempotency_key', 'Send an Idempotency-Key UUID.');
    }

    const outcome = await store.renew(accountId, key);
    if (outcome.kind === 'not_found') return sendUnknownAccount(res, accountId);
    if (outcome.kind === 'conflict') return sendError(res, 409, 'conflict', outcome.message);

    log.info({ accountId, replay: outcome.kind === 'replayed' }, 'provision token renewed');
    const { token, expiresAt, scimBaseUrl } = outcome.renewed;
    // The answer carries a secret: no cache may keep it.
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ token, expiresAt: expiresAt.toISOString(), scimBaseUrl });
  });

  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    log.error({ err: error, path: req.path }, 'local token service request failed');
    sendError(res, 500, 'internal', 'The local token service failed; see its log.');
  });
  return router;
}

function requireApiKey(apiKey: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match?.[1] !== undefined && sameText(match[1], apiKey)) return next();
    res.set('WWW-Authenticate', 'Bearer');
    sendError(res, 401, 'unauthorized', 'Send the API key as a bearer token.');
  };
}

function accountIdOf(req: Request): string {
  return String(req.params.id);
}

function sendUnknownAccount(res: Response, accountId: string): void {
  sendError(res, 404, 'not_found', `No account "${accountId}" in the local token service.`);
}

function sendError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message });
}
