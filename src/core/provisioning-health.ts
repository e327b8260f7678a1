import type { PrismaClient } from '../db/client.js';
import type { ProvisioningKind } from '../domain/apps.js';
import type { Logger } from '../logger.js';
import type { AuditTrail } from './audit.js';
import { toDestinationRef } from './accounts.js';
import type { ChatChannels, Platform } from './chat.js';

/** A change in an enterprise app's provisioning job, as Graph polling reports it. */
export interface ProvisioningEvent {
  accountId: string;
  kind: ProvisioningKind;
  appName: string;
  type: 'quarantined' | 'cleared';
  reason?: string;
  fix?: string;
}

/** Polls linked provisioning jobs; the Graph side of the core's view. */
export interface ProvisioningWatcher {
  pollHealth(now?: Date): Promise<ProvisioningEvent[]>;
}

/** The alert text a channel reads for a quarantine or its end. */
export function provisioningText(event: ProvisioningEvent, accountName: string): string {
  if (event.type === 'cleared') {
    return `Provisioning of "${event.appName}" for ${accountName} is running again.`;
  }
  return (
    `:rotating_light: Provisioning of "${event.appName}" for ${accountName} is in quarantine: ` +
    `${event.reason ?? 'Entra gave no reason'}. ${event.fix ?? ''}`.trimEnd()
  );
}

/** Posts each quarantine and each recovery once to the account's channels. */
export async function alertProvisioningHealth(
  watcher: ProvisioningWatcher,
  prisma: PrismaClient,
  channels: Map<Platform, ChatChannels>,
  audit: AuditTrail,
  log: Logger,
): Promise<ProvisioningEvent[]> {
  const events = await watcher.pollHealth(new Date());

  for (const event of events) {
    const account = await prisma.account.findUnique({
      where: { id: event.accountId },
      include: { destinations: { where: { brokenAt: null } } },
    });
    if (!account) continue;
    const action =
      event.type === 'quarantined' ? 'provisioning_quarantined' : 'provisioning_cleared';
    await audit.record(account.id, 'timly-renew', action, {
      app: event.appName,
      reason: event.reason,
    });

    for (const row of account.destinations) {
      const destination = toDestinationRef(row);
      const platform = channels.get(destination.platform);
      if (!platform) continue;
      const text = provisioningText(event, account.name);
      const result =
        event.type === 'quarantined' && platform.postQuarantineAlert
          ? await platform.postQuarantineAlert(destination, event, text)
          : await platform.postNotice(destination, text);
      if (!result.ok)
        log.warn({ accountId: account.id, failure: result.failure }, 'alert not posted');
    }
  }
  return events;
}
