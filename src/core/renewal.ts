import { randomUUID } from 'node:crypto';
import type { Account, PrismaClient } from '../db/client.js';
import { isUniqueViolation, type Prisma } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { TokenService, TokenServiceFailure } from '../token-service/types.js';
import { isAdmin } from './accounts.js';
import type { AuditTrail } from './audit.js';
import type { ChatActor, ChatChannels, Platform, PrivateRecipient } from './chat.js';
import { RenewalDelivery, type EntraApplier } from './renewal-delivery.js';
import {
  deliveryOf,
  leaseRenewal,
  releaseRenewal,
  type DeliveryRecord,
  type RenewalRow,
} from './renewal-store.js';
import { processReply } from './replies.js';
import type { SecretBox } from './secret-box.js';

/** A click on Renew or `renew ACCOUNT`. */
export interface RenewalRequest {
  accountId: string;
  actor: ChatActor;
  recipient: PrivateRecipient;
  /** The expiry of the token the clicked warning was about, to spot a stale button. */
  expectedExpiresAt?: Date;
}

/** Who holds (or held) the renewal that answers a second click. */
export interface RenewalHolder {
  renewalId: string;
  byName: string;
  byUserId: string;
  at: Date;
  state: string;
  newExpiresAt: Date | null;
  yours: boolean;
  /** Set when the token was just sent to its renewing admin once more. */
  shownAgain?: boolean;
}

const GIVE_UP_AFTER_MS = 24 * 3600_000;

export type RenewalOutcome =
  | { kind: 'started'; renewalId: string; account: Account }
  | { kind: 'unknown_account'; accountId: string }
  | { kind: 'not_admin'; account: Account }
  | { kind: 'in_progress'; account: Account; holder: RenewalHolder }
  | { kind: 'already_renewed'; account: Account; holder?: RenewalHolder };

/** What processing a renewal came to, for the caller's reply to the admin. */
export type ProcessOutcome =
  | { kind: 'busy' }
  | { kind: 'done'; state: string }
  | { kind: 'failed'; failure: TokenServiceFailure }
  | { kind: 'retrying'; failure: TokenServiceFailure };

export interface RenewalDeps {
  prisma: PrismaClient;
  tokenService: TokenService;
  channels: Map<Platform, ChatChannels>;
  audit: AuditTrail;
  secretBox: SecretBox;
  secretTtlHours: number;
  log: Logger;
  entra?: EntraApplier;
}

/**
 * Renewal as a stored, resumable process: a request claims the account's one open slot, the
 * token service is called with the renewal's one idempotency key, the new token is kept sealed
 * until the admin confirms Entra is updated or it lapses.
 */
export class Renewals {
  readonly delivery: RenewalDelivery;

  constructor(private readonly deps: RenewalDeps) {
    this.delivery = new RenewalDelivery(deps);
  }

  async request(request: RenewalRequest): Promise<RenewalOutcome> {
    const { prisma, audit } = this.deps;
    const account = await prisma.account.findUnique({ where: { id: request.accountId } });
    if (!account) return { kind: 'unknown_account', accountId: request.accountId };

    if (!isAdmin(account, request.actor)) {
      await audit.record(account.id, request.actor.name, 'renewal_refused', {
        reason: 'not an admin',
        userId: request.actor.userId,
      });
      return { kind: 'not_admin', account };
    }

    const expected = request.expectedExpiresAt;
    if (expected && expected.getTime() !== account.expiresAt.getTime()) {
      return { kind: 'already_renewed', account, holder: await this.holderOf(expected, request) };
    }

    const renewalId = await this.claim(account, request);
    if (!renewalId) {
      const open = await prisma.renewal.findUnique({ where: { activeKey: account.id } });
      if (!open) return this.request(request);
      const held = holder(open, request.actor);
      // The renewing admin asking again most likely lost the token: show it once more.
      if (held.yours && open.secretSealed) {
        const again = await this.delivery.showAgain(open.id, request.actor, request.recipient);
        held.shownAgain = again.kind === 'ok';
      }
      return { kind: 'in_progress', account, holder: held };
    }

    await audit.record(account.id, request.actor.name, 'renewal_requested', {
      renewalId,
      userId: request.actor.userId,
      platform: request.actor.platform,
    });
    return { kind: 'started', renewalId, account };
  }

  /** Runs a renewal as far as it can go now; safe to call again, from any process. */
  async process(renewalId: string): Promise<ProcessOutcome> {
    const renewal = await leaseRenewal(this.deps.prisma, renewalId, ['requested', 'renewed']);
    if (!renewal) return { kind: 'busy' };

    try {
      if (renewal.state === 'requested') {
        const outcome = await this.callTokenService(renewal);
        if (outcome) return outcome;
      }
      const state = await this.delivery.deliverFirst(renewalId);
      return { kind: 'done', state };
    } finally {
      await releaseRenewal(this.deps.prisma, renewalId);
    }
  }

  /** Resumes every renewal a crash or a passing fault left open; run at start and on a timer. */
  async resumeOpen(now = new Date()): Promise<number> {
    const open = await this.deps.prisma.renewal.findMany({
      where: {
        OR: [
          {
            state: 'requested',
            OR: [{ retryAfter: null }, { retryAfter: { lte: now } }],
          },
          { state: 'renewed', failureCode: null },
        ],
      },
      select: { id: true },
    });
    // Nobody is waiting on a chat request here, so a final failure is sent to the requester.
    for (const { id } of open) {
      // One renewal that cannot go on (say, sealed under an old key) must not block the rest.
      const outcome = await this.process(id).catch((error: Error) => {
        this.deps.log.error({ renewalId: id, err: error.message }, 'renewal could not go on');
        return undefined;
      });
      if (!outcome) continue;
      if (outcome.kind !== 'failed') continue;
      const renewal = await this.deps.prisma.renewal.findUniqueOrThrow({ where: { id } });
      await this.delivery.tellRequester(renewal, processReply(outcome) ?? outcome.failure.message);
    }
    return open.length;
  }

  private async claim(account: Account, request: RenewalRequest): Promise<string | undefined> {
    const delivery: DeliveryRecord = { recipient: request.recipient };
    try {
      const row = await this.deps.prisma.renewal.create({
        data: {
          accountId: account.id,
          activeKey: account.id,
          replacesExpiresAt: account.expiresAt,
          idempotencyKey: randomUUID(),
          state: 'requested',
          platform: request.actor.platform,
          requestedBy: request.actor.userId,
          requestedByName: request.actor.name,
          delivery: delivery as unknown as Prisma.InputJsonValue,
        },
      });
      return row.id;
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  private async holderOf(
    replacedExpiresAt: Date,
    request: RenewalRequest,
  ): Promise<RenewalHolder | undefined> {
    const row = await this.deps.prisma.renewal.findFirst({
      where: {
        accountId: request.accountId,
        replacesExpiresAt: replacedExpiresAt,
        state: { not: 'failed' },
      },
      orderBy: { createdAt: 'desc' },
    });
    return row ? holder(row, request.actor) : undefined;
  }

  // Returns an outcome when the renewal stops here; undefined when the token was renewed.
  private async callTokenService(renewal: RenewalRow): Promise<ProcessOutcome | undefined> {
    const { prisma, tokenService, secretBox, audit, log } = this.deps;
    const result = await tokenService.renew(renewal.accountId, renewal.idempotencyKey);

    if (!result.ok) return this.recordFailure(renewal, result.failure);

    const renewedAt = new Date();
    const lapsesAt = new Date(renewedAt.getTime() + this.deps.secretTtlHours * 3600_000);
    await prisma.$transaction([
      prisma.renewal.update({
        where: { id: renewal.id },
        data: {
          state: 'renewed',
          renewedAt,
          newExpiresAt: result.value.expiresAt,
          scimBaseUrl: result.value.scimBaseUrl,
          secretSealed: secretBox.seal(result.value.token, renewal.id),
          secretLapsesAt: lapsesAt,
          failureCode: null,
          failureMessage: null,
          retryAfter: null,
        },
      }),
      prisma.account.update({
        where: { id: renewal.accountId },
        data: { expiresAt: result.value.expiresAt, scimBaseUrl: result.value.scimBaseUrl },
      }),
    ]);

    log.info({ renewalId: renewal.id, accountId: renewal.accountId }, 'token renewed');
    await audit.record(renewal.accountId, renewal.requestedByName, 'token_renewed', {
      renewalId: renewal.id,
      newExpiresAt: result.value.expiresAt.toISOString(),
    });
    return undefined;
  }

  private async recordFailure(
    renewal: RenewalRow,
    failure: TokenServiceFailure,
  ): Promise<ProcessOutcome> {
    const { prisma, audit, log } = this.deps;
    const retry = failure.outcomeUnknown || failure.retryAfterSeconds !== undefined;
    const detail = { renewalId: renewal.id, code: failure.code, status: failure.status };
    log.warn({ ...detail, retry }, 'token service did not renew');

    // An unknown outcome is retried with the same key, so the service never renews twice; after
    // a day of that the slot is given back, so that someone can renew again at all.
    const givenUp = Date.now() - renewal.createdAt.getTime() > GIVE_UP_AFTER_MS;
    if (givenUp) {
      failure = {
        ...failure,
        message:
          'The token service has not confirmed this renewal for a day. Check the token in ' +
          'Timly before you renew again.',
      };
    }
    if (retry && !givenUp) {
      // Backs off 30 s, 60 s, 120 s … up to an hour, unless the service names its own wait.
      const backoff = Math.min(30 * 2 ** Math.max(renewal.attempts - 1, 0), 3600);
      const wait = Math.max(failure.retryAfterSeconds ?? backoff, 5);
      await prisma.renewal.update({
        where: { id: renewal.id },
        data: {
          failureCode: failure.code,
          failureMessage: failure.message,
          retryAfter: new Date(Date.now() + wait * 1000),
        },
      });
      return { kind: 'retrying', failure };
    }

    await prisma.renewal.update({
      where: { id: renewal.id },
      data: {
        state: 'failed',
        activeKey: null,
        failureCode: failure.code,
        failureMessage: failure.message,
      },
    });
    await audit.record(renewal.accountId, renewal.requestedByName, 'renewal_failed', detail);
    return { kind: 'failed', failure };
  }
}

function holder(row: RenewalRow, actor: ChatActor): RenewalHolder {
  return {
    renewalId: row.id,
    byName: row.requestedByName,
    byUserId: row.requestedBy,
    at: row.renewedAt ?? row.createdAt,
    state: row.state,
    newExpiresAt: row.newExpiresAt,
    yours: row.requestedBy === actor.userId && row.platform === actor.platform,
  };
}
