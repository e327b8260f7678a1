import type { ErrorCode } from '../errors.js';
import type { ProvisioningKind } from '../domain/apps.js';

/** What the token service says about an account's token; never the secret itself. */
export interface TokenInfo {
  accountId: string;
  expiresAt: Date;
  provisioning: ProvisioningKind[];
  scimBaseUrl: string;
}

/** The answer to a renewal: the new secret token, shown to one admin only. */
export interface RenewedToken {
  token: string;
  expiresAt: Date;
  scimBaseUrl: string;
}

/** An expected failure of a token service call, with a sentence fit for an admin. */
export interface TokenServiceFailure {
  code: ErrorCode;
  message: string;
  /** True when the service may have renewed anyway (timeout, dropped connection, 5xx). */
  outcomeUnknown: boolean;
  retryAfterSeconds?: number;
  status?: number;
}

export type TokenServiceResult<T> =
  { ok: true; value: T } | { ok: false; failure: TokenServiceFailure };

/** The Timly token service, as the core sees it. */
export interface TokenService {
  getToken(accountId: string): Promise<TokenServiceResult<TokenInfo>>;
  /** Renews once per idempotency key; the same key again returns the same token. */
  renew(accountId: string, idempotencyKey: string): Promise<TokenServiceResult<RenewedToken>>;
}
