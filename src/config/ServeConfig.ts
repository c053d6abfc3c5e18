export interface HostPort {
  host: string;
  port: number;
}

export type SourceConfig =
  | { kind: 'dir'; path: string }
  | {
      kind: 'kubernetes';
      namespace: string | undefined;
      allNamespaces: boolean;
      kubeconfig: string | undefined;
    };

/** `kindling serve`'s configuration, parsed and checked once at start-up. */
export interface ServeConfig {
  source: SourceConfig;
  selector: string;
  /** kubernetes: full relist period. */
  relistIntervalMs: number;
  /** kubernetes: a watch silent this long is restarted; the server is asked to end each watch sooner. */
  watchIdleTimeoutMs: number;
  /** kubernetes: annotate a token Secret with the first fetch of its token. */
  recordFirstFetch: boolean;
  /** kubernetes: annotate a template Secret with its render status and config hash. */
  recordStatus: boolean;
  /** This server's base URL, normalised (serverBaseUrl): the audience of per-machine tokens. */
  serverUrl: string | undefined;
  listen: HostPort;
  metricsListen: HostPort;
  tls: { certFile: string; keyFile: string } | undefined;
  maxPayloadBytes: number;
  cacheMaxBytes: number;
  tombstoneTtlMs: number;
  retryAfterSeconds: number;
  rateLimit: { burst: number; refillPerSecond: number };
  shutdownTimeoutMs: number;
  /** Readiness turns false this long before the listener closes, so load balancers stop sending first. */
  shutdownDelayMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logRequests: boolean;
}
