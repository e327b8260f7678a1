import { z } from 'zod';
import { enterpriseApps } from '../domain/apps.js';
import { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  RenewedToken,
  TokenInfo,
  TokenService,
  TokenServiceFailure,
  TokenServiceResult,
} from './types.js';

/** How long one call may take, in milliseconds, unless the constructor is given another. */
export const DEFAULT_TOKEN_SERVICE_TIMEOUT_MS = 10_000;

/** Settings of the HTTP client of the Timly token service. */
export interface HttpTokenServiceOptions {
  /** TOKEN_SERVICE_URL; a trailing slash is optional. */
  baseUrl: string;
  apiKey: string;
  log: Logger;
  timeoutMs?: number;
}

type Operation = 'getToken' | 'renew';

const isoDate = z
  .string()
  .datetime({ offset: true })
  .transform((text) => new Date(text));

const tokenInfoBody = z.object({
  accountId: z.string().min(1),
  expiresAt: isoDate,
  // Unknown kinds are dropped rather than refused, so a new kind in Timly breaks nothing here.
  provisioning: z.array(z.string()).transform((kinds) => enterpriseApps(kinds)),
  scimBaseUrl: z.string().url(),
});

const renewedTokenBody = z.object({
  token: z.string().min(1),
  expiresAt: isoDate,
  scimBaseUrl: z.string().url(),
});

/**
 * The Timly token service over HTTP. Every expected outcome comes back as a value; messages and
 * log lines never carry the token or the API key. `outcomeUnknown` is only ever true for
 * renew, because a failed read changes nothing.
 */
export class HttpTokenService implements TokenService {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly log: Logger;

  constructor(options: HttpTokenServiceOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TOKEN_SERVICE_TIMEOUT_MS;
    this.log = options.log.child({ module: 'token-service' });
  }

  /** Reads what the service knows about the account's token. */
  getToken(accountId: string): Promise<TokenServiceResult<TokenInfo>> {
    return this.call('getToken', accountId, tokenInfoBody, { method: 'GET' });
  }

  /** Renews the account's token once per idempotency key. */
  renew(accountId: string, idempotencyKey: string): Promise<TokenServiceResult<RenewedToken>> {
    const headers = { 'Idempotency-Key': idempotencyKey };
    return this.call('renew', accountId, renewedTokenBody, { method: 'POST', headers });
  }

  private async call<T>(
    operation: Operation,
    accountId: string,
    schema: z.ZodType<T, z.ZodTypeDef, unknown>,
    init: { method: string; headers?: Record<string, string> },
  ): Promise<TokenServiceResult<T>> {
    const maybeRenewed = operation === 'renew';

    // A path of only dots would be folded away by URL parsing and reach another route.
    if (/^\.{0,2}$/.test(accountId)) {
      const failure = { ...statusFailure(404, accountId, maybeRenewed), status: undefined };
      return this.fail(operation, accountId, failure);
    }

    // The signal also covers reading the body, so a service that stalls mid-answer times out.
    const started = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url(operation, accountId), {
        method: init.method,
        headers: {
          ...init.headers,
          Accept: 'application/json',
          Authorization: `Bearer ${this.apiKey}`,
        },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const failure = transportFailure(error, this.timeoutMs, maybeRenewed);
      return this.fail(operation, accountId, failure, { reason: transportReason(error) });
    }

    const expected = maybeRenewed ? [200, 201] : [200];
    if (!expected.includes(response.status)) {
      const failure = statusFailure(response.status, accountId, maybeRenewed, response.headers);
      return this.fail(operation, accountId, failure);
    }

    // The body is never logged: a half-readable renewal may still hold the secret.
    const parsed = parseBody(text, schema);
    if (!parsed.ok) {
      const failure = badBodyFailure(response.status, maybeRenewed);
      return this.fail(operation, accountId, failure, { problems: parsed.problems });
    }

    const ms = Date.now() - started;
    this.log.debug({ operation, accountId, status: response.status, ms }, 'token service call');
    return { ok: true, value: parsed.value };
  }

  private url(operation: Operation, accountId: string): string {
    const path = `/accounts/${encodeURIComponent(accountId)}/provision-token`;
    return `${this.baseUrl}${path}${operation === 'renew' ? '/renew' : ''}`;
  }

  private fail<T>(
    operation: Operation,
    accountId: string,
    failure: TokenServiceFailure,
    extra: Record<string, unknown> = {},
  ): TokenServiceResult<T> {
    const { code, status, outcomeUnknown, retryAfterSeconds } = failure;
    this.log.warn(
      { operation, accountId, code, status, outcomeUnknown, retryAfterSeconds, ...extra },
      'token service call failed',
    );
    return { ok: false, failure };
  }
}

function parseBody<T>(
  text: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
): { ok: true; value: T } | { ok: false; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['not JSON'] };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  // Paths and issue codes only: zod messages can quote the received value.
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`),
  };
}

const MAY_HAVE_RENEWED = 'so the token may or may not have been renewed';

function transportFailure(
  error: unknown,
  timeoutMs: number,
  maybeRenewed: boolean,
): TokenServiceFailure {
  const timedOut = field(error, 'name') === 'TimeoutError';
  if (timedOut) {
    const within = describeSeconds(Math.ceil(timeoutMs / 1000));
    const message = maybeRenewed
      ? `The Timly token service did not answer within ${within}, ${MAY_HAVE_RENEWED}; ` +
        'try again in a few minutes.'
      : `The Timly token service did not answer within ${within}; try again in a few minutes.`;
    return { code: ErrorCode.TokenServiceTimeout, message, outcomeUnknown: maybeRenewed };
  }

  const message = maybeRenewed
    ? 'The Timly token service dropped the connection or could not be reached, ' +
      `${MAY_HAVE_RENEWED}; try again in a few minutes.`
    : 'The Timly token service could not be reached; check TOKEN_SERVICE_URL and the network.';
  return { code: ErrorCode.TokenServiceUnavailable, message, outcomeUnknown: maybeRenewed };
}

/** A short, secret-free reason for a failed fetch, such as ECONNREFUSED. */
function transportReason(error: unknown): string {
  const code = field(field(error, 'cause'), 'code');
  if (typeof code === 'string') return code;
  const name = field(error, 'name');
  return typeof name === 'string' ? name : 'unknown';
}

// Fetch errors may come from another realm (a VM context), where `instanceof Error` is false.
function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<string, unknown>)[name];
}

function statusFailure(
  status: number,
  accountId: string,
  maybeRenewed: boolean,
  headers?: Headers,
): TokenServiceFailure {
  const plain = { status, outcomeUnknown: false };
  if (status === 401 || status === 403) {
    const message =
      "The Timly token service rejected the bot's API key; check TOKEN_SERVICE_API_KEY.";
    return { ...plain, code: ErrorCode.TokenServiceUnauthorized, message };
  }
  if (status === 404) {
    const message = `The Timly token service does not know account "${accountId}"; check its id.`;
    return { ...plain, code: ErrorCode.TokenServiceNotFound, message };
  }
  if (status === 409) {
    const message =
      'The Timly token service is already renewing this token for another request; wait a ' +
      'minute, then check the token before renewing again.';
    return { ...plain, code: ErrorCode.TokenServiceConflict, message };
  }
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(headers?.get('retry-after') ?? null);
    const when =
      retryAfterSeconds === undefined ? 'in a minute' : `in ${describeSeconds(retryAfterSeconds)}`;
    const message = `The Timly token service is rate limiting requests; try again ${when}.`;
    return { ...plain, code: ErrorCode.TokenServiceRateLimited, message, retryAfterSeconds };
  }
  if (status >= 500) {
    const message = maybeRenewed
      ? `The Timly token service had an error (HTTP ${status}), ${MAY_HAVE_RENEWED}; ` +
        'try again in a few minutes.'
      : `The Timly token service had an error (HTTP ${status}); try again in a few minutes.`;
    return {
      status,
      code: ErrorCode.TokenServiceUnavailable,
      message,
      outcomeUnknown: maybeRenewed,
    };
  }
  const message =
    `The Timly token service refused the request (HTTP ${status}); ` +
    'contact Timly support if this keeps happening.';
  return { ...plain, code: ErrorCode.TokenServiceBadResponse, message };
}

function badBodyFailure(status: number, maybeRenewed: boolean): TokenServiceFailure {
  const message = maybeRenewed
    ? `The Timly token service sent an answer the bot could not read, ${MAY_HAVE_RENEWED}; ` +
      'contact Timly support if this keeps happening.'
    : 'The Timly token service sent an answer the bot could not read; ' +
      'contact Timly support if this keeps happening.';
  return {
    status,
    code: ErrorCode.TokenServiceBadResponse,
    message,
    outcomeUnknown: maybeRenewed,
  };
}

/** Reads a Retry-After header (seconds or an HTTP date) as whole seconds from now. */
export function parseRetryAfter(value: string | null, now = new Date()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);

  // A date has a month or weekday name; without the check Date.parse would read "-5" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function describeSeconds(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds < 120) return plural(seconds, 'second');
  if (seconds < 2 * 3600) return plural(Math.ceil(seconds / 60), 'minute');
  return plural(Math.ceil(seconds / 3600), 'hour');
}
