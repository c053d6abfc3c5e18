import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/createLogger.ts';

/** A real pino logger whose JSON lines are kept in memory, so tests can read exactly what would be logged. */
export function captureLogger(): {
  logger: Logger;
  lines: string[];
  records: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
