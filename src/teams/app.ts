import { Application } from '@microsoft/teams-ai';
import { MemoryStorage, type Activity } from 'botbuilder';
import express, { type RequestHandler } from 'express';
import type { Config } from '../config.js';
import type { CoreServices } from '../core/services.js';
import { registerActions } from './actions.js';
import { BotAdapter } from './adapter.js';
import { TeamsChannels } from './channels.js';
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

const BODY_LIMIT = '256kb';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

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
        'loopback callers (a local emulator or the Agents Playground) are served',
    );
  }

  const json = express.json({ limit: BODY_LIMIT });
  const handler: RequestHandler = (req, res, next) => {
    if (!appId && !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'Teams is not authenticated here: set MICROSOFT_APP_ID.' });
      return;
    }
    json(req, res, (error?: unknown) => {
      if (error) return next(error);
      const activity = req.body as Activity | undefined;
      if (typeof activity?.type !== 'string') {
        res.status(400).json({ error: 'The body is not a Bot Framework activity.' });
        return;
      }
      adapter
        .handle(activity, req.headers.authorization ?? '', (context) =>
          app.run(context).then(() => undefined),
        )
        .then((invoke) => {
          res.status(invoke?.status ?? 200);
          if (invoke?.body === undefined) res.end();
          else res.json(invoke.body);
        })
        .catch((failure: Error & { statusCode?: number }) => {
          // A rejected caller is expected traffic: one line, no stack trace.
          const denied = failure.statusCode === 401 || failure.name === 'AuthenticationError';
          if (denied) log.warn({ err: failure.message }, 'Teams request not authenticated');
          else log.error({ err: failure.message }, 'Teams request failed');
          if (!res.headersSent) res.status(denied ? 401 : 500).end();
        });
    });
  };

  return { handler, channels, adapter, app };
}
