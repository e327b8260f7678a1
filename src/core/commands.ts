import { ACCOUNT_ID } from './accounts.js';

/** A parsed chat command; the same words work on Slack and Teams. */
export type ChatCommand =
  | { kind: 'status' }
  | { kind: 'help' }
  | { kind: 'renew'; accountId: string }
  | { kind: 'connect'; accountId: string }
  | { kind: 'disconnect'; accountId: string }
  | { kind: 'invalid'; message: string };

const WITH_ACCOUNT = ['renew', 'connect', 'disconnect'] as const;
const MAX_TEXT = 500;

/** Parses what follows `/timly-renew` (or a Teams message to the bot); never throws. */
export function parseCommand(text: string | undefined): ChatCommand {
  const raw = (text ?? '').trim();
  if (raw.length > MAX_TEXT) return { kind: 'invalid', message: 'That command is too long.' };

  const [verb = '', ...rest] = raw.split(/\s+/).filter(Boolean);
  const word = verb.toLowerCase();
  if (word === '' || word === 'status') {
    return rest.length === 0 ? { kind: 'status' } : usage('`status` takes no account');
  }
  if (word === 'help') return { kind: 'help' };

  const kind = WITH_ACCOUNT.find((name) => name === word);
  if (!kind) return usage(`"${clip(verb)}" is not a command`);
  if (rest.length !== 1) return usage(`\`${kind}\` takes one account id, e.g. \`${kind} acme\``);
  const accountId = rest[0]!;
  if (!ACCOUNT_ID.test(accountId)) return usage(`"${clip(accountId)}" is not an account id`);
  return { kind, accountId };
}

function clip(text: string): string {
  const plain = text.replace(/[^\p{L}\p{N}._@-]/gu, '?');
  return plain.length > 40 ? `${plain.slice(0, 40)}…` : plain;
}

function usage(problem: string): ChatCommand {
  return {
    kind: 'invalid',
    message: `${problem}. Use status, renew ACCOUNT, connect ACCOUNT, disconnect ACCOUNT or help.`,
  };
}
