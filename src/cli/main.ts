import { Command, CommanderError } from 'commander';
import dotenv from 'dotenv';
import { loadConfig, type Config } from '../config.js';
import { TimlyRenewError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { registerAccountCommands } from './accounts.js';
import { registerEntraCommands } from './entra.js';
import { registerOperationCommands } from './operations.js';

/** Where a command writes its answer; tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** What each command gets: settings parsed once, a logger, and the output. */
export interface CommandContext {
  config(): Config;
  log(): Logger;
  output: Output;
  /** Set by a command that ran but found a problem (e.g. `entra check`); 0 otherwise. */
  exitCode: number;
}

const stdio: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Runs the CLI; resolves with the exit code. */
export async function main(
  argv: string[],
  output: Output = stdio,
  env = process.env,
): Promise<number> {
  dotenv.config({ quiet: true, processEnv: env });
  let config: Config | undefined;
  let log: Logger | undefined;
  const context: CommandContext = {
    config: () => (config ??= loadConfig(env)),
    // Logs go to stderr so that command output on stdout stays clean for scripts.
    log: () => (log ??= createLogger(context.config().logLevel, process.stderr)),
    output,
    exitCode: 0,
  };

  const program = new Command('timly-renew')
    .description('Warns before the Timly SCIM provision token expires and renews it safely.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => output.out(s.trimEnd()),
      // Commander's usage errors read like the product's own: one line, named after it.
      writeErr: (s) => output.err(s.trimEnd().replace(/^error: /, 'timly-renew: ')),
    });
  registerAccountCommands(program, context);
  registerOperationCommands(program, context);
  registerEntraCommands(program, context);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    // Help and --version end with 0; a usage error is bad input, like the product's own.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof TimlyRenewError) {
      output.err(`timly-renew: ${error.message}`);
      return 2;
    }
    output.err(`timly-renew: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
