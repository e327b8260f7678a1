import { randomBytes } from 'node:crypto';
import type { ProvisioningKind } from '../../src/domain/apps.js';
import { ErrorCode } from '../../src/errors.js';
import type {
  RenewedToken,
  TokenInfo,
  TokenService,
  TokenServiceFailure,
  TokenServiceResult,
} from '../../src/token-service/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** An account to seed into the fake; provisioning and SCIM URL have defaults. */
export interface FakeAccountSeed {
  accountId: string;
  expiresAt: Date;
  provisioning?: ProvisioningKind[];
  scimBaseUrl?: string;
}

/** One call of renew, as the fake saw it. */
export interface FakeRenewCall {
  accountId: string;
  idempotencyKey: string;
  /** False when the key was seen before and the earlier answer was replayed. */
  renewed: boolean;
}

type Method = 'getToken' | 'renew';

/** Default admin sentences for injected failures, so a test only has to name the code. */
const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.TokenServiceUnauthorized]: 'The fake token service rejected the API key.',
  [ErrorCode.TokenServiceNotFound]: 'The fake token service does not know this account.',
  [ErrorCode.TokenServiceConflict]: 'Another renewal of this token is already in progress.',
  [ErrorCode.TokenServiceRateLimited]: 'The fake token service is rate limiting requests.',
  [ErrorCode.TokenServiceUnavailable]: 'The fake token service is unavailable.',
  [ErrorCode.TokenServiceTimeout]: 'The fake token service did not answer in time.',
  [ErrorCode.TokenServiceBadResponse]: 'The fake token service sent an unreadable answer.',
};

/**
 * An in-memory TokenService with the same rules as the real ones: a token lives 365 days, the
 * same idempotency key gives the same answer and renews nothing, and a key belongs to one
 * account. Tests can seed accounts, read the renew calls, and make the next call fail.
 */
export class FakeTokenService implements TokenService {
  readonly renewCalls: FakeRenewCall[] = [];
  readonly getTokenCalls: string[] = [];

  private readonly accounts = new Map<string, TokenInfo & { liveToken?: string }>();
  private readonly answers = new Map<string, { accountId: string; renewed: RenewedToken }>();
  private readonly failures: { failure: TokenServiceFailure; on: Method | 'any' }[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Registers or replaces an account. */
  seedAccount(seed: FakeAccountSeed): void {
    this.accounts.set(seed.accountId, {
      accountId: seed.accountId,
      expiresAt: seed.expiresAt,
      provisioning: seed.provisioning ?? ['user'],
      scimBaseUrl: seed.scimBaseUrl ?? 'https://fake.timly.test/scim/v2',
    });
  }

  /**
   * Makes the next matching call fail with this failure instead of doing anything. Failures
   * queue up in order. Only `code` is required; the rest has defaults.
   */
  failNext(
    failure: Partial<TokenServiceFailure> & { code: ErrorCode },
    on: Method | 'any' = 'any',
  ): void {
    const message = failure.message ?? DEFAULT_MESSAGES[failure.code] ?? 'The fake failed.';
    this.failures.push({ failure: { outcomeUnknown: false, ...failure, message }, on });
  }

  /** The account's live token, as the last real renewal issued it. */
  liveToken(accountId: string): string | undefined {
    return this.accounts.get(accountId)?.liveToken;
  }

  /** Renewals that really renewed (replays left out). */
  get renewals(): FakeRenewCall[] {
    return this.renewCalls.filter((call) => call.renewed);
  }

  async getToken(accountId: string): Promise<TokenServiceResult<TokenInfo>> {
    this.getTokenCalls.push(accountId);
    const injected = this.takeFailure('getToken');
    if (injected) return { ok: false, failure: injected };

    const account = this.accounts.get(accountId);
    if (!account) return notFound(accountId);
    const { liveToken: _secret, ...info } = account;
    return { ok: true, value: { ...info, provisioning: [...info.provisioning] } };
  }

  async renew(
    accountId: string,
    idempotencyKey: string,
  ): Promise<TokenServiceResult<RenewedToken>> {
    const call = { accountId, idempotencyKey, renewed: false };
    this.renewCalls.push(call);
    const injected = this.takeFailure('renew');
    if (injected) return { ok: false, failure: injected };

    const account = this.accounts.get(accountId);
    if (!account) return notFound(accountId);

    const earlier = this.answers.get(idempotencyKey);
    if (earlier && earlier.accountId !== accountId) {
      const message = 'This idempotency key was used for another account.';
      const failure = { code: ErrorCode.TokenServiceConflict, message, outcomeUnknown: false };
      return { ok: false, failure: { ...failure, status: 409 } };
    }
    if (earlier) return { ok: true, value: { ...earlier.renewed } };

    const renewed = {
      token: `timly_fake_${randomBytes(16).toString('base64url')}`,
      expiresAt: new Date(this.now().getTime() + 365 * DAY_MS),
      scimBaseUrl: account.scimBaseUrl,
    };
    account.expiresAt = renewed.expiresAt;
    account.liveToken = renewed.token;
    this.answers.set(idempotencyKey, { accountId, renewed });
    call.renewed = true;
    return { ok: true, value: { ...renewed } };
  }

  private takeFailure(method: Method): TokenServiceFailure | undefined {
    const index = this.failures.findIndex((entry) => entry.on === 'any' || entry.on === method);
    if (index < 0) return undefined;
    return this.failures.splice(index, 1)[0]?.failure;
  }
}

function notFound<T>(accountId: string): TokenServiceResult<T> {
  const message = `The fake token service does not know account "${accountId}".`;
  const failure = { code: ErrorCode.TokenServiceNotFound, message, outcomeUnknown: false };
  return { ok: false, failure: { ...failure, status: 404 } };
}
