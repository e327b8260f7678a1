import bolt from '@slack/bolt';
import type { Config } from '../config.js';
import type { CoreServices } from '../core/services.js';
import type { Logger } from '../logger.js';
import { SlackChannels } from './channels.js';
import { registerActions } from './actions.js';
import { registerCommand } from './command.js';
import { slackLogger } from './logger.js';
import { registerProvisioningActions } from './provisioning.js';
import type { EntraService } from '../graph/entra.js';

const { App, HTTPReceiver, HTTPModuleFunctions: httpBody, SocketModeReceiver } = bolt;
type IncomingMessage = import('node:http').IncomingMessage;
type ServerResponse = import('node:http').ServerResponse;

const BODY_LIMIT = '256kb';

// Bolt reads `body.ssl_check` from whatever the body parses to, outside any catch: a signed
// `payload=null` would reject unhandled and stop the process. Such bodies get a 400 here; Bolt
// re-uses the buffered body for everything else and answers malformed JSON itself.
async function refusedNonObjectBody(req: IncomingMessage, res: ServerResponse, log: Logger) {
  let body: unknown;
  try {
    body = httpBody.parseHTTPRequestBody(await httpBody.bufferIncomingMessage(req, BODY_LIMIT));
  } catch (error) {
    if (!httpBody.isRawBodyError(error)) return false;
    log.warn({ type: error.type, limit: error.limit }, 'Slack request body refused');
    // Drain the rest, so that the sender reads the answer rather than a reset connection.
    req.resume();
    res.writeHead(error.statusCode === 413 ? 413 : 400, { connection: 'close' });
    res.end();
    return true;
  }
  if (typeof body === 'object' && body !== null) return false;
  httpBody.buildNoBodyResponse(res, 400);
  return true;
}

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
  options: { unhandledRequestTimeoutMillis?: number; entra?: EntraService } = {},
): SlackIntegration {
  const log = core.log.child({ module: 'slack' });
  const logger = slackLogger(log);
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 2, factor: 2, maxTimeout: 5000 },
    // A 429 comes back at once as a rate limit; the sweep tries again on its next run.
    rejectRateLimitedCalls: true,
  };

  const receiver = config.appToken
    ? new SocketModeReceiver({ appToken: config.appToken, logger })
    : new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        endpoints: '/slack/events',
        logger,
        unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMillis,
        bodyLimit: BODY_LIMIT,
        // Every listener acks first, so what fails before an ack is Bolt reading a body of the
        // wrong shape (say, an action without a type): a 400 rather than Bolt's bare 500.
        processEventErrorHandler: async ({ error, response }) => {
          log.warn(
            { code: (error as { code?: string }).code, err: error.message },
            'Slack event refused before ack',
          );
          if (!response.headersSent) httpBody.buildNoBodyResponse(response, 400);
          return true;
        },
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
  registerProvisioningActions(app, core, options.entra);

  const http = receiver instanceof HTTPReceiver ? receiver : undefined;
  return {
    app,
    channels,
    requestListener: http
      ? (req, res) => {
          void refusedNonObjectBody(req, res, log).then((refused) => {
            if (refused) return;
            // Bolt throws for a path it does not know (Express also routes /SLACK/EVENTS/ here).
            try {
              http.requestListener(req, res);
            } catch {
              res.writeHead(404, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ error: 'not found' }));
            }
          });
        }
      : undefined,
    start: async () => {
      if (!http) await app.start();
    },
    stop: async () => {
      if (!http) await app.stop();
    },
  };
}
