import { ErrorCode } from '../../src/errors.js';
import type {
  GraphApi,
  GraphFailure,
  GraphResult,
  ServicePrincipal,
  SyncJob,
  SyncSecret,
} from '../../src/graph/types.js';
import {
  FakeDirectory,
  graphError,
  permissionsFor,
  type FakeAnswer,
  type FakeRoute,
  type RouteMatch,
} from './fake-graph-state.js';

const CODES: Record<number, ErrorCode> = {
  401: ErrorCode.GraphUnauthorized,
  403: ErrorCode.GraphForbidden,
  404: ErrorCode.GraphNotFound,
  429: ErrorCode.GraphRateLimited,
};

function failure(answer: FakeAnswer, route: FakeRoute): GraphFailure {
  const error = (answer.body as { error?: { code?: string; message?: string } })?.error;
  const code =
    CODES[answer.status] ??
    (answer.status >= 500 ? ErrorCode.GraphUnavailable : ErrorCode.GraphRejected);
  const needs = answer.status === 403 ? ` (needs one of ${permissionsFor(route).join(', ')})` : '';
  const message = `Fake Graph answered ${answer.status}${needs}: ${error?.code}: ${error?.message}`;
  return { code, message, status: answer.status };
}

/**
 * An in-memory GraphApi over the same FakeDirectory as the https fake: for tests of code that
 * uses Entra without caring about HTTP. Faults are honoured except `delayMs` and retries.
 */
export class FakeGraphApi implements GraphApi {
  constructor(readonly directory: FakeDirectory = new FakeDirectory()) {}

  async findServicePrincipalsByName(displayName: string) {
    const filter = `displayName eq '${displayName.replace(/'/g, "''")}'`;
    const path = `/v1.0/servicePrincipals`;
    return this.call<{ value: ServicePrincipal[] }, ServicePrincipal[]>(
      'GET',
      path,
      { route: 'listServicePrincipals', filter },
      undefined,
      (body) => body.value,
    );
  }

  getServicePrincipal(id: string): Promise<GraphResult<ServicePrincipal>> {
    const route = { route: 'getServicePrincipal', servicePrincipalId: id } as const;
    const path = `/v1.0/servicePrincipals/${id}`;
    return this.call<ServicePrincipal, ServicePrincipal>('GET', path, route, undefined, (sp) => ({
      id: sp.id,
      appId: sp.appId,
      displayName: sp.displayName,
    }));
  }

  listSyncJobs(servicePrincipalId: string): Promise<GraphResult<SyncJob[]>> {
    const path = `/v1.0/servicePrincipals/${servicePrincipalId}/synchronization/jobs`;
    const route = { route: 'listJobs', servicePrincipalId } as const;
    return this.call<{ value: SyncJob[] }, SyncJob[]>('GET', path, route, undefined, (body) =>
      structuredClone(body.value),
    );
  }

  getSecrets(servicePrincipalId: string): Promise<GraphResult<SyncSecret[]>> {
    const path = `/v1.0/servicePrincipals/${servicePrincipalId}/synchronization/secrets`;
    const route = { route: 'getSecrets', servicePrincipalId } as const;
    return this.call<{ value: SyncSecret[] }, SyncSecret[]>('GET', path, route, undefined, (body) =>
      structuredClone(body.value),
    );
  }

  putSecrets(servicePrincipalId: string, secrets: SyncSecret[]): Promise<GraphResult<void>> {
    const path = `/v1.0/servicePrincipals/${servicePrincipalId}/synchronization/secrets`;
    const route = { route: 'putSecrets', servicePrincipalId } as const;
    return this.call('PUT', path, route, { value: structuredClone(secrets) }, () => undefined);
  }

  validateCredentials(servicePrincipalId: string, jobId: string): Promise<GraphResult<void>> {
    const path = `${this.jobPath(servicePrincipalId, jobId)}/validateCredentials`;
    const route = { route: 'validateCredentials', servicePrincipalId, jobId } as const;
    return this.call('POST', path, route, { useSavedCredentials: true }, () => undefined);
  }

  getJob(servicePrincipalId: string, jobId: string): Promise<GraphResult<SyncJob>> {
    const route = { route: 'getJob', servicePrincipalId, jobId } as const;
    return this.call('GET', this.jobPath(servicePrincipalId, jobId), route, undefined, (body) =>
      structuredClone(body as SyncJob),
    );
  }

  restartJob(servicePrincipalId: string, jobId: string): Promise<GraphResult<void>> {
    const path = `${this.jobPath(servicePrincipalId, jobId)}/restart`;
    const route = { route: 'restartJob', servicePrincipalId, jobId } as const;
    const body = { criteria: { resetScope: 'QuarantineState' } };
    return this.call('POST', path, route, body, () => undefined);
  }

  private jobPath(servicePrincipalId: string, jobId: string): string {
    return `/v1.0/servicePrincipals/${servicePrincipalId}/synchronization/jobs/${jobId}`;
  }

  private async call<B, T>(
    method: string,
    path: string,
    match: RouteMatch,
    body: unknown,
    pick: (body: B) => T,
  ): Promise<GraphResult<T>> {
    const query: Record<string, string> = match.filter ? { $filter: match.filter } : {};
    const fault = this.directory.receive({
      method,
      route: match.route,
      path,
      query,
      body,
      servicePrincipalId: match.servicePrincipalId,
      jobId: match.jobId,
    });
    const answer: FakeAnswer = fault?.status
      ? { status: fault.status, body: fault.body ?? graphError(fault.status) }
      : this.directory.handle(match, body);
    if (answer.status >= 300) return { ok: false, failure: failure(answer, match.route) };
    return { ok: true, value: pick(answer.body as B) };
  }
}
