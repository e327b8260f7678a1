import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '../../src/db/client.js';
import type { Logger } from '../../src/logger.js';
import {
  startLocalTokenService,
  type LocalTokenServiceHandle,
} from '../../src/token-service/local-server.js';

/** A fault to answer one renew call with instead of (or after) the real service. */
export interface TokenServiceFault {
  status?: number;
  body?: string;
  retryAfter?: string;
  /** Forward to the real service first (it renews), then answer with the fault. */
  afterForwarding?: boolean;
  /** Hold the answer this long (beyond the client's timeout for a time-out). */
  delayMs?: number;
}

/**
 * The real built-in token service behind a proxy that can answer renew calls with faults:
 * 401, 404, 409, 429, 5xx, a malformed body or no answer in time.
 */
export class FaultyTokenService {
  readonly faults: TokenServiceFault[] = [];
  renewCalls = 0;
  url = '';
  readonly apiKey = 'faulty-test-key';
  private server?: Server;
  private real?: LocalTokenServiceHandle;

  async start(prisma: PrismaClient, log: Logger): Promise<this> {
    this.real = await startLocalTokenService({ prisma, log, apiKey: this.apiKey });
    const target = new URL(this.real.url);
    this.server = createServer((req, res) => {
      const isRenew = req.method === 'POST' && (req.url ?? '').endsWith('/renew');
      if (isRenew) this.renewCalls += 1;
      const fault = isRenew ? this.faults.shift() : undefined;

      const answerFault = () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault?.retryAfter) headers['retry-after'] = fault.retryAfter;
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(fault!.status ?? 500, headers);
          res.end(fault!.body ?? '{"error":"fault"}');
        };
        setTimeout(send, fault?.delayMs ?? 0);
      };
      if (fault && !fault.afterForwarding) {
        req.resume();
        answerFault();
        return;
      }

      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          if (fault) {
            answer.resume();
            answerFault();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    await this.real?.close();
  }
}
