import { Hono } from 'hono';
import type { AppEnv } from '../AppEnv.ts';
import type { ErrorAnswers } from '../errors/createErrorAnswers.ts';

const HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

/** `/healthz`: the process answers. `/readyz`: the first full load is applied and shutdown has not begun. */
export function createHealthRoutes({ isReady, errors }: { isReady: () => boolean; errors: ErrorAnswers }) {
  return new Hono<AppEnv>()
    .get('/healthz', () => new Response('ok\n', { headers: HEADERS }))
    .get('/readyz', () =>
      isReady() ? new Response('ready\n', { headers: HEADERS }) : errors.response('ERR_NOT_READY'),
    );
}
