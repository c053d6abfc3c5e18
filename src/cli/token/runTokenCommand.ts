import { KindlingError } from '../../errors/KindlingError.ts';
import { createCommandContext, type CommandContext } from './CommandContext.ts';
import { CommandError } from '../CommandError.ts';
import { runCreate } from './commands/runCreate.ts';
import { runList } from './commands/runList.ts';
import { runMint } from './commands/runMint.ts';
import { runRevoke } from './commands/runRevoke.ts';
import { runRotate } from './commands/runRotate.ts';
import { runRotateKey } from './commands/runRotateKey.ts';
import { runStub } from './commands/runStub.ts';
import { commandUsage, tokenUsage } from './tokenUsage.ts';

type Command = (args: readonly string[], context: CommandContext) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  'token create': runCreate,
  'token rotate': runRotate,
  'token revoke': runRevoke,
  'token list': runList,
  'token mint': runMint,
  'token rotate-key': runRotateKey,
  stub: runStub,
};

/**
 * `kindling token …` and `kindling stub …`. Exit codes: 0 done (including "nothing to change"), 2 the
 * command line or an input file is wrong (nothing was written), 1 the cluster failed or refused.
 */
export async function runTokenCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  overrides: Partial<Omit<CommandContext, 'env'>> = {},
): Promise<number> {
  const context = createCommandContext(env, overrides);
  const [group, ...rest] = args;
  const [name, commandArgs] =
    group === 'stub' ? ['stub', rest] : [`token ${rest[0] ?? ''}`.trim(), rest.slice(1)];
  const command = COMMANDS[name];
  if (command === undefined) {
    if (rest[0] === undefined) {
      context.stdout(tokenUsage());
      return 2;
    }
    const asked = ['help', '--help', '-h'].includes(rest[0]);
    if (asked) context.stdout(tokenUsage());
    else context.stderr(`kindling: unknown command "${name}"\n\n${tokenUsage()}`);
    return asked ? 0 : 2;
  }
  if (commandArgs.includes('--help') || commandArgs.includes('-h')) {
    context.stdout(commandUsage(name));
    return 0;
  }
  try {
    return await command(commandArgs, context);
  } catch (error) {
    if (error instanceof CommandError) {
      const hint = error.exitCode === 2 ? `\nSee: kindling ${name} --help` : '';
      context.stderr(`kindling ${name}: ${error.message}${hint}\n`);
      return error.exitCode;
    }
    if (error instanceof KindlingError) {
      context.stderr(`kindling ${name}: ${error.message}\n`);
      return error.code === 'ERR_CONFIG_INVALID' ? 2 : 1;
    }
    throw error;
  }
}
