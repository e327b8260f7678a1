import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { ChatActor } from '../core/chat.js';
import type { Account } from '../db/client.js';
import { isAdmin } from '../core/accounts.js';
import type { Logger } from '../logger.js';
import { isPersonal, storableReference, type TeamsUsers } from './references.js';

/**
 * The Teams user of this turn as an actor. The e-mail is asked of Teams only when the account
 * names an admin by e-mail and neither the Teams id nor the Entra object id matches; it is
 * remembered, so the next turn and an admin lookup by e-mail find it without asking.
 */
export async function teamsActor(
  context: TurnContext,
  users: TeamsUsers,
  log: Logger,
  account?: Pick<Account, 'admins'> | null,
): Promise<ChatActor> {
  const from = context.activity.from;
  const known = await users.find(from.id);
  const actor: ChatActor = {
    platform: 'teams',
    userId: from.id,
    name: from.name || known?.name || from.id,
    aadObjectId: from.aadObjectId ?? known?.aadObjectId,
    email: known?.email,
  };

  const byEmail = account?.admins.some((entry) => entry.includes('@'));
  if (byEmail && !actor.email && !isAdmin(account!, actor)) {
    try {
      const member = await TeamsInfo.getMember(context, from.id);
      actor.email = member.email ?? member.userPrincipalName ?? undefined;
      actor.aadObjectId ??= member.aadObjectId;
    } catch (error) {
      // Without the e-mail the ids must match; the refusal names the admins to ask.
      log.info({ err: (error as Error).message }, 'Teams member lookup failed');
    }
  }

  await users.remember({
    userId: actor.userId,
    name: actor.name,
    email: actor.email,
    aadObjectId: actor.aadObjectId,
    reference: isPersonal(context.activity) ? storableReference(context.activity) : undefined,
  });
  return actor;
}
