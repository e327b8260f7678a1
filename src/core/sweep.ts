import type { Account, PrismaClient } from '../db/client.js';
import { isUniqueViolation } from '../db/client.js';
import { mostUrgentDue, THRESHOLDS, type Threshold } from '../domain/thresholds.js';
import type { Logger } from '../logger.js';
import type { AuditTrail } from './audit.js';
import { toDestinationRef } from './accounts.js';
import type { ChatChannels, ChatFailure, DestinationRef, Platform } from './chat.js';
import { warningView } from './views.js';

// A claim left in 'posting' this long belongs to a process that died mid-post: retry it.
const STALE_CLAIM_MS = 10 * 60 * 1000;

/** What one sweep did, for `timly-renew check` and the tests. */
export interface SweepReport {
  accounts: number;
  dryRun: boolean;
  posted: { accountId: string; threshold: Threshold; destinationId: string }[];
  failed: { accountId: string; destinationId: string; reason: string }[];
  due: { accountId: string; threshold: Threshold }[];
}

export interface SweepOptions {
  now: Date;
  dryRun?: boolean;
}

/** Called when a channel refuses the bot for good (removed, blocked, deleted). */
export type BrokenDestinationHandler = (
  account: Account,
  destination: DestinationRef,
  failure: ChatFailure,
) => Promise<void>;

/** The expiry sweep: posts each account's most urgent due threshold, once per token and channel. */
export class ExpirySweep {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly channels: Map<Platform, ChatChannels>,
    private readonly audit: AuditTrail,
    private readonly notifyHour: number,
    private readonly log: Logger,
    private readonly onBroken: BrokenDestinationHandler = async () => {},
  ) {}

  async run({ now, dryRun = false }: SweepOptions): Promise<SweepReport> {
    // Each destination's warnings come along, so that the usual case (already posted) costs
    // no query of its own; the unique key in claim() still settles any race.
    const accounts = await this.prisma.account.findMany({
      include: {
        destinations: {
          include: {
            warnings: {
              select: { tokenExpiresAt: true, threshold: true, state: true, createdAt: true },
            },
          },
        },
      },
    });
    const report: SweepReport = {
      accounts: accounts.length,
      dryRun,
      posted: [],
      failed: [],
      due: [],
    };

    for (const account of accounts) {
      const threshold = mostUrgentDue(account.expiresAt, account.timezone, this.notifyHour, now);
      if (!threshold) continue;
      report.due.push({ accountId: account.id, threshold });
      if (dryRun) continue;

      for (const row of account.destinations) {
        if (row.brokenAt || covered(row.warnings, account.expiresAt, threshold, now)) continue;
        // One channel's trouble (or a bug in one account's data) must not stop the others.
        await this.postOnce(account, threshold, toDestinationRef(row), now, report).catch(
          (error: Error) => {
            this.log.error({ accountId: account.id, err: error.message }, 'warning failed');
            report.failed.push({ accountId: account.id, destinationId: row.id, reason: 'error' });
          },
        );
      }
    }
    return report;
  }

  private async postOnce(
    account: Account,
    threshold: Threshold,
    destination: DestinationRef,
    now: Date,
    report: SweepReport,
  ): Promise<void> {
    const channels = this.channels.get(destination.platform);
    if (!channels) return;

    const claimId = await this.claim(account, threshold, destination, now);
    if (!claimId) return;

    const result = await channels.postWarning(destination, warningView(account, threshold, now));
    if (result.ok) {
      await this.prisma.warning.update({
        where: { id: claimId },
        data: { state: 'posted', messageRef: result.value, postedAt: new Date() },
      });
      await this.audit.record(account.id, 'timly-renew', 'warning_posted', {
        threshold,
        platform: destination.platform,
        channelId: destination.channelId,
      });
      report.posted.push({ accountId: account.id, threshold, destinationId: destination.id });
      return;
    }

    report.failed.push({
      accountId: account.id,
      destinationId: destination.id,
      reason: result.failure.reason,
    });
    await this.handleFailure(account, destination, claimId, result.failure);
  }

  // Inserting the warning row is what makes a threshold go out at most once per token and
  // channel: the unique key decides between two sweeps racing, not this process's memory.
  private async claim(
    account: Account,
    threshold: Threshold,
    destination: DestinationRef,
    now: Date,
  ): Promise<string | undefined> {
    const key = {
      destinationId: destination.id,
      tokenExpiresAt: account.expiresAt,
      threshold,
    };
    await this.prisma.warning.deleteMany({
      where: {
        ...key,
        state: 'posting',
        createdAt: { lt: new Date(now.getTime() - STALE_CLAIM_MS) },
      },
    });

    try {
      const row = await this.prisma.warning.create({
        data: { ...key, accountId: account.id, state: 'posting' },
      });
      return row.id;
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  private async handleFailure(
    account: Account,
    destination: DestinationRef,
    claimId: string,
    failure: ChatFailure,
  ): Promise<void> {
    const log = this.log.child({ accountId: account.id, destinationId: destination.id });
    const gone = failure.reason === 'channel_gone' || failure.reason === 'forbidden';

    if (!gone) {
      // Rate limits and outages are passing: drop the claim so the next sweep tries again.
      log.warn({ reason: failure.reason }, 'warning not posted; will retry on the next sweep');
      await this.prisma.warning.delete({ where: { id: claimId } });
      return;
    }

    log.warn({ reason: failure.reason }, 'channel refuses the bot; marked broken');
    await this.prisma.warning.update({ where: { id: claimId }, data: { state: 'failed' } });
    await this.prisma.destination.update({
      where: { id: destination.id },
      data: { brokenAt: new Date(), brokenReason: failure.message },
    });
    await this.audit.record(account.id, 'timly-renew', 'channel_broken', {
      platform: destination.platform,
      channelId: destination.channelId,
      reason: failure.reason,
    });
    await this.onBroken(account, destination, failure);
  }
}

// True when this threshold, or a more urgent one, already went to the destination for this
// token: once a more urgent warning is out, a less urgent one would only confuse.
function covered(
  warnings: { tokenExpiresAt: Date; threshold: string; state: string; createdAt: Date }[],
  expiresAt: Date,
  threshold: Threshold,
  now: Date,
): boolean {
  const rank = (name: string) => THRESHOLDS.indexOf(name as Threshold);
  const stale = (warning: { state: string; createdAt: Date }) =>
    warning.state === 'posting' && now.getTime() - warning.createdAt.getTime() > STALE_CLAIM_MS;
  return warnings.some(
    (warning) =>
      warning.tokenExpiresAt.getTime() === expiresAt.getTime() &&
      rank(warning.threshold) >= rank(threshold) &&
      !stale(warning),
  );
}
