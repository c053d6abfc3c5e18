import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { duration } from '../../config/units.ts';
import { UsageError } from './UsageError.ts';

const COMMON = {
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** parseArgs with the options every node command takes; a bad command line is a UsageError. */
export function commandOptions<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function namespaceOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? (env.KINDLING_NAMESPACE || 'kindling');
}

export function timeoutOf(flag: string | undefined, fallbackMs: number): number {
  if (flag === undefined) return fallbackMs;
  const parsed = duration.safeParse(flag);
  if (!parsed.success)
    throw new UsageError(`--timeout: ${parsed.error.issues[0]?.message ?? 'not a duration'}`);
  return parsed.data;
}
