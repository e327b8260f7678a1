import { Application } from '@microsoft/teams-ai';
import { MemoryStorage } from 'botbuilder';
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { CoreServices } from '../core/services.js';
import { registerActions } from './actions.js';
import { BotAdapter } from './adapter.js';
import { TeamsChannels } from './channels.js';
import { teamsEndpoint } from './endpoint.js';
import { registerMessages } from './messages.js';
import { TeamsUsers } from './references.js';

/** A running Teams integration: the handler of POST /api/messages and the outgoing side. */
export interface TeamsIntegration {
  handler: RequestHandler;
  channels: TeamsChannels;
  adapter: BotAdapter;
  app: Application;
}

type TeamsConfig = Config['teams'];

/** Builds the teams-ai Application on a TeamsAdapter with the product's handlers. */
export function createTeams(config: TeamsConfig, core: CoreServices): TeamsIntegration {
  const log = core.log.child({ module: 'teams' });
  const appId = config.appId ?? '';
  const adapter = new BotAdapter(
    appId
      ? {
          MicrosoftAppId: appId,
          MicrosoftAppPassword: config.appPassword,
          MicrosoftAppTenantId: config.tenantId,
          MicrosoftAppType: config.appType ?? 'MultiTenant',
        }
      : {},
  );
  // teams-ai keeps no state the bot relies on; storage only stops it from warning each turn.
  const app = new Application({
    adapter,
    botAppId: appId,
    storage: new MemoryStorage(),
    startTypingTimer: false,
    removeRecipientMention: true,
    longRunningMessages: false,
  });
  app.error(async (_context, error) => {
    log.error({ err: error.message }, 'Teams handler failed');
  });

  const users = new TeamsUsers(core.prisma);
  const channels = new TeamsChannels(adapter, appId, users, log);
  registerMessages(app, core, users, log);
  registerActions(app, { core, channels, users, log });

  if (!appId) {
    log.warn(
      'MICROSOFT_APP_ID is not set: Teams activities are not authenticated, so only ' +
        'loopback callers (a local emulator or the Agents Playground) are served, and none ' +
        'that comes through a proxy or tunnel',
    );
  }

  const handler = teamsEndpoint({
    appId,
    adapter,
    run: (context) => app.run(context).then(() => undefined),
    log,
  });

  return { handler, channels, adapter, app };
}
