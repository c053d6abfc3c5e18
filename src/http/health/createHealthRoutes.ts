import { Hono } from 'hono';
import type { AppEnv } from '../AppEnv.ts';
import type { ErrorResponder } from '../errors/toErrorResponse.ts';

const HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** `/healthz`: the process answers. `/readyz`: the first full load is applied and shutdown has not begun. */
export function createHealthRoutes({
  isReady,
  toErrorResponse,
}: {
  isReady: () => boolean;
  toErrorResponse: ErrorResponder;
}) {
  return new Hono<AppEnv>()
    .get('/healthz', () => new Response('ok\n', { headers: HEADERS }))
    .get('/readyz', () =>
      isReady() ? new Response('ready\n', { headers: HEADERS }) : toErrorResponse('ERR_NOT_READY'),
    );
}
