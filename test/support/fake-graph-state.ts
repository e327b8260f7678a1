import { randomUUID } from 'node:crypto';
import type { SyncQuarantine, SyncSecret } from '../../src/graph/types.js';

/** The Graph calls the fakes know, plus the Entra token endpoint. */
export type FakeRoute =
  | 'token'
  | 'listServicePrincipals'
  | 'getServicePrincipal'
  | 'listJobs'
  | 'getJob'
  | 'getSecrets'
  | 'putSecrets'
  | 'validateCredentials'
  | 'restartJob'
  | 'unknown';

/** One request as a fake saw it, for assertions. */
export interface RecordedRequest {
  method: string;
  route: FakeRoute;
  path: string;
  query: Record<string, string>;
  body: unknown;
  servicePrincipalId?: string;
  jobId?: string;
}

/** A fault to inject into the next matching request(s). */
export interface Fault {
  status?: number;
  body?: unknown;
  retryAfter?: number | string;
  /** Wait this long before answering (the https fake only). */
  delayMs?: number;
  /** How many requests it hits; default 1. */
  times?: number;
  servicePrincipalId?: string;
}

/** A provisioning job inside a fake enterprise app. */
export interface FakeJob {
  id: string;
  templateId: string;
  status: { code: string; quarantine: SyncQuarantine | null };
}

/** A fake enterprise app: service principal, provisioning jobs and secrets. */
export interface FakeApp {
  id: string;
  appId: string;
  displayName: string;
  jobs: FakeJob[];
  secrets: SyncSecret[];
  /** What the app's SCIM endpoint says to a token during "Test connection". */
  acceptsToken: (token: string | null) => boolean;
}

/** The parsed address of one Graph request. */
export interface RouteMatch {
  route: FakeRoute;
  servicePrincipalId?: string;
  jobId?: string;
  filter?: string;
}

/** An HTTP-like answer of the fake directory. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Every permission the bot could have; a test removes some to see 403s. */
export const ALL_PERMISSIONS = ['Application.Read.All', 'Synchronization.ReadWrite.All'];

const ACCEPTED_BY: Partial<Record<FakeRoute, string[]>> = {
  listServicePrincipals: ['Application.Read.All', 'Application.ReadWrite.All'],
  getServicePrincipal: ['Application.Read.All', 'Application.ReadWrite.All'],
  listJobs: ['Synchronization.Read.All', 'Synchronization.ReadWrite.All'],
  getJob: ['Synchronization.Read.All', 'Synchronization.ReadWrite.All'],
  getSecrets: ['Synchronization.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
  putSecrets: ['Synchronization.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
  validateCredentials: ['Synchronization.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
  restartJob: ['Synchronization.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
};

/** The permissions any one of which lets the bot make a call. */
export function permissionsFor(route: FakeRoute): string[] {
  return ACCEPTED_BY[route] ?? [];
}

const ERROR_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'Request_ResourceNotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** A Graph-shaped error body. */
export function graphError(status: number, message = 'Injected by the fake.'): unknown {
  return { error: { code: ERROR_CODES[status] ?? 'UnknownError', message } };
}

const SP_PATH = /^\/v1\.0\/servicePrincipals(?:\/([^/]+))?(\/.*)?$/;

/** Maps a method and path (after the host) to a route. */
export function matchRoute(method: string, path: string, query: URLSearchParams): RouteMatch {
  const found = SP_PATH.exec(path);
  if (!found) return { route: 'unknown' };
  const servicePrincipalId = found[1] ? decodeURIComponent(found[1]) : undefined;
  const rest = found[2] ?? '';
  const job = /^\/synchronization\/jobs\/([^/]+)(\/\w+)?$/.exec(rest);
  const jobId = job?.[1] ? decodeURIComponent(job[1]) : undefined;

  const routes: [boolean, FakeRoute][] = [
    [method === 'GET' && !servicePrincipalId, 'listServicePrincipals'],
    [method === 'GET' && rest === '', 'getServicePrincipal'],
    [method === 'GET' && rest === '/synchronization/jobs', 'listJobs'],
    [method === 'GET' && Boolean(job) && !job?.[2], 'getJob'],
    [method === 'GET' && rest === '/synchronization/secrets', 'getSecrets'],
    [method === 'PUT' && rest === '/synchronization/secrets', 'putSecrets'],
    [method === 'POST' && job?.[2] === '/validateCredentials', 'validateCredentials'],
    [method === 'POST' && job?.[2] === '/restart', 'restartJob'],
  ];
  const route = routes.find(([hit]) => hit)?.[1] ?? 'unknown';
  return { route, servicePrincipalId, jobId, filter: query.get('$filter') ?? undefined };
}

/** The state of a fake Entra tenant, shared by the https fake and the in-memory fake. */
export class FakeDirectory {
  readonly apps = new Map<string, FakeApp>();
  readonly permissions = new Set<string>(ALL_PERMISSIONS);
  readonly requests: RecordedRequest[] = [];
  private faults: { route: FakeRoute; fault: Fault; left: number }[] = [];

  /** Adds an enterprise app with one provisioning job (unless `job: false`). */
  addApp(input: {
    displayName: string;
    id?: string;
    secrets?: SyncSecret[];
    job?: boolean;
    acceptsToken?: (token: string | null) => boolean;
  }): FakeApp {
    const id = input.id ?? randomUUID();
    const jobs =
      input.job === false
        ? []
        : [{ id: `scim.${id.slice(0, 8)}`, templateId: 'scim', status: active() }];
    const app: FakeApp = {
      id,
      appId: randomUUID(),
      displayName: input.displayName,
      jobs,
      secrets: (input.secrets ?? []).map((secret) => ({ ...secret })),
      acceptsToken: input.acceptsToken ?? (() => true),
    };
    this.apps.set(id, app);
    return app;
  }

  /** The app's one job (the fakes give each app at most one unless a test adds more). */
  jobOf(servicePrincipalId: string): FakeJob {
    const job = this.apps.get(servicePrincipalId)?.jobs[0];
    if (!job) throw new Error(`fake app ${servicePrincipalId} has no job`);
    return job;
  }

  /** The app's saved secret value for one key. */
  secret(servicePrincipalId: string, key: string): string | null | undefined {
    return this.apps.get(servicePrincipalId)?.secrets.find((secret) => secret.key === key)?.value;
  }

  /** Puts the app's job into quarantine, as Entra does after repeated failures. */
  quarantine(servicePrincipalId: string, quarantine: SyncQuarantine): void {
    const began = new Date().toISOString();
    this.jobOf(servicePrincipalId).status = {
      code: 'Quarantine',
      quarantine: { seriesBegan: began, currentBegan: began, ...quarantine },
    };
  }

  /** Lifts the quarantine, as Entra does once the cause is gone. */
  clearQuarantine(servicePrincipalId: string): void {
    this.jobOf(servicePrincipalId).status = active();
  }

  /** Makes the next `times` matching requests fail or stall. */
  fail(route: FakeRoute, fault: Fault): void {
    this.faults.push({ route, fault, left: fault.times ?? 1 });
  }

  /** Records a request and takes the fault it triggers, if any. */
  receive(request: RecordedRequest): Fault | undefined {
    this.requests.push(request);
    const entry = this.faults.find(
      (candidate) =>
        candidate.route === request.route &&
        candidate.left > 0 &&
        (!candidate.fault.servicePrincipalId ||
          candidate.fault.servicePrincipalId === request.servicePrincipalId),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.fault;
  }

  /** The recorded requests of one route. */
  requestsTo(route: FakeRoute): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  /** Answers one Graph request the way Graph v1.0 does. */
  handle(match: RouteMatch, body: unknown): FakeAnswer {
    if (match.route === 'unknown') return { status: 400, body: graphError(400, 'Unknown route.') };
    if (!permissionsFor(match.route).some((permission) => this.permissions.has(permission))) {
      return {
        status: 403,
        body: graphError(403, 'Insufficient privileges to complete the operation.'),
      };
    }
    if (match.route === 'listServicePrincipals') return this.list(match.filter);

    const app = match.servicePrincipalId ? this.apps.get(match.servicePrincipalId) : undefined;
    if (!app) {
      return {
        status: 404,
        body: graphError(404, `Resource '${match.servicePrincipalId}' does not exist.`),
      };
    }
    return this.handleApp(app, match, body);
  }

  private list(filter: string | undefined): FakeAnswer {
    const name = /^displayName eq '(.*)'$/.exec(filter ?? '')?.[1]?.replace(/''/g, "'");
    const value = [...this.apps.values()]
      .filter((app) => name === undefined || app.displayName === name)
      .map(({ id, appId, displayName }) => ({ id, appId, displayName }));
    return { status: 200, body: { value } };
  }

  private handleApp(app: FakeApp, match: RouteMatch, body: unknown): FakeAnswer {
    const { id, appId, displayName } = app;
    if (match.route === 'getServicePrincipal') {
      return { status: 200, body: { id, appId, displayName, servicePrincipalType: 'Application' } };
    }
    if (match.route === 'listJobs') return { status: 200, body: { value: app.jobs } };
    if (match.route === 'getSecrets') return { status: 200, body: { value: app.secrets } };
    if (match.route === 'putSecrets') return this.putSecrets(app, body);

    const job = app.jobs.find((candidate) => candidate.id === match.jobId);
    if (!job) return { status: 404, body: graphError(404, `Job '${match.jobId}' not found.`) };
    if (match.route === 'getJob') return { status: 200, body: job };
    if (match.route === 'validateCredentials') return this.validate(app, body);
    return this.restart(job, body);
  }

  private putSecrets(app: FakeApp, body: unknown): FakeAnswer {
    const value = (body as { value?: unknown })?.value;
    const valid =
      Array.isArray(value) && value.every((item) => typeof (item as SyncSecret)?.key === 'string');
    if (!valid) return { status: 400, body: graphError(400, 'value must be a list of secrets.') };
    app.secrets = (value as SyncSecret[]).map(({ key, value: secret }) => ({ key, value: secret }));
    return { status: 204 };
  }

  private validate(app: FakeApp, body: unknown): FakeAnswer {
    if ((body as { useSavedCredentials?: unknown })?.useSavedCredentials !== true) {
      return { status: 400, body: graphError(400, 'No credentials to validate.') };
    }
    const token = app.secrets.find((secret) => secret.key === 'SecretToken')?.value ?? null;
    if (app.acceptsToken(token)) return { status: 204 };
    const message =
      'Failed to validate credentials. Error code: ' +
      'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable. ' +
      'We received an HTTP 401 Unauthorized response from the tenant URL.';
    return { status: 400, body: graphError(400, message) };
  }

  private restart(job: FakeJob, body: unknown): FakeAnswer {
    const scope = (body as { criteria?: { resetScope?: string } })?.criteria?.resetScope ?? '';
    if (scope === '' || /QuarantineState|Full/.test(scope)) job.status = active();
    return { status: 204 };
  }
}

function active(): FakeJob['status'] {
  return { code: 'Active', quarantine: null };
}
