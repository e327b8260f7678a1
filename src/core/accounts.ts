import type { Account, PrismaClient } from '../db/client.js';
import { enterpriseApps, type ProvisioningKind } from '../domain/apps.js';
import { isValidTimezone } from '../domain/thresholds.js';
import { invalidInput } from '../errors.js';
import type { AuditTrail } from './audit.js';
import type { ChatActor, DestinationRef, Platform } from './chat.js';

export type { Account };

/** What `accounts add` registers or updates. */
export interface AccountInput {
  id: string;
  name: string;
  expiresAt: Date;
  provisioning: ProvisioningKind[];
  timezone: string;
  admins: string[];
}

/** What an account id may look like: it goes into URLs and chat commands. */
export const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when the actor matches any admin entry: a Slack user id, an Entra object id or e-mail. */
export function isAdmin(account: Pick<Account, 'admins'>, actor: ChatActor): boolean {
  const ids = [actor.userId, actor.aadObjectId, actor.email]
    .filter((id): id is string => Boolean(id))
    .map((id) => id.toLowerCase());
  return account.admins.some((entry) => ids.includes(entry.toLowerCase()));
}

/** Checks an account id's form; ids go into URLs and chat commands. */
export function checkAccountId(id: string): string {
  if (!ACCOUNT_ID.test(id)) {
    throw invalidInput(
      `"${id}" is not a valid account id: use letters, digits, dot, dash or underscore (max 64).`,
    );
  }
  return id;
}

/** Accounts and the channels connected to them. */
export class Accounts {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly audit: AuditTrail,
  ) {}

  async upsert(
    input: AccountInput,
    actor: string,
  ): Promise<{ account: Account; created: boolean }> {
    checkAccountId(input.id);
    if (!isValidTimezone(input.timezone)) {
      throw invalidInput(`"${input.timezone}" is not an IANA time zone (e.g. Europe/Zurich).`);
    }
    const existing = await this.prisma.account.findUnique({ where: { id: input.id } });
    const data = { ...input, provisioning: enterpriseApps(input.provisioning) };
    const account = await this.prisma.account.upsert({
      where: { id: input.id },
      create: data,
      update: data,
    });

    const action = existing ? 'account_updated' : 'account_registered';
    await this.audit.record(account.id, actor, action, changes(existing, account));
    return { account, created: !existing };
  }

  get(id: string): Promise<Account | null> {
    return this.prisma.account.findUnique({ where: { id } });
  }

  list(): Promise<Account[]> {
    return this.prisma.account.findMany({ orderBy: { id: 'asc' } });
  }

  async connect(
    accountId: string,
    destination: Omit<DestinationRef, 'id'>,
    actor: ChatActor,
  ): Promise<DestinationRef> {
    const row = await this.prisma.destination.upsert({
      where: {
        accountId_platform_channelId: {
          accountId,
          platform: destination.platform,
          channelId: destination.channelId,
        },
      },
      create: {
        accountId,
        platform: destination.platform,
        channelId: destination.channelId,
        teamId: destination.teamId ?? null,
        conversationRef: (destination.conversationRef ?? undefined) as object | undefined,
        connectedBy: actor.userId,
      },
      update: {
        teamId: destination.teamId ?? null,
        conversationRef: (destination.conversationRef ?? undefined) as object | undefined,
        brokenAt: null,
        brokenReason: null,
        connectedBy: actor.userId,
      },
    });

    // A reconnected channel gets the warning that failed to reach it, on the next sweep.
    await this.prisma.warning.deleteMany({ where: { destinationId: row.id, state: 'failed' } });
    await this.audit.record(accountId, actor.name, 'channel_connected', {
      platform: destination.platform,
      channelId: destination.channelId,
    });
    return toDestinationRef(row);
  }

  async disconnect(accountId: string, platform: Platform, channelId: string, actor: ChatActor) {
    const { count } = await this.prisma.destination.deleteMany({
      where: { accountId, platform, channelId },
    });
    if (count > 0) {
      await this.audit.record(accountId, actor.name, 'channel_disconnected', {
        platform,
        channelId,
      });
    }
    return count > 0;
  }

  async destinations(accountId: string) {
    return this.prisma.destination.findMany({
      where: { accountId },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** Accounts connected to one channel, for `status` typed in that channel. */
  async connectedTo(platform: Platform, channelId: string): Promise<Account[]> {
    const rows = await this.prisma.destination.findMany({
      where: { platform, channelId },
      include: { account: true },
      orderBy: { accountId: 'asc' },
    });
    return rows.map((row) => row.account);
  }

  /** Accounts whose admin list names this actor. */
  async administeredBy(actor: ChatActor): Promise<Account[]> {
    const all = await this.list();
    return all.filter((account) => isAdmin(account, actor));
  }
}

export function toDestinationRef(row: {
  id: string;
  platform: string;
  channelId: string;
  teamId: string | null;
  conversationRef: unknown;
}): DestinationRef {
  return {
    id: row.id,
    platform: row.platform as Platform,
    channelId: row.channelId,
    teamId: row.teamId,
    conversationRef: row.conversationRef ?? undefined,
  };
}

const AUDITED = ['name', 'expiresAt', 'provisioning', 'timezone', 'admins'] as const;

// What an update changed, old and new, so that the trail shows who added or removed an admin.
function changes(before: Account | null, after: Account): Record<string, unknown> {
  const shown = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
  const result: Record<string, unknown> = {};
  for (const field of AUDITED) {
    const [was, now] = [shown(before?.[field]), shown(after[field])];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    result[field] = before ? { from: was, to: now } : now;
  }
  return result;
}
