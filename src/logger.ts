import { pino, type Logger } from 'pino';

export type { Logger };

// Field names that may carry a secret anywhere in a log object; pino replaces their values.
const redactedPaths = [
  'token',
  'secret',
  'password',
  'authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'SecretToken',
  '*.SecretToken',
];

/** Builds the one root logger; modules take children of it with `{ module: name }`. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: redactedPaths, censor: '[redacted]' } };
  if (destination) return pino(options, destination as pino.DestinationStream);
  return pino(options);
}
