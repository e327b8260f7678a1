import type { Activity, ConversationReference } from 'botbuilder';
import { TurnContext } from 'botbuilder';
import type { PrismaClient } from '../db/client.js';
import type { Prisma } from '../db/client.js';

/** A channel conversation id without the thread part Teams appends (`;messageid=...`). */
export function channelIdOf(conversationId: string): string {
  return conversationId.split(';messageid=')[0]!;
}

/**
 * The reference to store for proactive posts: no activity id (a post starts a new message
 * rather than replying to an old one) and no thread suffix on a channel.
 */
export function storableReference(activity: Partial<Activity>): ConversationReference {
  const reference = TurnContext.getConversationReference(activity) as ConversationReference;
  const conversation = { ...reference.conversation };
  conversation.id = channelIdOf(conversation.id);
  const tenantId = conversation.tenantId ?? activity.channelData?.tenant?.id;
  return {
    ...reference,
    activityId: undefined,
    conversation: { ...conversation, ...(tenantId ? { tenantId } : {}) },
  };
}

/** True in a 1:1 chat between one user and the bot. */
export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (type === undefined && activity.conversation?.isGroup === false);
}

/** A message of the bot, addressed for a later update: conversation and activity id. */
export interface MessageAddress {
  conversationId: string;
  activityId: string;
}

/** Encodes a message address as the opaque string the core stores as a message ref. */
export function encodeAddress(address: MessageAddress): string {
  return JSON.stringify([address.conversationId, address.activityId]);
}

/** Decodes a message ref made by encodeAddress; undefined for anything else. */
export function decodeAddress(ref: string): MessageAddress | undefined {
  try {
    const [conversationId, activityId] = JSON.parse(ref) as unknown[];
    if (typeof conversationId !== 'string' || typeof activityId !== 'string') return undefined;
    return { conversationId, activityId };
  } catch {
    return undefined;
  }
}

/** What is known of a Teams user, to reach them in a 1:1 chat and to match admin entries. */
export interface TeamsUser {
  userId: string;
  name?: string;
  email?: string;
  aadObjectId?: string;
  /** Their 1:1 conversation with the bot, when known. */
  reference?: ConversationReference;
}

/** The Teams users the bot has met, kept in the ChatUser table so restarts forget nothing. */
export class TeamsUsers {
  constructor(private readonly prisma: PrismaClient) {}

  async remember(user: TeamsUser): Promise<void> {
    const fields = {
      ...(user.name ? { displayName: user.name } : {}),
      ...(user.email ? { email: user.email } : {}),
      ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}),
      ...(user.reference
        ? { conversationRef: user.reference as unknown as Prisma.InputJsonValue }
        : {}),
    };
    await this.prisma.chatUser.upsert({
      where: { platform_userId: { platform: 'teams', userId: user.userId } },
      create: { platform: 'teams', userId: user.userId, ...fields },
      update: fields,
    });
  }

  /** Finds a user by Teams user id, Entra object id or e-mail: whatever an admin entry names. */
  async find(entry: string): Promise<TeamsUser | undefined> {
    const row = await this.prisma.chatUser.findFirst({
      where: {
        platform: 'teams',
        OR: [
          { userId: entry },
          { aadObjectId: { equals: entry, mode: 'insensitive' } },
          { email: { equals: entry, mode: 'insensitive' } },
        ],
      },
      orderBy: { updatedAt: 'desc' },
    });
    if (!row) return undefined;
    return {
      userId: row.userId,
      name: row.displayName ?? undefined,
      email: row.email ?? undefined,
      aadObjectId: row.aadObjectId ?? undefined,
      reference: (row.conversationRef ?? undefined) as ConversationReference | undefined,
    };
  }
}
