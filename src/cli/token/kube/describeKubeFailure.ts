import { ApiException } from '@kubernetes/client-node';

export interface KubeCall {
  /** What was attempted, as RBAC names it: `get`, `list`, `create`, `patch`, `delete`. */
  verb: string;
  /** As RBAC names it: `secrets`, `configmaps`, `namespaces`. */
  resource: string;
  /** The object, when the call names one. */
  name?: string | undefined;
  /** undefined for cluster-scoped resources. */
  namespace?: string | undefined;
}

export interface KubeFailure {
  /** The HTTP status, when the API server answered. */
  status: number | undefined;
  /** One line: what was attempted, where, and what to do. Never holds a credential or a Secret's data. */
  message: string;
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/** The API server's own sentence from a Status body, when there is one. */
function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? clip(message) : undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns what a client-node call threw into a status and one sentence naming the verb, the resource and the
 * namespace, as an operator needs them to fix RBAC or retry.
 */
export function describeKubeFailure(error: unknown, call: KubeCall, server: string): KubeFailure {
  const where = call.namespace === undefined ? '' : ` in namespace "${call.namespace}"`;
  const object = call.name === undefined ? call.resource : `${call.resource} "${call.name}"`;
  if (error instanceof ApiException) {
    const said = statusMessage(error.body);
    const api = said === undefined ? '' : ` (API server: ${said})`;
    switch (error.code) {
      case 401:
        return {
          status: 401,
          message: `the API server at ${server} rejected the credentials (401 Unauthorized); check the kubeconfig`,
        };
      case 403:
        return {
          status: 403,
          message: `forbidden: cannot ${call.verb} ${object}${where}; your credentials need "${call.verb}" on ${call.resource}${where}${api}`,
        };
      case 404:
        return {
          status: 404,
          message:
            said === undefined
              ? `${object} not found${where}`
              : `cannot ${call.verb} ${object}${where}: ${said}`,
        };
      case 409:
        return {
          status: 409,
          message: `${object}${where} was changed by someone else while this command ran (409 Conflict); run the command again${api}`,
        };
      default:
        return {
          status: error.code,
          message: `${call.verb} ${object}${where} failed with HTTP ${error.code}${api}`,
        };
    }
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      status: undefined,
      message: `${call.verb} ${object}${where}: the API server at ${server} did not answer in time`,
    };
  }
  const code = networkCode(error) ?? (error instanceof Error ? error.message : String(error));
  return {
    status: undefined,
    message: clip(`cannot reach the API server at ${server} to ${call.verb} ${object}${where}: ${code}`),
  };
}
