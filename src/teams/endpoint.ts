import type { Activity, TurnContext } from 'botbuilder';
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { BotAdapter } from './adapter.js';

const BODY_LIMIT = '256kb';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

// Headers a reverse proxy or tunnel (ngrok, dev tunnels, cloudflared) adds: such a request
// arrives on loopback but comes from elsewhere.
const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'via',
];

// The fields the adapter and teams-ai read without checking; anything else passes through.
const activityShape = z
  .object({
    type: z.string().min(1),
    serviceUrl: z.string().url(),
    from: z.object({ id: z.string().min(1) }).passthrough(),
    conversation: z.object({ id: z.string().min(1) }).passthrough(),
  })
  .passthrough();

const UNAUTHENTICATED = 'Teams is not authenticated here: set MICROSOFT_APP_ID.';

/** What the handler of POST /api/messages runs on. */
export interface EndpointParts {
  appId: string;
  adapter: BotAdapter;
  run: (context: TurnContext) => Promise<void>;
  log: Logger;
}

/**
 * The handler of POST /api/messages. Without an app id nothing is authenticated, so only
 * direct loopback callers are served. Body-parser errors go to the server's error handler.
 */
export function teamsEndpoint({ appId, adapter, run, log }: EndpointParts): RequestHandler {
  // Not strict: a JSON string or number is "not an activity" rather than "not JSON".
  const json = express.json({ limit: BODY_LIMIT, strict: false });

  return (req, res, next) => {
    const refusal = appId ? undefined : unauthenticatedRefusal(req);
    if (refusal) {
      log.warn(refusal, 'Teams request refused: MICROSOFT_APP_ID is not set');
      res.status(403).json({ error: UNAUTHENTICATED });
      return;
    }

    json(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (!activityShape.safeParse(req.body).success) {
        res.status(400).json({ error: 'The body is not a Bot Framework activity.' });
        return;
      }

      const activity = req.body as Activity;
      adapter
        .handle(activity, req.headers.authorization ?? '', run)
        .then((invoke) => {
          if (invoke?.status === 501 && invoke.body === undefined) {
            res.status(501).json({ error: 'This kind of invoke is not supported by the bot.' });
            return;
          }
          res.status(invoke?.status ?? 200);
          if (invoke?.body === undefined) res.end();
          else res.json(invoke.body);
        })
        .catch((failure: Error & { statusCode?: number }) => {
          // A rejected caller is expected traffic: one line, no stack trace.
          const denied = failure.statusCode === 401 || failure.name === 'AuthenticationError';
          if (denied) log.warn({ err: failure.message }, 'Teams request not authenticated');
          else log.error({ err: failure.message }, 'Teams request failed');
          if (res.headersSent) return;
          if (denied) res.status(401).json({ error: 'The request is not authenticated.' });
          else res.status(500).json({ error: 'internal error' });
        });
    });
  };
}

// Why an unauthenticated request may not be served, as log fields; undefined when it may.
function unauthenticatedRefusal(req: Request): Record<string, unknown> | undefined {
  const address = req.socket.remoteAddress ?? '';
  if (!LOOPBACK.has(address)) return { reason: 'not loopback', address };

  const forwarded = FORWARDING_HEADERS.filter((name) => req.headers[name] !== undefined);
  if (forwarded.length > 0) return { reason: 'forwarded by a proxy', headers: forwarded };
  return undefined;
}
