import type { Command } from 'commander';
import { ErrorCode, TimlyRenewError, invalidInput } from '../errors.js';
import type { Runtime } from '../runtime.js';
import type { CommandContext } from './main.js';
import { withRuntime } from './run.js';

function requireEntra(runtime: Runtime) {
  if (runtime.entra) return runtime.entra;
  throw new TimlyRenewError(
    ErrorCode.GraphNotConfigured,
    'GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET are not set; ' +
      'Entra steps stay manual.',
  );
}

/** `entra link` and `entra check`. */
export function registerEntraCommands(program: Command, context: CommandContext): void {
  const entra = program
    .command('entra')
    .description('Link accounts to their Entra enterprise apps.');

  entra
    .command('link')
    .description("Link an account to its enterprise apps' service principals and jobs.")
    .argument('<account>', 'account id')
    .option('--user-app <objectId>', 'service principal of "Timly" (else found by name)')
    .option('--person-app <objectId>', 'service principal of "Timly Person Provisioning"')
    .action(async (accountId: string, options: { userApp?: string; personApp?: string }) => {
      await withRuntime(context, async (runtime) => {
        const service = requireEntra(runtime);
        const account = await runtime.core.accounts.get(accountId);
        if (!account) throw invalidInput(`There is no account "${accountId}".`);
        const outcomes = await service.link(account.id, options, account.provisioning);
        for (const outcome of outcomes) context.output.out(outcome.message);
        if (outcomes.some((outcome) => !outcome.linked)) context.exitCode = 1;
      });
    });

  entra
    .command('check')
    .description('Check the link and the Graph permissions; say what is missing.')
    .argument('<account>', 'account id')
    .action(async (accountId: string) => {
      await withRuntime(context, async (runtime) => {
        const service = requireEntra(runtime);
        const account = await runtime.core.accounts.get(accountId);
        if (!account) throw invalidInput(`There is no account "${accountId}".`);
        const report = await service.check(account.id);
        for (const line of report.lines) context.output.out(line);
        if (!report.ok) context.exitCode = 1;
      });
    });
}
