import { ErrorCode } from '../errors.js';
import { GraphPermission, type GraphFailure } from './types.js';

/** What one Graph call is for, so that a failure can say what was tried and what it needs. */
export interface GraphOperation {
  /** Method name, for log lines. */
  name: string;
  /** Completes "could not ...", e.g. "read the provisioning credentials of service principal X". */
  action: string;
  /** The least application permission the call needs. */
  permission: string;
  /** What a 404 means for this call. */
  notFound: string;
  /** Values that must never be echoed back, e.g. the secret token being written. */
  secrets?: readonly string[];
}

const credentialsHint = 'Check GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET.';

/** The permission as a sentence fragment, with the owner-only alternative where there is one. */
export function permissionText(permission: string): string {
  if (permission !== GraphPermission.writeSync) return permission;
  return (
    `${permission} (or ${GraphPermission.ownedBy} with the bot's app ` +
    'as an owner of the enterprise app)'
  );
}

/** Removes every occurrence of the given secret values from a text that may be shown or logged. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let clean = text;
  for (const secret of secrets) {
    // Short values would blank out ordinary words; real tokens are long.
    if (secret.length >= 6) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

// Graph and Entra put their explanation in the first line; trace ids and timestamps follow.
function firstLine(text: string, limit = 240): string {
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
}

/** Graph's own `error.code: error.message`, shortened, or '' when the body has none. */
export function graphErrorText(body: unknown, secrets?: readonly string[]): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') return '';
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? firstLine(error.message) : '';
  return scrub([code, message].filter(Boolean).join(': '), secrets);
}

/** Turns a non-2xx Graph answer into a failure that says what to do. */
export function failureFromStatus(
  op: GraphOperation,
  status: number,
  body: unknown,
  retries: number,
  retryAfterSeconds?: number,
): GraphFailure {
  const detail = graphErrorText(body, op.secrets);
  const because = detail ? ` (${detail})` : '';

  if (status === 401) {
    const message =
      `Microsoft Graph did not accept the bot's access token to ${op.action}${because}. ` +
      credentialsHint;
    return { code: ErrorCode.GraphUnauthorized, message, status };
  }
  if (status === 403) {
    const message =
      `The bot may not ${op.action}: its Graph app lacks the ` +
      `${permissionText(op.permission)} application permission. Add it under App ` +
      'registrations > API permissions and grant admin consent.';
    return { code: ErrorCode.GraphForbidden, message, status };
  }
  if (status === 404) {
    const message = `Could not ${op.action}: ${op.notFound}. Link the account again.`;
    return { code: ErrorCode.GraphNotFound, message, status };
  }
  if (status === 429 || (status === 503 && retryAfterSeconds !== undefined)) {
    const wait = retryAfterSeconds ?? 60;
    const after =
      retries === 0 ? '' : ` (still after ${retries} ${retries === 1 ? 'retry' : 'retries'})`;
    const message =
      `Microsoft Graph is throttling the bot${after} and could not ${op.action}; ` +
      `try again in ${wait} s.`;
    return { code: ErrorCode.GraphRateLimited, message, status, retryAfterSeconds: wait };
  }
  if (status >= 500) {
    const message = `Microsoft Graph failed (HTTP ${status}) to ${op.action}${because}; try again.`;
    return { code: ErrorCode.GraphUnavailable, message, status };
  }
  const message = `Microsoft Graph refused to ${op.action}${because || ` (HTTP ${status})`}.`;
  return { code: ErrorCode.GraphRejected, message, status };
}

/** The call took longer than the bot waits. */
export function failureFromTimeout(op: GraphOperation, timeoutMs: number): GraphFailure {
  const seconds = Math.round(timeoutMs / 100) / 10;
  const message =
    `Microsoft Graph did not answer within ${seconds} s, so the bot could not ${op.action}; ` +
    'try again later.';
  return { code: ErrorCode.GraphTimeout, message };
}

/** The call never reached Graph (DNS, TLS, refused connection). */
export function failureFromNetwork(
  op: GraphOperation,
  error: unknown,
  apiUrl: string,
): GraphFailure {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? 'unknown error';
  const message =
    `Could not reach Microsoft Graph at ${apiUrl} to ${op.action} ` +
    `(${firstLine(String(reason))}).`;
  return { code: ErrorCode.GraphUnavailable, message };
}

/** Graph answered 2xx with a body that does not have the documented shape. */
export function failureFromBody(op: GraphOperation, status: number): GraphFailure {
  const message = `Microsoft Graph answered an unexpected body when asked to ${op.action}.`;
  return { code: ErrorCode.GraphBadResponse, message, status };
}

/** Getting an access token from Entra failed; bad credentials are told apart from outages. */
export function failureFromToken(error: unknown, authorityUrl: string): GraphFailure {
  const typed = error as {
    name?: string;
    message?: string;
    statusCode?: number;
    errorResponse?: { error?: string; errorDescription?: string };
  };
  // @azure/identity wraps Entra's answer differently by version and flow; the AADSTS code and
  // its first sentence are in the description or the message either way.
  const text = `${typed.errorResponse?.errorDescription ?? ''}\n${typed.message ?? ''}`;
  const aadsts = /AADSTS\d+:[^.\n]*\.?/.exec(text)?.[0];
  if (aadsts) {
    const message = `Microsoft Entra refused the bot's Graph credentials (${aadsts}).`;
    const status = typed.statusCode;
    return { code: ErrorCode.GraphUnauthorized, message: `${message} ${credentialsHint}`, status };
  }
  if (typed.name === 'AbortError') {
    const message = `Microsoft Entra sign-in at ${authorityUrl} did not answer in time; try again.`;
    return { code: ErrorCode.GraphTimeout, message };
  }
  const message =
    `Could not get a Graph access token from ${authorityUrl} ` +
    `(${firstLine(typed.message ?? String(error))}).`;
  return { code: ErrorCode.GraphUnavailable, message, status: typed.statusCode };
}
