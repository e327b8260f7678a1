import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { isAdmin } from '../core/accounts.js';
import type { ChatActor } from '../core/chat.js';
import { parseCommand, type ChatCommand } from '../core/commands.js';
import type { CoreServices } from '../core/services.js';
import type { Account } from '../db/client.js';
import type { Logger } from '../logger.js';
import { teamsActor } from './actor.js';
import { confirmCard } from './cards.js';
import { channelIdOf, isPersonal, storableReference, type TeamsUsers } from './references.js';
import { HELP_TEXT, statusText, WELCOME_TEXT } from './text.js';

type AccountCommand = Extract<ChatCommand, { accountId: string }>;

/** Registers the bot commands (status, renew, connect, disconnect, help) and the install. */
export function registerMessages(
  app: Application,
  core: CoreServices,
  users: TeamsUsers,
  log: Logger,
): void {
  app.conversationUpdate('membersAdded', async (context) => {
    const { activity } = context;
    const botAdded = activity.membersAdded?.some((m) => m.id === activity.recipient.id);
    if (!botAdded) return;

    await refreshReferences(core, context);
    if (isPersonal(activity)) {
      await users.remember({ userId: activity.from.id, reference: storableReference(activity) });
    }
    log.info({ conversationType: activity.conversation.conversationType }, 'bot installed');
    await context.sendActivity(WELCOME_TEXT);
  });

  app.activity('message', async (context) => {
    const parsed = parseCommand(context.activity.text);
    const account = 'accountId' in parsed ? await core.accounts.get(parsed.accountId) : null;
    const actor = await teamsActor(context, users, log, account);
    await refreshReferences(core, context);

    switch (parsed.kind) {
      case 'invalid':
        return void (await context.sendActivity(parsed.message));
      case 'help':
        return void (await context.sendActivity(HELP_TEXT));
      case 'status':
        return void (await context.sendActivity(await status(core, context, actor)));
    }
    await context.sendActivity(await accountCommand(core, context, parsed, account, actor));
  });
}

// The channel's stored reference follows the bot's latest turn there (e.g. a new service URL).
async function refreshReferences(core: CoreServices, context: TurnContext): Promise<void> {
  if (isPersonal(context.activity)) return;
  await core.prisma.destination.updateMany({
    where: { platform: 'teams', channelId: channelIdOf(context.activity.conversation.id) },
    data: { conversationRef: storableReference(context.activity) as object },
  });
}

async function status(core: CoreServices, context: TurnContext, actor: ChatActor) {
  const channelId = channelIdOf(context.activity.conversation.id);
  const connected = await core.accounts.connectedTo('teams', channelId);
  const own = await core.accounts.administeredBy(actor);
  const seen = [...connected, ...own.filter((a) => !connected.some((c) => c.id === a.id))];
  return statusText(await Promise.all(seen.map((a) => core.status.of(a))));
}

async function accountCommand(
  core: CoreServices,
  context: TurnContext,
  command: AccountCommand,
  account: Account | null,
  actor: ChatActor,
) {
  if (!account) {
    return `There is no account "${command.accountId}". An operator registers it first.`;
  }
  if (!isAdmin(account, actor)) {
    return `Only the admins of ${account.name} can do that: ${account.admins.join(', ')}.`;
  }
  const { activity } = context;
  const channelId = channelIdOf(activity.conversation.id);

  switch (command.kind) {
    case 'connect': {
      if (isPersonal(activity)) {
        return 'Warnings go to a channel: type `connect ACCOUNT` in a team channel.';
      }
      const teamId: string | undefined = activity.channelData?.team?.id;
      await core.accounts.connect(
        account.id,
        { platform: 'teams', channelId, teamId, conversationRef: storableReference(activity) },
        actor,
      );
      const status = await core.status.of(account);
      const connected = `This channel now receives the warnings for ${account.name}.`;
      return `${connected}\n\n${statusText([status])}`;
    }
    case 'disconnect': {
      const removed = await core.accounts.disconnect(account.id, 'teams', channelId, actor);
      return removed
        ? `This channel no longer receives the warnings for ${account.name}.`
        : `This channel was not connected to ${account.name}.`;
    }
    case 'renew': {
      // Teams has no confirm dialog: the card asks first, the renewal starts on its button.
      const card = confirmCard({
        accountId: account.id,
        accountName: account.name,
        expiresAt: account.expiresAt,
      });
      return MessageFactory.attachment(CardFactory.adaptiveCard(card));
    }
  }
}
