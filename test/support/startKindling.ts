import { parseServeConfig } from '../../src/config/parseServeConfig.ts';
import { createKindling, type Kindling, type KindlingOptions } from '../../src/server/createKindling.ts';
import { captureLogger } from './captureLogger.ts';

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
export const DEMO_TOKEN = '3f9a1c2e-7b4d-4c8e-9f01-2a3b4c5d6e7f';
/** `serve` on the fixtures, on loopback ports the system chooses (no TLS: add `--plain-http` or a pair). */
export const FIXTURE_SERVE_ARGS: readonly string[] = [
  '--source',
  `dir:${FIXTURES}`,
  '--listen',
  '127.0.0.1:0',
  '--metrics-listen',
  '127.0.0.1:0',
];

/** A whole server on loopback ports chosen by the system; stop it with `kindling.shutdown()`. */
export async function startKindling(
  args: string[] = [],
  options: Partial<Omit<KindlingOptions, 'config' | 'logger'>> = {},
): Promise<{ kindling: Kindling; log: ReturnType<typeof captureLogger> }> {
  const config = parseServeConfig([
    ...FIXTURE_SERVE_ARGS,
    ...(args.includes('--tls-cert') ? [] : ['--plain-http']),
    ...args,
  ]);
  const log = captureLogger();
  const kindling = createKindling({ config, logger: log.logger, ...options });
  await kindling.start();
  return { kindling, log };
}
