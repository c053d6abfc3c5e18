import { ApiException } from '@kubernetes/client-node';

/** Stable label values of `kindling_source_errors_total{kind}`. */
export type FailureKind =
  | 'forbidden'
  | 'unauthorized'
  | 'unreachable'
  | 'timeout'
  | 'expired'
  | 'idle'
  | 'closed'
  | 'server'
  | 'internal';

export interface ApiFailure {
  kind: FailureKind;
  /** One line for an operator: what was attempted, where, what to do. Never holds a credential. */
  message: string;
  status?: number | undefined;
}

export interface FailureContext {
  verb: 'list' | 'watch' | 'get' | 'patch';
  /** As `kubectl auth can-i` names it: `secrets`, or `configmaps/cluster-info` for one name. Default secrets. */
  resource?: string;
  /** undefined: all namespaces. */
  namespace: string | undefined;
  /** For a write: the flag that turns it off, offered beside the permission it needs. */
  disableWith?: string;
}

interface StatusLike {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
}

function parseBody(body: unknown): StatusLike | undefined {
  if (typeof body === 'object' && body !== null) return body as StatusLike;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusLike) : undefined;
  } catch {
    return undefined;
  }
}

/** The HTTP status and the API server's own message, from whichever shape client-node handed over. */
function statusOf(error: unknown): { status: number; said: string | undefined } | undefined {
  if (error instanceof ApiException) {
    const body = parseBody(error.body);
    return { status: error.code, said: typeof body?.message === 'string' ? body.message : undefined };
  }
  const candidate = error as {
    statusCode?: unknown;
    body?: unknown;
    kind?: unknown;
    code?: unknown;
    message?: unknown;
  } | null;
  if (typeof candidate?.statusCode === 'number') {
    const body = parseBody(candidate.body);
    return {
      status: candidate.statusCode,
      said: typeof body?.message === 'string' ? body.message : undefined,
    };
  }
  // An ERROR event of a watch stream carries a Status object.
  if (candidate?.kind === 'Status' && typeof candidate.code === 'number') {
    return {
      status: candidate.code,
      said: typeof candidate.message === 'string' ? candidate.message : undefined,
    };
  }
  return undefined;
}

/** undici hides the system error (ECONNREFUSED, ECONNRESET…) in `cause`. */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/** Turns whatever a list, watch, get or patch threw into a failure kind and one clear sentence. */
export function describeApiFailure(
  error: unknown,
  { verb, resource = 'secrets', namespace, disableWith }: FailureContext,
): ApiFailure {
  const where = namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`;
  const status = statusOf(error);
  if (status?.status === 403) {
    const grant =
      namespace === undefined
        ? 'a ClusterRole and ClusterRoleBinding'
        : `a Role and RoleBinding in namespace "${namespace}"`;
    const needs =
      verb === 'patch'
        ? `patch on ${resource}${disableWith ? ` (or serve with ${disableWith})` : ''}`
        : `get, list and watch on ${resource}`;
    return {
      kind: 'forbidden',
      status: 403,
      message: clip(
        `missing RBAC permission: cannot ${verb} ${resource} ${where}; grant ${needs} with ${grant}` +
          (status.said ? ` (API server: ${status.said})` : ''),
      ),
    };
  }
  if (status?.status === 401) {
    return {
      kind: 'unauthorized',
      status: 401,
      message: `the API server rejected the credentials (401 Unauthorized) to ${verb} ${resource} ${where}; check the service account token or the kubeconfig`,
    };
  }
  if (status?.status === 410) {
    return {
      kind: 'expired',
      status: 410,
      message: `${verb} ${resource} ${where}: resource version expired (410 Gone)`,
    };
  }
  if (status) {
    return {
      kind: 'server',
      status: status.status,
      message: clip(
        `${verb} ${resource} ${where} failed with HTTP ${status.status}${status.said ? `: ${status.said}` : ''}`,
      ),
    };
  }
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { name?: unknown } };
  // node:http reports an aborted request as an AbortError whose cause is the signal's reason.
  if (name === 'TimeoutError' || (name === 'AbortError' && cause?.name === 'TimeoutError')) {
    return { kind: 'timeout', message: `${verb} ${resource} ${where} timed out` };
  }
  const code = networkCode(error);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  if (code !== undefined || error instanceof TypeError) {
    return {
      kind: 'unreachable',
      message: clip(`cannot reach the API server to ${verb} ${resource} ${where}: ${reason}`),
    };
  }
  return { kind: 'internal', message: clip(`${verb} ${resource} ${where} failed: ${reason}`) };
}
