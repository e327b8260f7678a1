import type { ErrorCode } from '../errors.js';

/** Why one Graph call did not succeed; `message` is safe to show an admin and holds no secret. */
export interface GraphFailure {
  code: ErrorCode;
  message: string;
  status?: number;
  retryAfterSeconds?: number;
}

/** The outcome of one Graph call: expected faults are values, not exceptions. */
export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphFailure };

/** An enterprise app's service principal, as far as the bot needs it. */
export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
}

/** The error that put a provisioning job into quarantine. */
export interface SyncQuarantineError {
  code?: string;
  message?: string;
  tenantActionable?: boolean;
}

/** Why and since when a provisioning job is quarantined. */
export interface SyncQuarantine {
  reason?: string;
  seriesBegan?: string;
  currentBegan?: string;
  nextAttempt?: string;
  error?: SyncQuarantineError | null;
}

/** A provisioning (synchronization) job and its health. */
export interface SyncJob {
  id: string;
  templateId?: string;
  status: { code: string; quarantine?: SyncQuarantine | null };
}

/** One synchronization secret; the set holds SecretToken, BaseAddress and settings alike. */
export interface SyncSecret {
  key: string;
  value: string | null;
}

/** The Microsoft Graph calls the bot makes, and nothing more. */
export interface GraphApi {
  /** Service principals whose display name equals `displayName` exactly. */
  findServicePrincipalsByName(displayName: string): Promise<GraphResult<ServicePrincipal[]>>;
  /** One service principal by object id. */
  getServicePrincipal(id: string): Promise<GraphResult<ServicePrincipal>>;
  /** The provisioning jobs of one service principal. */
  listSyncJobs(servicePrincipalId: string): Promise<GraphResult<SyncJob[]>>;
  /** The full set of synchronization secrets of one service principal. */
  getSecrets(servicePrincipalId: string): Promise<GraphResult<SyncSecret[]>>;
  /** Replaces the whole set of synchronization secrets (keys left out are deleted). */
  putSecrets(servicePrincipalId: string, secrets: SyncSecret[]): Promise<GraphResult<void>>;
  /** Tests the saved credentials against the provisioning target ("Test connection"). */
  validateCredentials(servicePrincipalId: string, jobId: string): Promise<GraphResult<void>>;
  /** One provisioning job with its status. */
  getJob(servicePrincipalId: string, jobId: string): Promise<GraphResult<SyncJob>>;
  /** Restarts a provisioning job, lifting its quarantine. */
  restartJob(servicePrincipalId: string, jobId: string): Promise<GraphResult<void>>;
}

/** The Graph application permissions, by name, that the bot's calls need. */
export const GraphPermission = {
  readApps: 'Application.Read.All',
  readSync: 'Synchronization.Read.All',
  writeSync: 'Synchronization.ReadWrite.All',
  ownedBy: 'Application.ReadWrite.OwnedBy',
} as const;
