import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  body: any;
  /** The id the fake gave a posted activity or a created conversation. */
  responseId?: string;
}

/** A fault to answer for one conversation instead of doing the call. */
export interface ConnectorFault {
  status: number;
  retryAfterSeconds?: number;
  /** How many calls get the fault; unlimited when unset. */
  times?: number;
}

/** A member as GET .../members/{id} returns it. */
export interface FakeMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
}

/** A local Bot Connector on 127.0.0.1 that records every call; the activity's serviceUrl. */
export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  members: Map<string, FakeMember>;
  fail(conversationId: string, fault: ConnectorFault): void;
  /** Calls that posted or updated an activity, optionally for one conversation. */
  activities(conversationId?: string): ConnectorCall[];
  waitFor(check: (calls: ConnectorCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The id of a user's 1:1 chat with the bot; activity builders use the same. */
export function personalConversationId(userId: string): string {
  return `a:1:${userId}`;
}

/** Starts the fake on a free loopback port. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const faults = new Map<string, ConnectorFault>();
  const members = new Map<string, FakeMember>();
  let next = 1;

  const app = express();
  app.use(express.json({ limit: '1mb' }));

  // Record first, then answer with the injected fault for that conversation, if any.
  app.use('/v3/conversations', (req, res, nextHandler) => {
    const [, conversation, kind, id] = req.path.split('/').map(decodeURIComponent);
    const call: ConnectorCall = {
      method: req.method,
      path: req.path,
      conversationId: conversation || undefined,
      activityId: kind === 'activities' ? id : undefined,
      body: req.body,
    };
    calls.push(call);
    res.locals.call = call;
    const fault = conversation ? faults.get(conversation) : undefined;
    if (!fault) return nextHandler();
    if (fault.times !== undefined && --fault.times <= 0) faults.delete(conversation!);
    if (fault.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(fault.retryAfterSeconds));
    }
    res.status(fault.status).json({ error: { code: `Fault${fault.status}`, message: 'fake' } });
  });

  // A 1:1 chat has one id per user, as in Teams: the same one the user's own messages carry.
  app.post('/v3/conversations', (req, res) => {
    const member = req.body?.members?.[0]?.id ?? `user-${next++}`;
    res.locals.call.responseId = personalConversationId(member);
    res.status(201).json({ id: res.locals.call.responseId, serviceUrl: url });
  });
  const posted: express.RequestHandler = (_req, res) => {
    res.locals.call.responseId = `activity-${next++}`;
    res.status(201).json({ id: res.locals.call.responseId });
  };
  app.post('/v3/conversations/:conversationId/activities', posted);
  app.post('/v3/conversations/:conversationId/activities/:activityId', posted);
  app.put('/v3/conversations/:conversationId/activities/:activityId', (req, res) => {
    res.status(200).json({ id: req.params.activityId });
  });
  app.get('/v3/conversations/:conversationId/members/:userId', (req, res) => {
    const member = members.get(req.params.userId);
    if (!member) return void res.status(404).json({ error: { code: 'MemberNotFound' } });
    res.json(member);
  });
  app.get('/v3/conversations/:conversationId/members', (_req, res) => {
    res.json([...members.values()]);
  });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const activities = (conversationId?: string) =>
    calls.filter(
      (call) =>
        (call.method === 'POST' || call.method === 'PUT') &&
        call.path.includes('/activities') &&
        (!conversationId || call.conversationId === conversationId),
    );

  return {
    url,
    calls,
    members,
    fail: (conversationId, fault) => faults.set(conversationId, { ...fault }),
    activities,
    waitFor: async (check, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (!check(calls)) {
        if (Date.now() > until) throw new Error('the fake Bot Connector never saw the call');
        await new Promise((done) => setTimeout(done, 25));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The Adaptive Card an activity call carries, if any. */
export function cardIn(call: ConnectorCall | undefined): any {
  return call?.body?.attachments?.find(
    (a: { contentType?: string }) => a.contentType === 'application/vnd.microsoft.card.adaptive',
  )?.content;
}

/** The Action.Execute buttons of a card, by verb. */
export function buttonsOf(card: any): { title: string; verb: string; data: any }[] {
  return (card?.actions ?? []).filter((a: { type: string }) => a.type === 'Action.Execute');
}
