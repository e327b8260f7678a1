import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { PrismaClient } from '../db/client.js';
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
  return app;
}

/** Listens on the port; resolves with the server and the port it got. */
export async function listen(app: Express, port: number, host?: string) {
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
