import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Keys never written as they are, wherever they appear; `createFlatLineLogger` checks them at the top level. */
export const REDACTED_KEYS = ['authorization', 'headers', 'token'] as const;
export const REDACTED_CENSOR = '[redacted]';

/**
 * JSON lines on stdout. Headers are never logged whole and `authorization` is redacted anyway, as a second
 * line of defence: a token must never reach a log.
 */
export function createLogger({
  level = 'info',
  destination,
}: { level?: LevelWithSilent; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'kindling' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]),
        censor: REDACTED_CENSOR,
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
