import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../log/createLogger.ts';
import type { Metrics } from '../../metrics/createMetrics.ts';
import type { AppEnv } from '../AppEnv.ts';

const ROUTES = new Set(['/ignition', '/healthz', '/readyz']);
const METHODS = new Set(['GET', 'HEAD', 'POST']);
// A client may put its own token anywhere, the User-Agent included: whatever looks like one is not logged.
const TOKEN_LIKE =
  /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[A-Za-z0-9+/_-]{24,}={0,2}/gi;

export interface AccessLogOptions {
  logger: Logger;
  metrics?: Metrics;
  remoteAddress: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string;
  requestId?: () => string;
  now?: () => number;
  /** Per-request lines can be turned off; metrics are always kept. */
  logRequests?: boolean;
}

/**
 * One JSON line and one metric observation per request. Labels come from a fixed set (route, method), so a
 * client cannot create series; the log line carries the token's fingerprint, never the token.
 */
export function createAccessLog({
  logger,
  metrics,
  remoteAddress,
  requestId = () => crypto.randomUUID(),
  now = () => performance.now(),
  logRequests = true,
}: AccessLogOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = now();
    await next();
    const seconds = (now() - start) / 1000;
    const route = ROUTES.has(c.req.path) ? c.req.path.slice(1) : 'other';
    const status = c.res.status;
    metrics?.requests.inc({ route, method: METHODS.has(c.req.method) ? c.req.method : 'other', status });
    metrics?.duration.observe({ route }, seconds);
    if (!logRequests) return;
    logger.info({
      msg: 'request',
      requestId: requestId(),
      method: c.req.method,
      route,
      status,
      error: c.get('errorCode'),
      pool: c.get('pool'),
      tokenFingerprint: c.get('tokenFingerprint'),
      remoteAddress: remoteAddress(c),
      userAgent: c.req.header('user-agent')?.slice(0, 200).replace(TOKEN_LIKE, '[redacted]'),
      durationMs: Math.round(seconds * 1e6) / 1e3,
    });
  };
}
