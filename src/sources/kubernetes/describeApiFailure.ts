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
  /** As RBAC names it: `list`, `watch`, `get`, `patch`, `create`, `delete`. */
  verb: string;
  /** As `kubectl auth can-i` names it: `secrets`, or `configmaps/cluster-info` for one name. Default secrets. */
  resource?: string;
  /** The object, when the call names one and `resource` does not. */
  name?: string | undefined;
  /** undefined: all namespaces for the server; a cluster-scoped resource for an operator's command. */
  namespace: string | undefined;
  /** For a write: the flag that turns it off, offered beside the permission it needs. */
  disableWith?: string;
  /**
   * Set when an operator's command made the call (the CLI): the remedy is the operator's own credentials and
   * kubeconfig, not the server's Role, and a 404 or 409 is an answer a person can act on.
   */
  operator?: { server: string };
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

/** Turns whatever a call to the API server threw into a failure kind and one clear sentence. */
export function describeApiFailure(error: unknown, context: FailureContext): ApiFailure {
  const status = statusOf(error);
  if (status !== undefined) {
    return context.operator === undefined
      ? forServer(status, context)
      : forOperator(status, context, context.operator.server);
  }
  const { verb, operator } = context;
  const what = `${verb} ${objectOf(context)}${whereOf(context)}`;
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { name?: unknown } };
  // node:http reports an aborted request as an AbortError whose cause is the signal's reason.
  if (name === 'TimeoutError' || (name === 'AbortError' && cause?.name === 'TimeoutError')) {
    const message =
      operator === undefined
        ? `${what} timed out`
        : `${what}: the API server at ${operator.server} did not answer in time`;
    return { kind: 'timeout', message };
  }
  const code = networkCode(error);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  if (code !== undefined || error instanceof TypeError) {
    const server = operator === undefined ? 'the API server' : `the API server at ${operator.server}`;
    return {
      kind: 'unreachable',
      message: clip(`cannot reach ${server} to ${verb} ${objectOf(context)}${whereOf(context)}: ${reason}`),
    };
  }
  return { kind: 'internal', message: clip(`${what} failed: ${reason}`) };
}

/** `secrets`, or `secrets "token-workers"` when the call names one. */
function objectOf({ resource = 'secrets', name }: FailureContext): string {
  return name === undefined ? resource : `${resource} "${name}"`;
}

function whereOf({ namespace, operator }: FailureContext): string {
  if (namespace !== undefined) return ` in namespace "${namespace}"`;
  return operator === undefined ? ' in all namespaces' : '';
}

/** The server's own calls: it runs as a service account, so RBAC is fixed with a Role in the manifests. */
function forServer(
  { status, said }: { status: number; said: string | undefined },
  context: FailureContext,
): ApiFailure {
  const { verb, resource = 'secrets', namespace, disableWith } = context;
  const what = `${verb} ${resource}${whereOf(context)}`;
  if (status === 403) {
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
      status,
      message: clip(
        `missing RBAC permission: cannot ${what}; grant ${needs} with ${grant}` +
          (said ? ` (API server: ${said})` : ''),
      ),
    };
  }
  if (status === 401) {
    return {
      kind: 'unauthorized',
      status,
      message: `the API server rejected the credentials (401 Unauthorized) to ${what}; check the service account token or the kubeconfig`,
    };
  }
  if (status === 410) {
    return { kind: 'expired', status, message: `${what}: resource version expired (410 Gone)` };
  }
  return {
    kind: 'server',
    status,
    message: clip(`${what} failed with HTTP ${status}${said ? `: ${said}` : ''}`),
  };
}

/** An operator's command: the fix is in their own credentials, or in running the command again. */
function forOperator(
  { status, said }: { status: number; said: string | undefined },
  context: FailureContext,
  server: string,
): ApiFailure {
  const { verb, resource = 'secrets' } = context;
  const object = `${objectOf(context)}${whereOf(context)}`;
  const api = said === undefined ? '' : ` (API server: ${clip(said)})`;
  switch (status) {
    case 401:
      return {
        kind: 'unauthorized',
        status,
        message: `the API server at ${server} rejected the credentials (401 Unauthorized); check the kubeconfig`,
      };
    case 403:
      return {
        kind: 'forbidden',
        status,
        message: `forbidden: cannot ${verb} ${object}; your credentials need "${verb}" on ${resource}${whereOf(context)}${api}`,
      };
    case 404:
      return {
        kind: 'server',
        status,
        message:
          said === undefined
            ? `${objectOf(context)} not found${whereOf(context)}`
            : `cannot ${verb} ${object}: ${clip(said)}`,
      };
    case 409:
      return {
        kind: 'server',
        status,
        message: `${object} was changed by someone else while this command ran (409 Conflict); run the command again${api}`,
      };
    default:
      return { kind: 'server', status, message: `${verb} ${object} failed with HTTP ${status}${api}` };
  }
}
