import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RequestRecorder } from '../accessLog/createRequestRecorder.ts';
import type { ErrorAnswers } from '../errors/createErrorAnswers.ts';
import type { IgnitionOutcome, IgnitionResponder } from './createIgnitionResponder.ts';
import { readIgnitionHeaders, type IgnitionHeaders } from './readIgnitionHeaders.ts';

function routeOf(url: string): '/ignition' | '/cloud-config' | undefined {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  if (path === '/ignition') return '/ignition';
  return path === '/cloud-config' ? '/cloud-config' : undefined;
}

/**
 * The boot-storm path: GET and HEAD /ignition and /cloud-config answered straight on `node:http`, writing
 * prepared headers and bytes, with no Request/Response objects in between. Everything else goes to the Hono app. The answer itself
 * comes from the same responder the app uses, so the app's tests cover its logic.
 *
 * A per-machine token's answer is a promise: written when it settles. If it rejects (a bug), the client gets
 * ERR_INTERNAL (500, Ignition retries) and `onError` hears why; nothing is left unhandled.
 */
export function createIgnitionListener({
  answerIgnition,
  record,
  fallback,
  errors,
  onError,
  // The module's binding, not the global: Node defines `globalThis.performance` as a getter, read per call.
  now = () => performance.now(),
}: {
  answerIgnition: IgnitionResponder;
  record: RequestRecorder;
  fallback: RequestListener;
  errors: ErrorAnswers;
  onError: (error: unknown, path: string) => void;
  now?: () => number;
}): RequestListener {
  const internal: IgnitionOutcome = {
    answer: errors.answer('ERR_INTERNAL'),
    pool: undefined,
    tokenFingerprint: undefined,
    machine: undefined,
  };

  // Arguments rather than a closure per request: the hot path allocates nothing it did not before.
  function finish(
    res: ServerResponse,
    method: string,
    path: string,
    headers: IgnitionHeaders,
    remoteAddress: string,
    start: number,
    { answer, pool, tokenFingerprint, machine }: IgnitionOutcome,
  ) {
    // writeHead only reads the list (typed mutable by @types/node).
    res.writeHead(answer.status, (answer.headerList as string[] | undefined) ?? answer.headers);
    res.end(method === 'HEAD' ? undefined : (answer.body ?? undefined));
    record({
      method,
      path,
      status: answer.status,
      errorCode: answer.errorCode,
      pool,
      tokenFingerprint,
      machine,
      remoteAddress,
      userAgent: headers.userAgent,
      seconds: (now() - start) / 1000,
    });
  }

  // A connection's peer, read from its socket once, not once per request on a kept-alive connection:
  // `socket.remoteAddress` goes through node's `_getpeername` and `_handle` accessors on every read, and in a
  // process with several kinds of socket those property loads are megamorphic (about 550 instructions per
  // request under callgrind, of some 80,000 for a whole 401).
  const peers = new WeakMap<Socket, string>();
  function peerOf(socket: Socket): string {
    let address = peers.get(socket);
    if (address === undefined) {
      // Undefined once the socket is gone: not kept, so a later read cannot be stuck on 'unknown'.
      address = socket.remoteAddress;
      if (address === undefined) return 'unknown';
      peers.set(socket, address);
    }
    return address;
  }

  return function listener(req: IncomingMessage, res: ServerResponse) {
    const method = req.method ?? '';
    const path = method === 'GET' || method === 'HEAD' ? routeOf(req.url ?? '') : undefined;
    if (path === undefined) return fallback(req, res);
    const start = now();
    const headers = readIgnitionHeaders(req.rawHeaders);
    const remoteAddress = peerOf(req.socket);
    const outcome = answerIgnition({
      format: path === '/ignition' ? 'ignition' : 'cloud-config',
      authorization: headers.authorization,
      accept: headers.accept,
      acceptEncoding: headers.acceptEncoding,
      ifNoneMatch: headers.ifNoneMatch,
      remoteAddress,
    });
    if (!(outcome instanceof Promise))
      return finish(res, method, path, headers, remoteAddress, start, outcome);
    outcome
      .then((settled) => finish(res, method, path, headers, remoteAddress, start, settled))
      .catch((error: unknown) => {
        try {
          onError(error, path);
          if (res.headersSent) res.destroy();
          else finish(res, method, path, headers, remoteAddress, start, internal);
        } catch {
          res.destroy();
        }
      });
  };
}
