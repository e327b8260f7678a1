import type { ProvisioningKind } from '../domain/apps.js';
import type { Threshold } from '../domain/thresholds.js';

/** The chat platforms the bot speaks on. */
export type Platform = 'slack' | 'teams';

/** A channel connected to an account, as stored. */
export interface DestinationRef {
  id: string;
  platform: Platform;
  channelId: string;
  teamId?: string | null;
  conversationRef?: unknown;
}

/** Who asked for something in chat, with every id an admin entry may name. */
export interface ChatActor {
  platform: Platform;
  userId: string;
  name: string;
  email?: string;
  aadObjectId?: string;
}

/** Where a private message for one admin goes; stored with the renewal to survive restarts. */
export interface PrivateRecipient {
  platform: Platform;
  userId: string;
  /** Slack: the channel the admin clicked in, for an ephemeral message there. */
  channelId?: string;
  /** Teams: the conversation reference of the admin's 1:1 chat or of the channel. */
  conversationRef?: unknown;
}

export interface AppView {
  kind: ProvisioningKind;
  name: string;
}

/** A threshold warning (or the expiry alert) as a channel sees it. */
export interface WarningView {
  accountId: string;
  accountName: string;
  threshold: Threshold;
  expiresAt: Date;
  timezone: string;
  daysLeft: number;
  apps: AppView[];
}

/** What a warning turns into once the token was renewed. */
export interface RenewedView {
  accountId: string;
  accountName: string;
  renewedByName: string;
  renewedAt: Date;
  newExpiresAt: Date;
  timezone: string;
  /** Per-app outcome of applying the token through Microsoft Graph, when it was tried. */
  entra?: EntraOutcomeView[];
}

export interface EntraOutcomeView {
  appName: string;
  applied: boolean;
  tested: boolean;
  message: string;
}

/** The new secret token with the manual Entra steps: only ever shown to one admin. */
export interface SecretView {
  renewalId: string;
  accountId: string;
  accountName: string;
  token: string;
  newExpiresAt: Date;
  timezone: string;
  scimBaseUrl?: string;
  /** The apps that still need the token pasted by hand. */
  apps: (AppView & { steps: string[] })[];
  lapsesAt: Date;
}

/** Why a chat call did not go through; an expected outcome, not an exception. */
export type ChatFailureReason =
  'not_in_channel' | 'channel_gone' | 'forbidden' | 'rate_limited' | 'unavailable';

export interface ChatFailure {
  reason: ChatFailureReason;
  message: string;
  retryAfterSeconds?: number;
}

export type ChatResult<T = undefined> =
  { ok: true; value: T } | { ok: false; failure: ChatFailure };

/** One platform's outgoing side, as the core needs it. */
export interface ChatChannels {
  readonly platform: Platform;
  postWarning(destination: DestinationRef, view: WarningView): Promise<ChatResult<string>>;
  markRenewed(
    destination: DestinationRef,
    messageRef: string | undefined,
    view: RenewedView,
  ): Promise<ChatResult>;
  postNotice(destination: DestinationRef, text: string): Promise<ChatResult>;
  /** Shows the secret to the recipient alone; returns a reference for a later redaction. */
  sendSecret(recipient: PrivateRecipient, view: SecretView): Promise<ChatResult<string>>;
  /** Takes the secret off screen where the platform allows it. */
  redactSecret(
    recipient: PrivateRecipient,
    messageRef: string,
    reason: string,
  ): Promise<ChatResult>;
  /** Sends a private plain message to one user. */
  sendDirect(recipient: PrivateRecipient, text: string): Promise<ChatResult>;
  /** A quarantine alert with a "Restart provisioning" button; plain notices where absent. */
  postQuarantineAlert?(
    destination: DestinationRef,
    app: { accountId: string; kind: string; appName: string },
    text: string,
  ): Promise<ChatResult>;
}

export function ok(): ChatResult;
export function ok<T>(value: T): ChatResult<T>;
export function ok<T>(value?: T): ChatResult<T | undefined> {
  return { ok: true, value };
}

export function failed(
  reason: ChatFailureReason,
  message: string,
  retryAfterSeconds?: number,
): { ok: false; failure: ChatFailure } {
  return { ok: false, failure: { reason, message, retryAfterSeconds } };
}
