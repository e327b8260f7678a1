import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Web API call or response_url post that the fake received. */
export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
}

export interface InjectedError {
  error: string;
  status?: number;
  retryAfter?: number;
  times?: number;
}

function parseBody(raw: string, type: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (type?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(raw));
  // The Web API client sends blocks and attachments as JSON strings inside the form.
  for (const key of ['blocks', 'attachments']) {
    if (typeof form[key] === 'string')
      (form as Record<string, unknown>)[key] = JSON.parse(form[key]!);
  }
  return form;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
  });
}

/**
 * A local stand-in for Slack's Web API (`/api/<method>`) and for response URLs
 * (`/respond/<id>`): records every call and answers like Slack, or with an injected error.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  private readonly errors = new Map<string, InjectedError>();
  private server?: Server;
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = parseBody(await read(req), req.headers['content-type']);
      const method = (req.url ?? '').replace(/^\/api\//, '').replace(/^\//, '');
      this.calls.push({ method, body });

      const injected = this.errors.get(method);
      if (injected) {
        if (--injected.times! <= 0) this.errors.delete(method);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (injected.retryAfter !== undefined) headers['retry-after'] = String(injected.retryAfter);
        res.writeHead(injected.status ?? 200, headers);
        res.end(JSON.stringify({ ok: false, error: injected.error }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.answer(method, body)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url the fake records posts to. */
  responseUrl(): string {
    return `${this.url}/respond/${++this.counter}`;
  }

  /** Answers the next call (or `times` calls) of a method with an error. */
  failNext(method: string, error: InjectedError): void {
    this.errors.set(method, { times: 1, ...error });
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method || call.method.startsWith(method));
  }

  /** Waits until a call matches, for work a handler does after its ack. */
  async waitFor(method: string, count = 1, timeoutMs = 10_000): Promise<SlackCall[]> {
    const until = Date.now() + timeoutMs;
    while (this.callsTo(method).length < count) {
      if (Date.now() > until) {
        const seen = this.calls.map((call) => call.method).join(', ');
        throw new Error(`timed out waiting for ${count} × ${method}; saw: ${seen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.callsTo(method);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          user_id: 'UBOT',
          bot_id: 'BBOT',
          team_id: 'T0TEAM',
          user: 'timly-renew',
        };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts, message: { ts } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(body.users)}` } };
      case 'users.lookupByEmail': {
        const local = String(body.email)
          .split('@')[0]!
          .replace(/[^a-z0-9]/gi, '');
        return { ok: true, user: { id: `U${local.toUpperCase()}` } };
      }
      case 'users.info':
        return {
          ok: true,
          user: {
            id: body.user,
            real_name: 'Ada Admin',
            profile: { email: `${String(body.user).toLowerCase()}@example.com` },
          },
        };
      default:
        return { ok: true };
    }
  }
}
