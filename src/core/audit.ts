import type { PrismaClient } from '../db/client.js';

/** The things the audit trail records; one word per idea. */
export type AuditAction =
  | 'account_registered'
  | 'account_updated'
  | 'token_changed_outside'
  | 'channel_connected'
  | 'channel_disconnected'
  | 'channel_broken'
  | 'warning_posted'
  | 'renewal_requested'
  | 'renewal_refused'
  | 'renewal_failed'
  | 'token_renewed'
  | 'token_delivered'
  | 'token_delivery_failed'
  | 'token_shown_again'
  | 'token_applied'
  | 'token_lapsed'
  | 'entra_applied'
  | 'entra_apply_failed'
  | 'entra_linked'
  | 'provisioning_quarantined'
  | 'provisioning_cleared'
  | 'provisioning_restarted';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: AuditAction;
  detail: Record<string, unknown> | null;
}

/** Appends to and reads an account's audit trail. Callers never pass a token in `detail`. */
export class AuditTrail {
  constructor(private readonly prisma: PrismaClient) {}

  async record(
    accountId: string,
    actor: string,
    action: AuditAction,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.prisma.auditEvent.create({
      data: {
        accountId,
        actor,
        action,
        detail: detail === undefined ? undefined : (detail as object),
      },
    });
  }

  async list(accountId: string, limit = 200): Promise<AuditEntry[]> {
    const rows = await this.prisma.auditEvent.findMany({
      where: { accountId },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.reverse().map((row) => ({
      at: row.at,
      actor: row.actor,
      action: row.action as AuditAction,
      detail: (row.detail as Record<string, unknown> | null) ?? null,
    }));
  }
}
