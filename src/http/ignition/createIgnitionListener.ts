import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { RequestRecorder } from '../accessLog/createRequestRecorder.ts';
import type { IgnitionResponder } from './createIgnitionResponder.ts';

const ROUTES = ['/ignition', '/cloud-config'] as const;

function routeOf(url: string): (typeof ROUTES)[number] | undefined {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  return ROUTES.find((route) => route === path);
}

/**
 * The boot-storm path: GET and HEAD /ignition and /cloud-config answered straight on `node:http`, writing prepared headers and
 * bytes, with no Request/Response objects in between. Everything else goes to the Hono app. The answer itself
 * comes from the same responder the app uses, so the app's tests cover its logic.
 */
export function createIgnitionListener({
  answerIgnition,
  record,
  fallback,
  now = () => performance.now(),
}: {
  answerIgnition: IgnitionResponder;
  record: RequestRecorder;
  fallback: RequestListener;
  now?: () => number;
}): RequestListener {
  return function listener(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? '';
    const path = method === 'GET' || method === 'HEAD' ? routeOf(req.url ?? '') : undefined;
    if (path === undefined) return fallback(req, res);
    const start = now();
    const headers = req.headers;
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    const { answer, pool, tokenFingerprint } = answerIgnition({
      format: path === '/ignition' ? 'ignition' : 'cloud-config',
      authorization: headers.authorization,
      accept: headers.accept,
      acceptEncoding: headers['accept-encoding'],
      ifNoneMatch: headers['if-none-match'],
      remoteAddress,
    });
    res.writeHead(answer.status, answer.headers);
    res.end(method === 'HEAD' ? undefined : (answer.body ?? undefined));
    record({
      method,
      path,
      status: answer.status,
      errorCode: answer.errorCode,
      pool,
      tokenFingerprint,
      remoteAddress,
      userAgent: headers['user-agent'],
      seconds: (now() - start) / 1000,
    });
  };
}
