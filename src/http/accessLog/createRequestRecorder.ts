import { createFlatLineLogger } from '../../log/createFlatLineLogger.ts';
import type { Logger } from '../../log/createLogger.ts';
import type { Metrics } from '../../metrics/createMetrics.ts';

// Path → route label, made once: labelling a request allocates nothing.
const ROUTES = new Map(
  ['/ignition', '/cloud-config', '/advertise', '/healthz', '/readyz'].map((path) => [path, path.slice(1)]),
);
const METHODS = new Set(['GET', 'HEAD', 'POST']);
// A client may put its own token anywhere, the User-Agent included: whatever looks like one is not logged.
const TOKEN_LIKE =
  /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[A-Za-z0-9+/_-]{24,}={0,2}/gi;

export interface RequestRecord {
  method: string;
  /** The path without the query; only a fixed set of routes becomes a label. */
  path: string;
  status: number;
  errorCode: string | undefined;
  pool: string | undefined;
  tokenFingerprint: string | undefined;
  /** The machine a verified per-machine token names (a node name, not a secret). */
  machine?: string | undefined;
  remoteAddress: string;
  userAgent: string | undefined;
  seconds: number;
}

export interface RequestRecorderOptions {
  logger: Logger;
  metrics?: Metrics | undefined;
  logRequests?: boolean;
  requestId?: () => string;
}

/**
 * One metric observation and one JSON line per request, whichever path served it. Labels come from a fixed
 * set (route, method, status), so a client cannot create series; the line carries the token's fingerprint,
 * never the token, and the machine name only once a per-machine token naming it verified.
 */
export function createRequestRecorder({
  logger,
  metrics,
  logRequests = true,
  requestId = () => crypto.randomUUID(),
}: RequestRecorderOptions) {
  // A boot storm is one path and method again and again: their labels are kept at hand, not looked up.
  let lastPath = '';
  let lastRoute = 'other';
  let lastMethod = '';
  let lastMethodLabel = 'other';
  // The access line has scalar fields only: the root logger's nested redaction would find nothing, at a cost.
  const access = createFlatLineLogger(logger);
  return function record(r: RequestRecord): void {
    if (r.path !== lastPath) {
      lastPath = r.path;
      lastRoute = ROUTES.get(r.path) ?? 'other';
    }
    if (r.method !== lastMethod) {
      lastMethod = r.method;
      lastMethodLabel = METHODS.has(r.method) ? r.method : 'other';
    }
    metrics?.observeRequest(lastRoute, lastMethodLabel, r.status, r.seconds);
    if (!logRequests) return;
    access.info({
      msg: 'request',
      requestId: requestId(),
      method: r.method,
      route: lastRoute,
      status: r.status,
      error: r.errorCode,
      pool: r.pool,
      tokenFingerprint: r.tokenFingerprint,
      machine: r.machine,
      remoteAddress: r.remoteAddress,
      userAgent: r.userAgent?.slice(0, 200).replace(TOKEN_LIKE, '[redacted]'),
      durationMs: Math.round(r.seconds * 1e6) / 1e3,
    });
  };
}

export type RequestRecorder = ReturnType<typeof createRequestRecorder>;
