import type { PrismaClient } from '../db/client.js';
import type { PrivateRecipient } from './chat.js';

/** The states a renewal moves through; see the README's "Renewal" section. */
export type RenewalState = 'requested' | 'renewed' | 'delivered' | 'applied' | 'lapsed' | 'failed';

/** How the private message of a renewal is reached, stored as JSON on the renewal. */
export interface DeliveryRecord {
  recipient: PrivateRecipient;
  /** The private message that shows the secret, for redaction. */
  messageRef?: string;
}

export type RenewalRow = NonNullable<Awaited<ReturnType<PrismaClient['renewal']['findUnique']>>>;

export function deliveryOf(renewal: RenewalRow): DeliveryRecord {
  return renewal.delivery as unknown as DeliveryRecord;
}

// Longer than the slowest run: a throttled Graph update of two apps can take several minutes.
const LEASE_MS = 10 * 60 * 1000;

/** Takes the renewal for this worker unless another holds it; returns the row if taken. */
export async function leaseRenewal(
  prisma: PrismaClient,
  id: string,
  states: RenewalState[],
): Promise<RenewalRow | undefined> {
  const now = new Date();
  const { count } = await prisma.renewal.updateMany({
    where: {
      id,
      state: { in: states },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
    data: { leaseUntil: new Date(now.getTime() + LEASE_MS), attempts: { increment: 1 } },
  });
  if (count === 0) return undefined;
  return (await prisma.renewal.findUnique({ where: { id } })) ?? undefined;
}

export async function releaseRenewal(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.renewal.update({ where: { id }, data: { leaseUntil: null } });
}
