import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger.js';

/** A logger that writes nowhere. */
export function silentLogger(): Logger {
  return createLogger('silent');
}

/** A logger whose lines are kept, for checks that no secret is ever logged. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('trace', sink), lines };
}
