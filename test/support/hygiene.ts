import type { PrismaClient } from '../../src/db/client.js';
import { deriveToken } from '../../src/token-service/local-service.js';
import type { SlackCall } from './fake-slack.js';

/** Every token the built-in token service of this database ever issued, recomputed. */
export async function issuedTokens(prisma: PrismaClient): Promise<string[]> {
  const key = await prisma.localServiceKey.findUnique({ where: { id: 1 } });
  if (!key) return [];
  const serviceKey = Buffer.from(key.key, 'base64');
  const keys = await prisma.localRenewalKey.findMany();
  return keys.map((row) => deriveToken(serviceKey, row.accountId, row.idempotencyKey));
}

/** Slack calls that others than the one admin can see: channel posts, updates, replies. */
export function publicSlackTexts(calls: SlackCall[]): string[] {
  return calls
    .filter((call) => call.method !== 'chat.postEphemeral')
    .filter(
      (call) => !(call.method === 'chat.postMessage' && String(call.body.channel).startsWith('D')),
    )
    .map((call) => JSON.stringify(call.body));
}

/** Names every place where an issued token shows up in text that must never carry one. */
export function findLeaks(tokens: string[], texts: Record<string, string[]>): string[] {
  const leaks: string[] = [];
  for (const [place, list] of Object.entries(texts)) {
    for (const text of list) {
      if (tokens.some((token) => text.includes(token)))
        leaks.push(`${place}: ${text.slice(0, 200)}`);
    }
  }
  return leaks;
}
