import { Hono, type Context } from 'hono';
import type { Logger } from '../log/createLogger.ts';
import type { Metrics } from '../metrics/createMetrics.ts';
import type { PayloadStore } from '../store/createPayloadStore.ts';
import { createAccessLog } from './accessLog/createAccessLog.ts';
import type { AppEnv } from './AppEnv.ts';
import { createErrorResponder } from './errors/toErrorResponse.ts';
import { createHealthRoutes } from './health/createHealthRoutes.ts';
import { createIgnitionHandler, type IgnitionHandlerOptions } from './ignition/createIgnitionHandler.ts';
import { createFailureLimiter, type FailureLimiter } from './rateLimit/createFailureLimiter.ts';

export interface AppOptions {
  store: PayloadStore;
  logger: Logger;
  metrics?: Metrics;
  /** What /readyz says: the store's first load is applied and shutdown has not begun. */
  isReady?: () => boolean;
  limiter?: FailureLimiter;
  retryAfterSeconds?: number;
  logRequests?: boolean;
  /** The peer's address; tests inject one, since `app.request()` has no socket. */
  remoteAddress?: (c: Context<AppEnv>) => string;
  onServed?: IgnitionHandlerOptions['onServed'];
}

const socketAddress = (c: Context<AppEnv>) => c.env?.incoming?.socket.remoteAddress ?? 'unknown';

/** The payload port's routes. Sockets, TLS and shutdown are the server's business (server/). */
export function createApp({
  store,
  logger,
  metrics,
  isReady = () => store.ready,
  limiter = createFailureLimiter(),
  retryAfterSeconds = 5,
  logRequests = true,
  remoteAddress = socketAddress,
  onServed,
}: AppOptions): Hono<AppEnv> {
  const toErrorResponse = createErrorResponder({ retryAfterSeconds });
  const app = new Hono<AppEnv>();
  app.use(createAccessLog({ logger, metrics, remoteAddress, logRequests }));
  const ignition = createIgnitionHandler({
    store,
    // Payloads stay servable while shutting down: readiness turns off so traffic moves away, and whatever
    // still arrives is answered properly rather than told to retry.
    isReady: () => store.ready,
    limiter,
    toErrorResponse,
    remoteAddress,
    onRateLimited: () => metrics?.rateLimited.inc(),
    onServed,
  });
  // Hono answers HEAD with the GET handler's status and headers, without the body.
  app.get('/ignition', ignition);
  app.all('/ignition', (c) => {
    c.set('errorCode', 'ERR_METHOD_NOT_ALLOWED');
    return toErrorResponse('ERR_METHOD_NOT_ALLOWED');
  });
  app.route('/', createHealthRoutes({ isReady, toErrorResponse }));
  app.notFound(() => toErrorResponse('ERR_NOT_FOUND'));
  app.onError((error, c) => {
    logger.error({ msg: 'unhandled error', err: error, route: c.req.path.slice(0, 100) });
    return toErrorResponse('ERR_INTERNAL');
  });
  return app;
}
