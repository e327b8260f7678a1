import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { PrismaClient } from '../db/client.js';
import { ErrorCode, TimlyRenewError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What the HTTP server needs to know to answer /readyz and to route chat traffic. */
export interface ServerParts {
  prisma: PrismaClient;
  schedulerRunning: () => boolean;
  log: Logger;
  slack?: (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ) => void;
  teams?: RequestHandler;
}

/** Prometheus metrics of the bot, on its own registry. */
export function createMetrics(prisma: PrismaClient): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'timly_renew_' });
  new Gauge({
    name: 'timly_renew_accounts',
    help: 'Registered Timly accounts',
    registers: [registry],
    async collect() {
      this.set(await prisma.account.count());
    },
  });
  new Gauge({
    name: 'timly_renew_open_renewals',
    help: 'Renewals whose new token is not yet confirmed in Entra',
    registers: [registry],
    async collect() {
      this.set(await prisma.renewal.count({ where: { activeKey: { not: null } } }));
    },
  });
  new Gauge({
    name: 'timly_renew_broken_channels',
    help: 'Connected channels that refuse the bot',
    registers: [registry],
    async collect() {
      this.set(await prisma.destination.count({ where: { brokenAt: { not: null } } }));
    },
  });
  return registry;
}

/** The one HTTP app: Slack, Teams, health, readiness and metrics. */
export function createHttpApp(parts: ServerParts): Express {
  const app = express();
  app.disable('x-powered-by');
  const metrics = createMetrics(parts.prisma);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const database = await parts.prisma.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    const scheduler = parts.schedulerRunning();
    res.status(database && scheduler ? 200 : 503).json({ database, scheduler });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });

  const slack = parts.slack;
  app.post('/slack/events', (req, res) => {
    if (!slack) {
      res
        .status(404)
        .json({ error: 'Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.' });
      return;
    }
    slack(req, res);
  });
  if (parts.teams) app.post('/api/messages', parts.teams);
  else {
    app.post('/api/messages', (_req, res) => {
      res.status(404).json({ error: 'Teams is off.' });
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(parts.log.child({ module: 'http' })));
  return app;
}

// What body-parser's refusals mean to the caller; its other 4xx errors answer 'bad request'.
const BODY_ERRORS: Record<string, { status: number; error: string }> = {
  'entity.parse.failed': { status: 400, error: 'The body is not valid JSON.' },
  'entity.too.large': { status: 413, error: 'The body is too large.' },
};

/**
 * The last handler: every error a route lets escape becomes one line of JSON, never Express's
 * HTML page with a stack trace. The log gets the message and code only: body-parser errors
 * carry the raw body, and a JSON.parse message quotes it.
 */
function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const fault = (typeof error === 'object' && error !== null ? error : {}) as {
      type?: unknown;
      status?: unknown;
      code?: unknown;
    };
    const status = typeof fault.status === 'number' ? fault.status : 500;
    const where = { method: req.method, path: req.path };

    if (typeof fault.type === 'string' && status >= 400 && status < 500) {
      const known = BODY_ERRORS[fault.type] ?? { status, error: 'bad request' };
      log.warn({ ...where, type: fault.type, status: known.status }, 'request body refused');
      if (!res.headersSent) res.status(known.status).json({ error: known.error });
      return;
    }

    const message = error instanceof Error ? error.message : String(error);
    const code = typeof fault.code === 'string' ? fault.code : undefined;
    log.error({ ...where, err: message, code }, 'request failed');
    if (res.headersSent) res.end();
    else res.status(500).json({ error: 'internal error' });
  };
}

/** Listens on the port; resolves with the server and the port it got. */
export async function listen(app: Express, port: number, host?: string) {
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') return reject(error);
      const problem = error.code === 'EADDRINUSE' ? 'is already in use' : 'is not allowed';
      const fix = 'stop the other process or set PORT to a free port';
      reject(new TimlyRenewError(ErrorCode.ConfigInvalid, `PORT ${port} ${problem}: ${fix}.`));
    });
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
