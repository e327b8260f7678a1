import {
  failed,
  ok,
  type ChatChannels,
  type ChatFailure,
  type ChatFailureReason,
  type ChatResult,
  type DestinationRef,
  type Platform,
  type PrivateRecipient,
  type RenewedView,
  type SecretView,
  type WarningView,
} from '../../src/core/chat.js';
import { formatDate, formatDateTime } from '../../src/domain/thresholds.js';

/** The methods of ChatChannels, by name, for failNext and the call log. */
export type ChatMethod = Exclude<keyof ChatChannels, 'platform'>;

/** Something the fake showed in a channel: a warning, a renewal, a notice or an alert. */
export interface FakeChannelPost {
  kind: 'warning' | 'renewed' | 'notice' | 'quarantine';
  /** Counts up across every record of the fake, to read posts and updates in order. */
  order: number;
  ref: string;
  destination: DestinationRef;
  text: string;
  view?: WarningView | RenewedView;
}

/** Something the fake showed one admin: a secret or a plain direct message. */
export interface FakePrivateMessage {
  kind: 'secret' | 'direct';
  order: number;
  ref: string;
  recipient: PrivateRecipient;
  text: string;
  view?: SecretView;
}

/** A message changed in place: a warning marked renewed or a secret taken off screen. */
export interface FakeUpdate {
  kind: 'renewed' | 'redacted';
  order: number;
  ref: string;
  text: string;
}

type Refused = { ok: false; failure: ChatFailure };

interface Fault {
  reason: ChatFailureReason;
  message: string;
  retryAfterSeconds?: number;
  times: number;
}

/**
 * ChatChannels in memory, for core tests: records what was shown where, returns refs and
 * fails on request. Refs it never issued are refused, as a real platform would, so a core
 * that mixes up refs is caught here rather than in production.
 */
export class FakeChatChannels implements ChatChannels {
  readonly posts: FakeChannelPost[] = [];
  readonly updates: FakeUpdate[] = [];
  readonly secrets: FakePrivateMessage[] = [];
  readonly directs: FakePrivateMessage[] = [];
  /** Every call in order, failed ones included, for "called once, not again" checks. */
  readonly calls: { method: ChatMethod; target: string }[] = [];
  private readonly faults = new Map<ChatMethod, Fault>();
  private readonly brokenChannels = new Map<string, ChatFailureReason>();
  private counter = 0;

  constructor(readonly platform: Platform = 'slack') {}

  /** The next call (or `times` calls) of a method fails with this reason. */
  failNext(
    method: ChatMethod,
    reason: ChatFailureReason,
    options: { times?: number; message?: string; retryAfterSeconds?: number } = {},
  ): void {
    this.faults.set(method, {
      reason,
      message: options.message ?? `The fake was told to fail ${method} (${reason}).`,
      retryAfterSeconds: options.retryAfterSeconds,
      times: options.times ?? 1,
    });
  }

  /** Every later post to this channel fails with the reason, until `repair`. */
  breakChannel(channelId: string, reason: ChatFailureReason): void {
    this.brokenChannels.set(channelId, reason);
  }

  repair(channelId: string): void {
    this.brokenChannels.delete(channelId);
  }

  /** The plain notices posted in channels. */
  get notices(): FakeChannelPost[] {
    return this.posts.filter((post) => post.kind === 'notice');
  }

  async postWarning(destination: DestinationRef, view: WarningView): Promise<ChatResult<string>> {
    const refused = this.refusal('postWarning', destination);
    if (refused) return refused;
    return ok(this.post('warning', destination, warningText(view), view));
  }

  async markRenewed(
    destination: DestinationRef,
    messageRef: string | undefined,
    view: RenewedView,
  ): Promise<ChatResult> {
    const refused = this.refusal('markRenewed', destination);
    if (refused) return refused;
    const text = renewedText(view);
    if (!messageRef) {
      this.post('renewed', destination, text, view);
      return ok();
    }
    if (!this.posts.some((post) => post.ref === messageRef)) return unknownRef(messageRef);
    this.updates.push({ kind: 'renewed', order: ++this.counter, ref: messageRef, text });
    return ok();
  }

  async postNotice(destination: DestinationRef, text: string): Promise<ChatResult> {
    const refused = this.refusal('postNotice', destination);
    if (refused) return refused;
    this.post('notice', destination, text);
    return ok();
  }

  async postQuarantineAlert(
    destination: DestinationRef,
    app: { accountId: string; kind: string; appName: string },
    text: string,
  ): Promise<ChatResult> {
    const refused = this.refusal('postQuarantineAlert', destination);
    if (refused) return refused;
    this.post('quarantine', destination, `${text}\n[Restart provisioning of ${app.appName}]`);
    return ok();
  }

  async sendSecret(recipient: PrivateRecipient, view: SecretView): Promise<ChatResult<string>> {
    const refused = this.refusal('sendSecret', recipient);
    if (refused) return refused;
    const ref = this.nextRef('secret');
    const order = this.counter;
    this.secrets.push({ kind: 'secret', order, ref, recipient, text: secretText(view), view });
    return ok(ref);
  }

  async redactSecret(
    recipient: PrivateRecipient,
    messageRef: string,
    reason: string,
  ): Promise<ChatResult> {
    const refused = this.refusal('redactSecret', recipient);
    if (refused) return refused;
    if (!this.secrets.some((secret) => secret.ref === messageRef)) return unknownRef(messageRef);
    const text = `The token is no longer shown here: ${reason}.`;
    this.updates.push({ kind: 'redacted', order: ++this.counter, ref: messageRef, text });
    return ok();
  }

  async sendDirect(recipient: PrivateRecipient, text: string): Promise<ChatResult> {
    const refused = this.refusal('sendDirect', recipient);
    if (refused) return refused;
    const ref = this.nextRef('direct');
    this.directs.push({ kind: 'direct', order: this.counter, ref, recipient, text });
    return ok();
  }

  /** Whether a secret is still on screen: shown and not yet redacted. */
  isShown(messageRef: string): boolean {
    const shown = this.secrets.some((secret) => secret.ref === messageRef);
    return shown && !this.updates.some((u) => u.kind === 'redacted' && u.ref === messageRef);
  }

  // Records the call, then answers with an injected fault or a broken channel, if any.
  private refusal(
    method: ChatMethod,
    target: DestinationRef | PrivateRecipient,
  ): Refused | undefined {
    const name = 'id' in target ? target.channelId : target.userId;
    this.calls.push({ method, target: name });

    const fault = this.faults.get(method);
    if (fault) {
      if (--fault.times <= 0) this.faults.delete(method);
      return failed(fault.reason, fault.message, fault.retryAfterSeconds);
    }
    const broken = 'id' in target ? this.brokenChannels.get(target.channelId) : undefined;
    if (broken) return failed(broken, `The fake channel ${name} is broken (${broken}).`);
    return undefined;
  }

  private post(
    kind: FakeChannelPost['kind'],
    destination: DestinationRef,
    text: string,
    view?: WarningView | RenewedView,
  ): string {
    const ref = this.nextRef(kind);
    this.posts.push({ kind, order: this.counter, ref, destination, text, view });
    return ref;
  }

  private nextRef(kind: string): string {
    return `fake-${kind}-${++this.counter}`;
  }
}

function unknownRef(ref: string): Refused {
  return failed('unavailable', `The fake never showed a message with ref ${ref}.`);
}

// Plain renderings that carry what the real messages carry, so the shared suite can read them.

function warningText(view: WarningView): string {
  const date = formatDate(view.expiresAt, view.timezone);
  const apps = view.apps.map((app) => `"${app.name}"`).join(' and ');
  return [
    `The Timly provision token of ${view.accountName} expires on ${date} ` +
      `(${view.daysLeft} days left; ${view.threshold}).`,
    `Used by the enterprise apps ${apps}.`,
    `[Renew token: ${view.accountId}]`,
  ].join('\n');
}

function renewedText(view: RenewedView): string {
  const lines = [
    `The Timly provision token of ${view.accountName} was renewed by ${view.renewedByName} ` +
      `on ${formatDateTime(view.renewedAt, view.timezone)}; it expires on ` +
      `${formatDate(view.newExpiresAt, view.timezone)}.`,
  ];
  for (const app of view.entra ?? []) lines.push(`"${app.appName}": ${app.message}`);
  return lines.join('\n');
}

function secretText(view: SecretView): string {
  const lines = [`New Timly provision token for ${view.accountName}:`, view.token];
  for (const app of view.apps) {
    lines.push(`Enterprise app "${app.name}"`);
    app.steps.forEach((step, index) => lines.push(`${index + 1}. ${step}`));
  }
  return lines.join('\n');
}
