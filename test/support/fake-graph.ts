import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { GraphClientOptions, GraphSettings } from '../../src/graph/graph-client.js';
import type { Logger } from '../../src/logger.js';
import {
  FakeDirectory,
  graphError,
  matchRoute,
  type FakeAnswer,
  type RecordedRequest,
  type RouteMatch,
} from './fake-graph-state.js';
import { testCertificate, trustingFetch } from './tls.js';

/** The bot's app registration as the fake knows it. */
export const FAKE_APP = {
  tenantId: 'b8a9c5d0-7d3e-4f61-9a39-5c2f1e0d4b11',
  clientId: '6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
  clientSecret: 'fake-client-secret-value',
};

/** A running fake of Entra sign-in and Graph v1.0 on one https port of 127.0.0.1. */
export interface FakeGraph {
  url: string;
  ca: string;
  directory: FakeDirectory;
  /** Settings pointing the real client at this fake (`config.graph`). */
  settings(overrides?: Partial<GraphSettings>): GraphSettings;
  /** Client options that trust the fake's certificate; short timeouts suit tests. */
  clientOptions(log: Logger, overrides?: Partial<GraphClientOptions>): GraphClientOptions;
  /** Replaces the directory with an empty one (records and faults included). */
  reset(): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function parseBody(text: string, type: string | undefined): unknown {
  if (text === '') return undefined;
  if (type?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(response: ServerResponse, answer: FakeAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body !== undefined) headers['content-type'] = 'application/json';
  response.writeHead(answer.status, headers);
  response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

/** Starts the fake; every test gets fresh state through `reset()`. */
export async function startFakeGraph(): Promise<FakeGraph> {
  const tls = await testCertificate();
  const issued = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let directory = new FakeDirectory();
  let url = '';

  // Sign-in: just enough OpenID metadata and a client-credentials token endpoint for MSAL.
  const login = (path: string, body: unknown): FakeAnswer | undefined => {
    const [, tenant, ...rest] = path.split('/');
    const where = rest.join('/');
    const base = `${url}/${tenant}`;
    if (where === 'v2.0/.well-known/openid-configuration') {
      const body = {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      };
      return { status: 200, body };
    }
    if (where === 'discovery/instance') {
      const endpoint = `${base}/v2.0/.well-known/openid-configuration`;
      return { status: 200, body: { tenant_discovery_endpoint: endpoint, metadata: [] } };
    }
    if (where !== 'oauth2/v2.0/token') return undefined;

    const form = body as Record<string, string>;
    if (tenant !== FAKE_APP.tenantId) {
      const description = `AADSTS90002: Tenant '${tenant}' not found.`;
      return { status: 400, body: { error: 'invalid_tenant', error_description: description } };
    }
    if (form.client_id !== FAKE_APP.clientId || form.client_secret !== FAKE_APP.clientSecret) {
      const description = 'AADSTS7000215: Invalid client secret provided.';
      return { status: 401, body: { error: 'invalid_client', error_description: description } };
    }
    const token = `fake-access-${issued.size + 1}`;
    issued.add(token);
    const answer = { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 };
    return { status: 200, body: { ...answer, access_token: token } };
  };

  const graph = (request: IncomingMessage, match: RouteMatch, body: unknown): FakeAnswer => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !issued.has(token)) {
      return { status: 401, body: graphError(401, 'Access token validation failure.') };
    }
    return directory.handle(match, body);
  };

  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const parsed = new URL(request.url ?? '/', url);
    const body = parseBody(await readBody(request), request.headers['content-type']);
    const method = request.method ?? 'GET';
    const isGraph = parsed.pathname.startsWith('/v1.0/');
    const isToken = parsed.pathname.endsWith('/oauth2/v2.0/token');
    const match: RouteMatch = isGraph
      ? matchRoute(method, parsed.pathname, parsed.searchParams)
      : { route: 'token' };

    // Metadata requests are not recorded: only calls a test could assert on are.
    const recorded: RecordedRequest | undefined =
      isGraph || isToken
        ? {
            method,
            route: match.route,
            path: parsed.pathname,
            query: Object.fromEntries(parsed.searchParams),
            body,
            servicePrincipalId: match.servicePrincipalId,
            jobId: match.jobId,
          }
        : undefined;
    const fault = recorded ? directory.receive(recorded) : undefined;

    const answer = (): FakeAnswer => {
      if (fault?.status) {
        const headers: Record<string, string> =
          fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
        return { status: fault.status, body: fault.body ?? graphError(fault.status), headers };
      }
      if (isGraph) return graph(request, match, body);
      return login(parsed.pathname, body) ?? { status: 404, body: graphError(404) };
    };

    if (!fault?.delayMs) return send(response, answer());
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!response.destroyed) send(response, answer());
    }, fault.delayMs);
    timers.add(timer);
  };

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    handler(request, response).catch((error: unknown) => {
      send(response, { status: 500, body: graphError(500, String(error)) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    ca: tls.cert,
    get directory() {
      return directory;
    },
    settings: (overrides = {}) => ({ ...FAKE_APP, apiUrl: url, authorityUrl: url, ...overrides }),
    clientOptions: (log, overrides = {}) => ({
      log,
      ca: tls.cert,
      fetch: trustingFetch(tls.cert),
      timeoutMs: 2000,
      ...overrides,
    }),
    reset: () => {
      directory = new FakeDirectory();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
