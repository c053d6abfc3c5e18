import { Hono, type Context } from 'hono';
import type { Logger } from '../log/createLogger.ts';
import type { Metrics } from '../metrics/createMetrics.ts';
import type { PayloadStore } from '../store/createPayloadStore.ts';
import { createMemoryReportStore } from '../machines/createMemoryReportStore.ts';
import type { MachineReportStore } from '../machines/MachineReportStore.ts';
import { createAdvertiseRoutes } from './advertise/createAdvertiseRoutes.ts';
import { createAccessLog } from './accessLog/createAccessLog.ts';
import { createRequestRecorder } from './accessLog/createRequestRecorder.ts';
import type { AppEnv } from './AppEnv.ts';
import { createAuthenticator } from './auth/createAuthenticator.ts';
import { createErrorAnswers } from './errors/createErrorAnswers.ts';
import { createHealthRoutes } from './health/createHealthRoutes.ts';
import { createIgnitionHandler } from './ignition/createIgnitionHandler.ts';
import {
  createIgnitionResponder,
  type IgnitionResponderOptions,
} from './ignition/createIgnitionResponder.ts';
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
  onServed?: IgnitionResponderOptions['onServed'];
  onMachineServed?: IgnitionResponderOptions['onMachineServed'];
  /** Where POST /advertise keeps machine reports; default: in memory. */
  reports?: MachineReportStore;
}

const socketAddress = (c: Context<AppEnv>) => c.env?.incoming?.socket.remoteAddress ?? 'unknown';

/**
 * The payload port's handlers: the Hono app, and the pieces the server's `node:http` fast path shares with it
 * (the /ignition responder and the request recorder). Sockets, TLS and shutdown are server/'s business.
 */
export function createHttpHandlers({
  store,
  logger,
  metrics,
  isReady = () => store.ready,
  limiter = createFailureLimiter(),
  retryAfterSeconds = 5,
  logRequests = true,
  remoteAddress = socketAddress,
  onServed,
  onMachineServed,
  reports = createMemoryReportStore(),
}: AppOptions) {
  const errors = createErrorAnswers({ retryAfterSeconds });
  const record = createRequestRecorder({ logger, metrics, logRequests });
  const authenticate = createAuthenticator({
    store,
    // Payloads stay servable while shutting down: readiness turns off so traffic moves away, and whatever
    // still arrives is answered properly rather than told to retry.
    isLoaded: () => store.ready,
    limiter,
    onRateLimited: () => metrics?.rateLimited.inc(),
  });
  const answerIgnition = createIgnitionResponder({
    store,
    authenticate,
    errors,
    onServed,
    onMachineServed,
  });
  const app = new Hono<AppEnv>();
  app.use(createAccessLog({ record, remoteAddress }));
  for (const format of ['ignition', 'cloud-config'] as const) {
    app.get(`/${format}`, createIgnitionHandler({ answerIgnition, remoteAddress, format }));
    app.all(`/${format}`, (c) => {
      c.set('errorCode', 'ERR_METHOD_NOT_ALLOWED');
      return errors.response('ERR_METHOD_NOT_ALLOWED');
    });
  }
  app.route('/', createHealthRoutes({ isReady, errors }));
  app.route(
    '/',
    createAdvertiseRoutes({
      authenticate,
      errors,
      reports,
      remoteAddress,
      onStoreFailed: (error, machine) =>
        logger.warn({
          msg: 'machine report not stored; the machine retries',
          machine,
          reason: String(error),
        }),
    }),
  );
  app.notFound(() => errors.response('ERR_NOT_FOUND'));
  app.onError((error, c) => {
    logger.error({ msg: 'unhandled error', err: error, route: c.req.path.slice(0, 100) });
    return errors.response('ERR_INTERNAL');
  });
  return { app, answerIgnition, authenticate, errors, record };
}

export function createApp(options: AppOptions): Hono<AppEnv> {
  return createHttpHandlers(options).app;
}
