import { parseServeConfig } from '../config/parseServeConfig.ts';
import type { ServeConfig } from '../config/ServeConfig.ts';
import { KindlingError } from '../errors/KindlingError.ts';
import { createLogger } from '../log/createLogger.ts';
import { createKindling, type Kindling } from '../server/createKindling.ts';

/** Bad configuration exits 2 with every problem named; nothing has started by then. */
export function readConfig(args: readonly string[], env: NodeJS.ProcessEnv): ServeConfig | undefined {
  try {
    return parseServeConfig(args, env);
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    process.stderr.write(`kindling serve: invalid configuration\n${error.message}\n\nSee: kindling help\n`);
    return undefined;
  }
}

/** Starts, then waits for SIGTERM/SIGINT and shuts down gracefully; a second signal exits at once. */
export async function serveUntilSignalled(
  config: ServeConfig,
  { onStarted }: { onStarted?: (kindling: Kindling) => void } = {},
): Promise<number> {
  const logger = createLogger({ level: config.logLevel });
  const kindling = createKindling({ config, logger });
  try {
    await kindling.start();
  } catch (error) {
    logger.fatal({ msg: 'cannot start', reason: (error as Error).message });
    logger.flush();
    await kindling.shutdown().catch(() => undefined);
    return error instanceof KindlingError && error.code === 'ERR_CONFIG_INVALID' ? 2 : 1;
  }
  onStarted?.(kindling);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ msg: 'signal received', signal });
  const again = () => process.exit(1);
  process.once('SIGTERM', again).once('SIGINT', again);
  await kindling.shutdown();
  return 0;
}

export async function runServe(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const config = readConfig(args, env);
  return config ? serveUntilSignalled(config) : 2;
}
