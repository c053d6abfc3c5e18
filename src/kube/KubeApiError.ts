import type { KubeResponse } from './KubeApi.ts';

/** What a Kubernetes `Status` answer says, when it says it. */
export interface StatusDetails {
  reason: string | undefined;
  message: string | undefined;
  /** `details.causes[].message`: for a refused eviction, which disruption budget refused it and why. */
  causes: string[];
}

export function readStatus(body: unknown): StatusDetails {
  const status = (typeof body === 'object' && body !== null ? body : {}) as {
    reason?: unknown;
    message?: unknown;
    details?: { causes?: unknown };
  };
  const causes = Array.isArray(status.details?.causes) ? (status.details.causes as unknown[]) : [];
  return {
    reason: typeof status.reason === 'string' ? status.reason : undefined,
    message: typeof status.message === 'string' ? status.message : undefined,
    causes: causes
      .map((cause) => (cause as { message?: unknown } | null)?.message)
      .filter((message): message is string => typeof message === 'string'),
  };
}

/** An answer the caller did not expect: says what was attempted and what the API server answered. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly reason: string | undefined;

  constructor(what: string, response: KubeResponse) {
    const { reason, message } = readStatus(response.body);
    const hint =
      response.status === 403 ? ' (missing RBAC permission: see README "Node lifecycle" for the Role)' : '';
    super(`${what}: HTTP ${response.status}${message === undefined ? '' : `: ${message}`}${hint}`);
    this.status = response.status;
    this.reason = reason;
  }
}

/** The response when its status is 2xx, else a KubeApiError naming `what`. */
export function expectOk(response: KubeResponse, what: string): KubeResponse {
  if (response.status >= 200 && response.status < 300) return response;
  throw new KubeApiError(what, response);
}
