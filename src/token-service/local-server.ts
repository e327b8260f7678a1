import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { PrismaClient } from '../db/client.js';
import { ErrorCode, TimlyRenewError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createLocalTokenServiceRouter } from './local-service.js';

/** Loopback only by default: the local service hands out secrets to whoever holds the key. */
export const DEFAULT_LOCAL_TOKEN_SERVICE_HOST = '127.0.0.1';

/** Port 0 lets the system pick a free port, which suits the in-process service of the bot. */
export const DEFAULT_LOCAL_TOKEN_SERVICE_PORT = 0;

/** Settings of a running local token service. */
export interface StartLocalTokenServiceOptions {
  prisma: PrismaClient;
  log: Logger;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The bearer key clients must send; a random one is made when absent. */
  apiKey?: string;
  now?: () => Date;
}

/** A running local token service: the base URL and key to give HttpTokenService. */
export interface LocalTokenServiceHandle {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/** Makes a random API key for the local token service. */
export function generateLocalApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Starts the local token service on its own HTTP server and resolves once it listens. */
export async function startLocalTokenService(
  options: StartLocalTokenServiceOptions,
): Promise<LocalTokenServiceHandle> {
  const apiKey = options.apiKey ?? generateLocalApiKey();
  const host = options.host ?? DEFAULT_LOCAL_TOKEN_SERVICE_HOST;
  const port = options.port ?? DEFAULT_LOCAL_TOKEN_SERVICE_PORT;
  const log = options.log.child({ module: 'token-service', service: 'local' });

  const app = express();
  app.disable('x-powered-by');
  app.use(createLocalTokenServiceRouter({ ...options, apiKey }));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'No such route.' });
  });

  const server = createServer(app);
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(address.address)}:${address.port}`;
  log.debug({ url }, 'local token service listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive connections from fetch would otherwise hold close() open for seconds.
      server.closeAllConnections();
    });
    return closing;
  };
  return { url, apiKey, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        `The local token service could not listen on ${host}:${port} ` +
        `(${error.code ?? error.message}); choose another port or host.`;
      reject(new TimlyRenewError(ErrorCode.ConfigInvalid, message, { cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
}

function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
