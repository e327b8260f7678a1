import type { Account, PrismaClient } from '../db/client.js';
import { daysLeft, nextThreshold, THRESHOLD_LABELS } from '../domain/thresholds.js';
import type { AuditEntry, AuditTrail } from './audit.js';
import { appViews } from './views.js';

/** One account's state as `status` and `accounts list` show it. */
export interface AccountStatus {
  account: Account;
  daysLeft: number;
  nextWarning?: { label: string; dueAt: Date };
  apps: string[];
  destinations: { platform: string; channelId: string; broken?: string }[];
  openRenewal?: { byName: string; state: string; at: Date };
  recentAudit: AuditEntry[];
}

/** Reads what status views need, in one place for Slack, Teams and the CLI. */
export class StatusReader {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditTrail,
    private readonly notifyHour: number,
  ) {}

  async of(account: Account, now = new Date(), auditLines = 5): Promise<AccountStatus> {
    const [destinations, open, audit] = await Promise.all([
      this.prisma.destination.findMany({ where: { accountId: account.id } }),
      this.prisma.renewal.findUnique({ where: { activeKey: account.id } }),
      this.audit.list(account.id, auditLines),
    ]);
    const next = nextThreshold(account.expiresAt, account.timezone, this.notifyHour, now);

    return {
      account,
      daysLeft: daysLeft(account.expiresAt, account.timezone, now),
      nextWarning: next && { label: THRESHOLD_LABELS[next.threshold], dueAt: next.dueAt },
      apps: appViews(account).map((app) => app.name),
      destinations: destinations.map((row) => ({
        platform: row.platform,
        channelId: row.channelId,
        broken: row.brokenReason ?? undefined,
      })),
      openRenewal: open
        ? { byName: open.requestedByName, state: open.state, at: open.createdAt }
        : undefined,
      recentAudit: audit,
    };
  }
}
