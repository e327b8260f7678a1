import type { webApi } from '@slack/bolt';
import type { Account } from '../db/client.js';
import type { ChatActor } from '../core/chat.js';

/**
 * The Slack user as an actor. The e-mail is asked for (users.info, scope users:read.email) only
 * when the account names an admin by e-mail and the user id alone does not match.
 */
export async function slackActor(
  client: webApi.WebClient,
  userId: string,
  name: string,
  account?: Pick<Account, 'admins'> | null,
): Promise<ChatActor> {
  const actor: ChatActor = { platform: 'slack', userId, name: name || userId };
  const byEmail = account?.admins.some((entry) => entry.includes('@'));
  if (!byEmail || account?.admins.includes(userId)) return actor;

  try {
    const info = await client.users.info({ user: userId });
    actor.email = info.user?.profile?.email ?? undefined;
    actor.name = info.user?.real_name || actor.name;
  } catch {
    // Without the e-mail the user id must match; the refusal names the admins to ask.
  }
  return actor;
}
