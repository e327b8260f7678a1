import bolt from '@slack/bolt';
import type { Config } from '../config.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { SlackChannels } from './channels.js';
import { registerActions } from './actions.js';
import { registerCommand } from './command.js';
import { slackLogger } from './logger.js';

const { App, HTTPReceiver, SocketModeReceiver } = bolt;

/** A running Slack integration: the Bolt app, its HTTP handler and its outgoing side. */
export interface SlackIntegration {
  app: InstanceType<typeof App>;
  channels: SlackChannels;
  /** Handles POST /slack/events (signature check and replay window included); HTTP mode only. */
  requestListener?: (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type SlackConfig = NonNullable<Config['slack']>;

/** Builds the Bolt app on its HTTP receiver (or Socket Mode) with the product's handlers. */
export function createSlack(
  config: SlackConfig,
  core: CoreServices,
  options: { unhandledRequestTimeoutMillis?: number } = {},
): SlackIntegration {
  const log = core.log.child({ module: 'slack' });
  const logger = slackLogger(log);
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 2, factor: 2, maxTimeout: 5000 },
  };

  const receiver = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger })
    : new HTTPReceiver({
        signingSecret: config.signingSecret,
        endpoints: '/slack/events',
        logger,
        unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis,
        bodyLimit: '256kb',
      });
  const app = new App({ token: config.botToken, receiver, logger, clientOptions });

  app.error(async (error) => {
    log.error(
      { code: (error as { code?: string }).code, err: error.message },
      'Slack handler failed',
    );
  });

  const channels = new SlackChannels(app.client, log);
  registerCommand(app, core, log);
  registerActions(app, core, log);

  const http = receiver instanceof HTTPReceiver ? receiver : undefined;
  return {
    app,
    channels,
    requestListener: http ? (req, res) => http.requestListener(req, res) : undefined,
    start: async () => {
      if (!http) await app.start();
    },
    stop: async () => {
      if (!http) await app.stop();
    },
  };
}
