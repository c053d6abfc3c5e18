import type { Server } from 'node:http';
import type { Logger } from '../log/createLogger.ts';

export interface ShutdownOptions {
  servers: Server[];
  timeoutMs: number;
  delayMs: number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  beforeClose: () => void;
  afterClose: () => Promise<void>;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Idle kept-alive connections would hold close() open until their own timeout.
    server.closeIdleConnections();
  });
}

/**
 * Readiness off, optionally wait for load balancers to notice, stop accepting, let in-flight requests finish
 * until the deadline, then cut what is left. Calling it again returns the same promise.
 */
export function createShutdown({
  servers,
  timeoutMs,
  delayMs,
  sleep,
  logger,
  beforeClose,
  afterClose,
}: ShutdownOptions) {
  let done: Promise<void> | undefined;
  async function run() {
    beforeClose();
    logger.info({ msg: 'shutting down: readiness off', delayMs, timeoutMs });
    if (delayMs > 0) await sleep(delayMs);
    const closed = Promise.all(servers.map(close));
    let timedOut = false;
    let deadline: NodeJS.Timeout | undefined;
    const idle = setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 100);
    await Promise.race([
      closed,
      new Promise<void>((resolve) => {
        deadline = setTimeout(() => resolve(void (timedOut = true)), timeoutMs);
      }),
    ]);
    clearTimeout(deadline);
    clearInterval(idle);
    if (timedOut) {
      logger.warn({ msg: 'shutdown deadline reached; closing the connections still open' });
      servers.forEach((server) => server.closeAllConnections());
      await closed;
    }
    await afterClose();
    logger.info({ msg: 'shut down' });
  }
  return () => (done ??= run());
}
