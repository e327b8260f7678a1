/** Stable error codes: each names one problem; the message says how to fix it. */
export const ErrorCode = {
  ConfigInvalid: 'config_invalid',
  DatabaseUnavailable: 'database_unavailable',
  MigrationFailed: 'migration_failed',
  InvalidInput: 'invalid_input',
  AccountNotFound: 'account_not_found',
  NotAnAdmin: 'not_an_admin',
  TokenServiceUnauthorized: 'token_service_unauthorized',
  TokenServiceNotFound: 'token_service_not_found',
  TokenServiceConflict: 'token_service_conflict',
  TokenServiceRateLimited: 'token_service_rate_limited',
  TokenServiceUnavailable: 'token_service_unavailable',
  TokenServiceTimeout: 'token_service_timeout',
  TokenServiceBadResponse: 'token_service_bad_response',
  GraphNotConfigured: 'graph_not_configured',
  GraphForbidden: 'graph_forbidden',
  GraphNotFound: 'graph_not_found',
  GraphRateLimited: 'graph_rate_limited',
  GraphUnavailable: 'graph_unavailable',
  GraphUnauthorized: 'graph_unauthorized',
  GraphTimeout: 'graph_timeout',
  GraphRejected: 'graph_rejected',
  GraphBadResponse: 'graph_bad_response',
  GraphNotLinked: 'graph_not_linked',
  TokenUnreadable: 'token_unreadable',
  Unexpected: 'unexpected',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error with a stable code; its message is safe to show to an admin. */
export class TimlyRenewError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimlyRenewError';
    this.code = code;
  }
}

export function invalidInput(message: string): TimlyRenewError {
  return new TimlyRenewError(ErrorCode.InvalidInput, message);
}
