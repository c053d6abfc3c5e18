import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../AppEnv.ts';
import type { RequestRecorder } from './createRequestRecorder.ts';

/** The Hono side of the access log: every request the app answers is recorded once. */
export function createAccessLog({
  record,
  remoteAddress,
  now = () => performance.now(),
}: {
  record: RequestRecorder;
  remoteAddress: (c: Context<AppEnv>) => string;
  now?: () => number;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = now();
    await next();
    record({
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      errorCode: c.get('errorCode'),
      pool: c.get('pool'),
      tokenFingerprint: c.get('tokenFingerprint'),
      machine: c.get('machine'),
      remoteAddress: remoteAddress(c),
      userAgent: c.req.header('user-agent'),
      seconds: (now() - start) / 1000,
    });
  };
}
