import { setTimeout as sleep } from 'node:timers/promises';
import { ClientSecretCredential } from '@azure/identity';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import {
  failureFromBody,
  failureFromNetwork,
  failureFromStatus,
  failureFromTimeout,
  failureFromToken,
  type GraphOperation,
} from './graph-failures.js';
import {
  jobSchema,
  listOf,
  parseJson,
  retryAfterSeconds,
  secretSchema,
  servicePrincipalSchema,
} from './graph-wire.js';
import {
  GraphPermission,
  type GraphApi,
  type GraphResult,
  type ServicePrincipal,
  type SyncJob,
  type SyncSecret,
} from './types.js';

/** The bot's Graph app registration and endpoints, as in `config.graph`. */
export interface GraphSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
  authorityUrl: string;
}

/** Tuning of the real client; every default suits production. */
export interface GraphClientOptions {
  log: Logger;
  /** Per request, token included. Default 15 s. */
  timeoutMs?: number;
  /** Retries of a throttled request (429, or 503 with Retry-After). Default 3. */
  maxRetries?: number;
  /** Longest wait between retries, whatever Retry-After says. Default 30 s. */
  maxRetryWaitSeconds?: number;
  /** Transport for Graph calls; tests pass one that trusts their CA. Default: global fetch. */
  fetch?: typeof fetch;
  /** An extra CA for the sign-in endpoint (tests); pair it with a `fetch` that trusts it too. */
  ca?: string;
}

const DEFAULTS = { timeoutMs: 15_000, maxRetries: 3, maxRetryWaitSeconds: 30 } as const;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Microsoft Graph over fetch, authenticated as the bot's app with a client secret. */
class GraphClient implements GraphApi {
  private readonly credential: ClientSecretCredential;
  private readonly base: string;
  private readonly scope: string;
  private readonly log: Logger;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryWaitSeconds: number;

  constructor(
    private readonly settings: GraphSettings,
    options: GraphClientOptions,
  ) {
    const apiUrl = settings.apiUrl.replace(/\/+$/, '');
    this.base = `${apiUrl}/v1.0`;
    this.scope = `${apiUrl}/.default`;
    this.log = options.log.child({ module: 'graph' });
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.maxRetries = options.maxRetries ?? DEFAULTS.maxRetries;
    this.maxRetryWaitSeconds = options.maxRetryWaitSeconds ?? DEFAULTS.maxRetryWaitSeconds;

    // Our own loop handles retries; the credential's would add seconds to every outage.
    this.credential = new ClientSecretCredential(
      settings.tenantId,
      settings.clientId,
      settings.clientSecret,
      {
        authorityHost: settings.authorityUrl,
        disableInstanceDiscovery: true,
        retryOptions: { maxRetries: 0 },
        ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
      },
    );
  }

  async findServicePrincipalsByName(displayName: string) {
    const filter = `displayName eq '${displayName.replace(/'/g, "''")}'`;
    const query = `$filter=${encodeURIComponent(filter)}&$select=id,appId,displayName`;
    const op: GraphOperation = {
      name: 'findServicePrincipalsByName',
      action: `search for enterprise apps named "${displayName}"`,
      permission: GraphPermission.readApps,
      notFound: 'Graph has no service principals here (check GRAPH_API_URL)',
    };
    const list = await this.call(op, 'GET', `/servicePrincipals?${query}`, {
      schema: listOf(servicePrincipalSchema),
    });
    return list.ok ? { ok: true as const, value: list.value.value as ServicePrincipal[] } : list;
  }

  getServicePrincipal(id: string): Promise<GraphResult<ServicePrincipal>> {
    const op = this.spOp('getServicePrincipal', id, 'read', {
      permission: GraphPermission.readApps,
      notFound:
        `no service principal has the object id ${id} (deleted, or an Application ID ` +
        "was given instead of the enterprise app's Object ID?)",
    });
    return this.call(op, 'GET', this.spPath(id), { schema: servicePrincipalSchema });
  }

  async listSyncJobs(servicePrincipalId: string) {
    const op = this.spOp('listSyncJobs', servicePrincipalId, 'list the provisioning jobs of', {
      permission: GraphPermission.readSync,
    });
    const path = `${this.spPath(servicePrincipalId)}/synchronization/jobs`;
    const list = await this.call(op, 'GET', path, { schema: listOf(jobSchema) });
    return list.ok ? { ok: true as const, value: list.value.value as SyncJob[] } : list;
  }

  async getSecrets(servicePrincipalId: string) {
    const op = this.spOp('getSecrets', servicePrincipalId, 'read the provisioning credentials of');
    const path = `${this.spPath(servicePrincipalId)}/synchronization/secrets`;
    const list = await this.call(op, 'GET', path, { schema: listOf(secretSchema) });
    return list.ok ? { ok: true as const, value: list.value.value as SyncSecret[] } : list;
  }

  putSecrets(servicePrincipalId: string, secrets: SyncSecret[]): Promise<GraphResult<void>> {
    const op = this.spOp('putSecrets', servicePrincipalId, 'save the provisioning credentials of');
    // Only credential values are hidden; the Tenant URL in an error message helps the admin.
    op.secrets = secrets
      .filter((secret) => /token|secret|password|key/i.test(secret.key))
      .map((secret) => secret.value ?? '');
    const path = `${this.spPath(servicePrincipalId)}/synchronization/secrets`;
    return this.call(op, 'PUT', path, { body: { value: secrets } });
  }

  validateCredentials(servicePrincipalId: string, jobId: string): Promise<GraphResult<void>> {
    const op = this.jobOp(
      'validateCredentials',
      servicePrincipalId,
      jobId,
      'test the connection of',
    );
    const path = `${this.jobPath(servicePrincipalId, jobId)}/validateCredentials`;
    return this.call(op, 'POST', path, { body: { useSavedCredentials: true } });
  }

  getJob(servicePrincipalId: string, jobId: string): Promise<GraphResult<SyncJob>> {
    const op = this.jobOp('getJob', servicePrincipalId, jobId, 'read the status of', {
      permission: GraphPermission.readSync,
    });
    return this.call(op, 'GET', this.jobPath(servicePrincipalId, jobId), { schema: jobSchema });
  }

  restartJob(servicePrincipalId: string, jobId: string): Promise<GraphResult<void>> {
    const op = this.jobOp('restartJob', servicePrincipalId, jobId, 'restart');
    const path = `${this.jobPath(servicePrincipalId, jobId)}/restart`;
    // QuarantineState lifts the quarantine without re-provisioning every user (Full would).
    const body = { criteria: { resetScope: 'QuarantineState' } };
    return this.call(op, 'POST', path, { body });
  }

  private spPath(id: string): string {
    return `/servicePrincipals/${encodeURIComponent(id)}`;
  }

  private jobPath(servicePrincipalId: string, jobId: string): string {
    const job = encodeURIComponent(jobId);
    return `${this.spPath(servicePrincipalId)}/synchronization/jobs/${job}`;
  }

  private spOp(
    name: string,
    id: string,
    verb: string,
    extra: Partial<GraphOperation> = {},
  ): GraphOperation {
    return {
      name,
      action: `${verb} service principal ${id}`,
      permission: GraphPermission.writeSync,
      notFound: `service principal ${id} no longer exists (the enterprise app was deleted?)`,
      ...extra,
    };
  }

  private jobOp(
    name: string,
    servicePrincipalId: string,
    jobId: string,
    verb: string,
    extra: Partial<GraphOperation> = {},
  ): GraphOperation {
    return {
      name,
      action: `${verb} provisioning job ${jobId} of service principal ${servicePrincipalId}`,
      permission: GraphPermission.writeSync,
      notFound:
        `provisioning job ${jobId} or service principal ${servicePrincipalId} no longer ` +
        'exists (provisioning was reset or the enterprise app deleted?)',
      ...extra,
    };
  }

  /** One Graph call with throttling retries; every outcome comes back as a value. */
  private async call<T = void>(
    op: GraphOperation,
    method: string,
    path: string,
    spec: { body?: unknown; schema?: z.ZodType<T, z.ZodTypeDef, unknown> },
  ): Promise<GraphResult<T>> {
    for (let retries = 0; ; retries += 1) {
      const token = await this.accessToken();
      if (!token.ok) return token;

      const sent = await this.send(op, method, path, spec.body, token.value);
      if (!sent.ok) return sent;
      const { status, headers, body } = sent.value;

      if (status >= 200 && status < 300) {
        if (!spec.schema) return { ok: true, value: undefined as T };
        const parsed = spec.schema.safeParse(body);
        if (parsed.success) return { ok: true, value: parsed.data };
        return { ok: false, failure: failureFromBody(op, status) };
      }

      // Graph throttles with 429, and some workloads with 503 plus Retry-After.
      const retryAfter = retryAfterSeconds(headers.get('retry-after'));
      const throttled = status === 429 || (status === 503 && retryAfter !== undefined);
      if (throttled && retries < this.maxRetries) {
        const waitSeconds = Math.min(retryAfter ?? 2 ** retries, this.maxRetryWaitSeconds);
        this.log.warn({ op: op.name, status, waitSeconds, retry: retries + 1 }, 'graph throttled');
        await sleep(waitSeconds * 1000);
        continue;
      }
      return { ok: false, failure: failureFromStatus(op, status, body, retries, retryAfter) };
    }
  }

  private async accessToken(): Promise<GraphResult<string>> {
    try {
      const abortSignal = AbortSignal.timeout(this.timeoutMs);
      const token = await this.credential.getToken(this.scope, { abortSignal });
      if (token) return { ok: true, value: token.token };
      throw new Error('the credential returned no token');
    } catch (error) {
      const failure = failureFromToken(error, this.settings.authorityUrl);
      this.log.warn({ code: failure.code, status: failure.status }, 'graph token failed');
      return { ok: false, failure };
    }
  }

  private async send(
    op: GraphOperation,
    method: string,
    path: string,
    body: unknown,
    token: string,
  ): Promise<GraphResult<Answer>> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const started = Date.now();
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';

    try {
      const response = await this.fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      const raw = await response.text();
      const status = response.status;
      this.log.debug({ op: op.name, method, status, ms: Date.now() - started }, 'graph call');
      return { ok: true, value: { status, headers: response.headers, body: parseJson(raw) } };
    } catch (error) {
      const failure = controller.signal.aborted
        ? failureFromTimeout(op, this.timeoutMs)
        : failureFromNetwork(op, error, this.settings.apiUrl);
      this.log.warn({ op: op.name, method, code: failure.code }, 'graph call failed');
      return { ok: false, failure };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Builds the real Graph client; the credential is made once here and caches its token. */
export function createGraphApi(settings: GraphSettings, options: GraphClientOptions): GraphApi {
  return new GraphClient(settings, options);
}
