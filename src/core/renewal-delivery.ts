import type { Account } from '../db/client.js';
import { Prisma } from '../db/client.js';
import { ENTERPRISE_APP_NAMES, type ProvisioningKind } from '../domain/apps.js';
import { formatDateTime } from '../domain/thresholds.js';
import type { ChatActor, EntraOutcomeView, PrivateRecipient, RenewedView } from './chat.js';
import type { RenewalDeps } from './renewal.js';
import { deliveryOf, type DeliveryRecord, type RenewalRow } from './renewal-store.js';
import { appViews, secretView } from './views.js';

/** One enterprise app's outcome of applying the token through Microsoft Graph. */
export interface EntraApplyResult {
  kind: ProvisioningKind;
  appName: string;
  applied: boolean;
  tested: boolean;
  message: string;
}

/** Puts a new token into linked Entra apps; the core's view of the Graph integration. */
export interface EntraApplier {
  isLinked(accountId: string): Promise<boolean>;
  applyToken(accountId: string, token: string, scimBaseUrl?: string): Promise<EntraApplyResult[]>;
}

export type FollowUpOutcome =
  | { kind: 'ok'; renewal: RenewalRow; account: Account }
  | { kind: 'not_found' }
  | { kind: 'not_yours'; byName: string }
  | { kind: 'gone'; state: string };

/** Everything after the token service answered: Entra, the private message, the channel. */
export class RenewalDelivery {
  constructor(private readonly deps: RenewalDeps) {}

  /** Applies to Entra where linked, then shows the token privately; returns the new state. */
  async deliverFirst(renewalId: string): Promise<string> {
    const { prisma } = this.deps;
    let renewal = await prisma.renewal.findUniqueOrThrow({ where: { id: renewalId } });
    const account = await prisma.account.findUniqueOrThrow({ where: { id: renewal.accountId } });
    if (renewal.state !== 'renewed' || !renewal.secretSealed) return renewal.state;

    const token = this.deps.secretBox.open(renewal.secretSealed, renewal.id);
    const entra = await this.applyToEntra(renewal, account, token);
    renewal = await prisma.renewal.findUniqueOrThrow({ where: { id: renewalId } });

    const manual = manualApps(account, entra);
    if (entra && manual.length === 0) {
      await this.finish(renewal, 'applied', 'timly-renew');
      await this.announce(renewal, account, entra);
      return 'applied';
    }

    const delivered = await this.sendSecret(renewal, account, token, manual);
    await this.announce(renewal, account, entra);
    if (!delivered) await this.announceDeliveryFailed(renewal, account);
    return delivered ? 'delivered' : 'renewed';
  }

  /** "Show token again": only the admin who renewed, only while the token is pending. */
  async showAgain(
    renewalId: string,
    actor: ChatActor,
    recipient?: PrivateRecipient,
  ): Promise<FollowUpOutcome> {
    const found = await this.findOwn(renewalId, actor);
    if (found.kind !== 'ok') return found;
    const { renewal, account } = found;
    if (!renewal.secretSealed || !['renewed', 'delivered'].includes(renewal.state)) {
      return { kind: 'gone', state: renewal.state };
    }

    const token = this.deps.secretBox.open(renewal.secretSealed, renewal.id);
    const entra = renewal.entraResults as unknown as EntraApplyResult[] | null;
    const manual = manualApps(account, entra ?? undefined);
    const delivered = await this.sendSecret(renewal, account, token, manual, actor, recipient);
    if (!delivered) return { kind: 'gone', state: 'undeliverable' };
    await this.deps.audit.record(account.id, actor.name, 'token_shown_again', {
      renewalId: renewal.id,
    });
    return found;
  }

  /** "Done, Entra is updated": the pending token is deleted and its message redacted. */
  async confirmApplied(renewalId: string, actor: ChatActor): Promise<FollowUpOutcome> {
    const found = await this.findOwn(renewalId, actor);
    if (found.kind !== 'ok') return found;
    if (!['renewed', 'delivered'].includes(found.renewal.state)) {
      return { kind: 'gone', state: found.renewal.state };
    }
    await this.finish(found.renewal, 'applied', actor.name);
    return found;
  }

  /** Deletes every pending token whose time is up; returns how many lapsed. */
  async lapseDue(now = new Date()): Promise<number> {
    const due = await this.deps.prisma.renewal.findMany({
      where: { secretSealed: { not: null }, secretLapsesAt: { lte: now } },
    });
    for (const renewal of due) {
      await this.finish(renewal, 'lapsed', 'timly-renew').catch((error: Error) => {
        this.deps.log.error({ renewalId: renewal.id, err: error.message }, 'lapse failed');
      });
    }
    return due.length;
  }

  /** A plain private message to the admin who asked, for failures after the click was answered. */
  async tellRequester(renewal: RenewalRow, text: string): Promise<void> {
    const channels = this.deps.channels.get(renewal.platform as 'slack' | 'teams');
    await channels?.sendDirect(deliveryOf(renewal).recipient, text);
  }

  private async findOwn(renewalId: string, actor: ChatActor): Promise<FollowUpOutcome> {
    const { prisma } = this.deps;
    const renewal = await prisma.renewal.findUnique({ where: { id: renewalId } }).catch(() => null);
    if (!renewal) return { kind: 'not_found' };
    if (renewal.requestedBy !== actor.userId || renewal.platform !== actor.platform) {
      return { kind: 'not_yours', byName: renewal.requestedByName };
    }
    const account = await prisma.account.findUniqueOrThrow({ where: { id: renewal.accountId } });
    return { kind: 'ok', renewal, account };
  }

  private async applyToEntra(renewal: RenewalRow, account: Account, token: string) {
    const { entra, prisma, audit } = this.deps;
    if (renewal.entraResults) return renewal.entraResults as unknown as EntraApplyResult[];
    if (!entra || !(await entra.isLinked(account.id))) return undefined;

    // A Graph failure of any kind must still end with the token in the admin's hands.
    const results = await entra
      .applyToken(account.id, token, renewal.scimBaseUrl ?? undefined)
      .catch((error: Error) => {
        this.deps.log.error({ renewalId: renewal.id, err: error.message }, 'Graph apply failed');
        return appViews(account).map((app) => ({
          kind: app.kind,
          appName: app.name,
          applied: false,
          tested: false,
          message: 'Microsoft Graph could not be used; update this app by hand.',
        }));
      });
    await prisma.renewal.update({
      where: { id: renewal.id },
      data: { entraResults: results as unknown as Prisma.InputJsonValue },
    });
    for (const result of results) {
      const action = result.applied && result.tested ? 'entra_applied' : 'entra_apply_failed';
      await audit.record(account.id, 'timly-renew', action, {
        app: result.appName,
        message: result.message,
      });
    }
    return results;
  }

  private async sendSecret(
    renewal: RenewalRow,
    account: Account,
    token: string,
    manual: ReturnType<typeof appViews>,
    actor?: ChatActor,
    recipient = deliveryOf(renewal).recipient,
  ): Promise<boolean> {
    const { prisma, audit, channels } = this.deps;
    const platform = channels.get(recipient.platform);
    const view = secretView(
      account,
      { ...renewal, newExpiresAt: renewal.newExpiresAt!, secretLapsesAt: renewal.secretLapsesAt! },
      token,
      manual,
    );
    const unavailable = (message: string) => ({
      ok: false as const,
      failure: { reason: 'unavailable' as const, message },
    });
    // A platform bug must leave the token pending and re-showable, not lost in a stack trace.
    const result = platform
      ? await platform.sendSecret(recipient, view).catch((error: Error) => {
          this.deps.log.error({ renewalId: renewal.id, err: error.message }, 'sendSecret threw');
          return unavailable('The chat platform failed unexpectedly.');
        })
      : unavailable(`${recipient.platform} is not set up in this bot.`);

    if (!result.ok) {
      await prisma.renewal.update({
        where: { id: renewal.id },
        data: { failureCode: 'delivery_failed', failureMessage: result.failure.message },
      });
      await audit.record(account.id, 'timly-renew', 'token_delivery_failed', {
        renewalId: renewal.id,
        reason: result.failure.reason,
      });
      return false;
    }

    const delivery: DeliveryRecord = { recipient, messageRef: result.value };
    const { count } = await prisma.renewal.updateMany({
      where: {
        id: renewal.id,
        state: { in: ['renewed', 'delivered'] },
        secretSealed: { not: null },
      },
      data: {
        state: 'delivered',
        deliveredAt: renewal.deliveredAt ?? new Date(),
        failureCode: null,
        failureMessage: null,
        delivery: delivery as unknown as Prisma.InputJsonValue,
      },
    });
    if (count === 0) {
      // Confirmed or lapsed while the message went out: take this copy off screen too.
      await platform?.redactSecret(recipient, result.value, 'it is no longer kept');
      return false;
    }
    if (!actor) {
      await audit.record(account.id, renewal.requestedByName, 'token_delivered', {
        renewalId: renewal.id,
      });
    }
    return true;
  }

  private async finish(renewal: RenewalRow, state: 'applied' | 'lapsed', actor: string) {
    const { prisma, audit, channels } = this.deps;
    const now = new Date();
    // Conditional, so that two finishes (a click and the lapse job) end the renewal once.
    const { count } = await prisma.renewal.updateMany({
      where: { id: renewal.id, state: { in: ['renewed', 'delivered'] } },
      data: {
        state,
        secretSealed: null,
        activeKey: null,
        appliedAt: state === 'applied' ? now : undefined,
        lapsedAt: state === 'lapsed' ? now : undefined,
      },
    });
    if (count === 0) return;
    const action = state === 'applied' ? 'token_applied' : 'token_lapsed';
    await audit.record(renewal.accountId, actor, action, { renewalId: renewal.id });

    // The latest private message: "Show token again" may have sent a newer one.
    const latest = await prisma.renewal.findUniqueOrThrow({ where: { id: renewal.id } });
    const record = deliveryOf(latest);
    if (!record.messageRef) return;
    const reason = state === 'applied' ? 'confirmed as applied in Entra' : 'its time ran out';
    await channels
      .get(record.recipient.platform)
      ?.redactSecret(record.recipient, record.messageRef, reason);
  }

  private async announce(renewal: RenewalRow, account: Account, entra?: EntraApplyResult[]) {
    const { prisma, channels } = this.deps;
    const view: RenewedView = {
      accountId: account.id,
      accountName: account.name,
      renewedByName: renewal.requestedByName,
      renewedAt: renewal.renewedAt ?? new Date(),
      newExpiresAt: renewal.newExpiresAt!,
      timezone: account.timezone,
      entra: entra?.map(entraView),
    };
    const destinations = await prisma.destination.findMany({
      where: { accountId: account.id, brokenAt: null },
      include: {
        warnings: { where: { tokenExpiresAt: renewal.replacesExpiresAt, state: 'posted' } },
      },
    });

    for (const destination of destinations) {
      const platform = channels.get(destination.platform as 'slack' | 'teams');
      if (!platform) continue;
      const ref = { ...destination, platform: destination.platform as 'slack' | 'teams' };
      const refs = destination.warnings.map((warning) => warning.messageRef ?? undefined);
      for (const messageRef of refs.length > 0 ? refs : [undefined]) {
        await platform.markRenewed(ref, messageRef, view);
      }
    }
  }

  private async announceDeliveryFailed(renewal: RenewalRow, account: Account) {
    const { prisma, channels } = this.deps;
    const text =
      `The token for ${account.name} was renewed by ${renewal.requestedByName}, but it could ` +
      `not be sent to them privately. ${renewal.requestedByName}: type \`renew ${account.id}\` ` +
      `again or press "Show token again" to get it; it is kept until ` +
      `${formatDateTime(renewal.secretLapsesAt!, account.timezone)}.`;
    const destinations = await prisma.destination.findMany({
      where: { accountId: account.id, brokenAt: null },
    });
    for (const destination of destinations) {
      const platform = channels.get(destination.platform as 'slack' | 'teams');
      await platform?.postNotice({ ...destination, platform: platform.platform }, text);
    }
  }
}

// The apps whose token still has to be pasted by hand: all but those applied and tested.
function manualApps(account: Account, entra: EntraApplyResult[] | undefined) {
  const done = (kind: ProvisioningKind) =>
    entra?.some((result) => result.kind === kind && result.applied && result.tested) ?? false;
  return appViews(account).filter((app) => !done(app.kind));
}

function entraView(result: EntraApplyResult): EntraOutcomeView {
  return {
    appName: result.appName || ENTERPRISE_APP_NAMES[result.kind],
    applied: result.applied,
    tested: result.tested,
    message: result.message,
  };
}
