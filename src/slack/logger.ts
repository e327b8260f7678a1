import bolt from '@slack/bolt';
import type { Logger } from '../logger.js';

// Slack's Web API client logs whole request bodies at debug level, and a body carrying a private
// message carries the token: such lines are cut down to their first words.
const BODY_LINE = /(request body|response body|http response)/i;

function text(messages: unknown[]): string {
  const line = messages.map(String).join(' ');
  const body = BODY_LINE.exec(line);
  return body ? `${line.slice(0, body.index)}${body[0]} (omitted)` : line;
}

/** A logger of Bolt's and the Web API client's shape that forwards to pino, minus bodies. */
export function slackLogger(log: Logger) {
  return {
    debug: (...msg: unknown[]) => log.debug({ bolt: text(msg) }, 'slack sdk'),
    info: (...msg: unknown[]) => log.info({ bolt: text(msg) }, 'slack sdk'),
    warn: (...msg: unknown[]) => log.warn({ bolt: text(msg) }, 'slack sdk'),
    error: (...msg: unknown[]) => log.error({ bolt: text(msg) }, 'slack sdk'),
    setLevel: () => {},
    getLevel: () => bolt.LogLevel.DEBUG,
    setName: () => {},
  };
}
