/** One call to the API server: a path under the server URL, JSON in and out. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Absolute API path, such as `/api/v1/nodes/node-a`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Defaults to `application/json`; patches name their kind (`application/merge-patch+json`). */
  contentType?: string;
}

export interface KubeResponse {
  status: number;
  /** The parsed JSON answer, or undefined when there was none (or it was not JSON). */
  body: unknown;
}

/**
 * The API server as kindling's own calls see it (node operations, machine reports, the commands' Secrets):
 * every status is returned, none thrown, so each caller decides what a 404, 409 or 429 means for it.
 * Network failures reject.
 */
export interface KubeApi {
  request(request: KubeRequest): Promise<KubeResponse>;
}
