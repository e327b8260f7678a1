import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { TokenService } from '../token-service/types.js';
import type { AuditTrail } from './audit.js';

/** What one sync found: accounts whose token changed outside the bot, and those not reached. */
export interface TokenSyncReport {
  changed: string[];
  unreachable: { accountId: string; message: string }[];
}

/**
 * Follows the token service: a token renewed in Timly itself (not through the bot) gets a new
 * expiry there, and the warnings must follow it. Accounts with an open renewal are left alone,
 * since that renewal will record the new expiry itself.
 */
export async function syncTokens(
  prisma: PrismaClient,
  tokenService: TokenService,
  audit: AuditTrail,
  log: Logger,
): Promise<TokenSyncReport> {
  const accounts = await prisma.account.findMany({
    where: { renewals: { none: { activeKey: { not: null } } } },
  });
  const report: TokenSyncReport = { changed: [], unreachable: [] };

  for (const account of accounts) {
    const answer = await tokenService.getToken(account.id);
    if (!answer.ok) {
      report.unreachable.push({ accountId: account.id, message: answer.failure.message });
      continue;
    }

    const info = answer.value;
    if (info.expiresAt.getTime() === account.expiresAt.getTime()) continue;
    await prisma.account.update({
      where: { id: account.id },
      data: { expiresAt: info.expiresAt, scimBaseUrl: info.scimBaseUrl },
    });
    await audit.record(account.id, 'token service', 'token_changed_outside', {
      from: account.expiresAt.toISOString(),
      to: info.expiresAt.toISOString(),
    });
    log.info({ accountId: account.id }, 'token expiry changed in the token service; following it');
    report.changed.push(account.id);
  }
  return report;
}
