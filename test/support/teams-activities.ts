import type { Activity } from 'botbuilder';
import { personalConversationId } from './fake-connector.js';

// Builders for the Bot Framework activities Teams sends; each test states only what matters.

export const TENANT_ID = 'tenant-0001';
export const BOT = { id: '28:timly-renew-bot', name: 'timly-renew' };
export const TEAM_ID = '19:team-general@thread.tacv2';
export const CHANNEL_ID = '19:channel-ops@thread.tacv2';

/** A Teams user as activities name them. */
export interface TeamsPerson {
  id: string;
  name: string;
  aadObjectId: string;
}

export function person(name: string, aadObjectId: string): TeamsPerson {
  return { id: `29:${name.toLowerCase()}`, name, aadObjectId };
}

interface Where {
  serviceUrl: string;
  from: TeamsPerson;
  /** A channel id (a thread suffix is added as Teams does), or 'personal' for a 1:1 chat. */
  channel?: string;
}

let sequence = 0;

function base(where: Where): Partial<Activity> {
  const personal = where.channel === 'personal';
  const channelId = where.channel ?? CHANNEL_ID;
  sequence += 1;
  return {
    id: `incoming-${sequence}`,
    channelId: 'msteams',
    serviceUrl: where.serviceUrl,
    timestamp: new Date(),
    from: { ...where.from },
    recipient: { ...BOT },
    conversation: personal
      ? {
          id: personalConversationId(where.from.id),
          conversationType: 'personal',
          tenantId: TENANT_ID,
          isGroup: false,
          name: '',
        }
      : {
          id: `${channelId};messageid=${1000 + sequence}`,
          conversationType: 'channel',
          tenantId: TENANT_ID,
          isGroup: true,
          name: '',
        },
    channelData: personal
      ? { tenant: { id: TENANT_ID } }
      : { tenant: { id: TENANT_ID }, team: { id: TEAM_ID }, channel: { id: channelId } },
  };
}

/** The bot was added to a team (or installed personally with channel 'personal'). */
export function installed(where: Where): Partial<Activity> {
  return {
    ...base(where),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id, name: BOT.name }],
  };
}

/** A message to the bot; in a channel it starts with the bot's @mention, as Teams sends it. */
export function message(where: Where, text: string): Partial<Activity> {
  const activity = base(where);
  if (where.channel === 'personal') return { ...activity, type: 'message', text };
  const mention = `<at>${BOT.name}</at>`;
  return {
    ...activity,
    type: 'message',
    text: `${mention} ${text}`,
    entities: [{ type: 'mention', text: mention, mentioned: { ...BOT } }],
  };
}

/** A click on an Action.Execute button of the card with activity id `cardId`. */
export function actionExecute(
  where: Where,
  verb: string,
  data: object,
  cardId: string,
): Partial<Activity> {
  return {
    ...base(where),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: cardId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
