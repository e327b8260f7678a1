import { createRuntime, type Runtime } from '../runtime.js';
import type { CommandContext } from './main.js';

/** Opens the runtime for one command and always closes it, also when the command fails. */
export async function withRuntime<T>(
  context: CommandContext,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await createRuntime(context.config(), context.log());
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
