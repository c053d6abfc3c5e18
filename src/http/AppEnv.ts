import type { HttpBindings } from '@hono/node-server';

/** What handlers tell the access log about a request; set only from server-side data. */
export interface AppVariables {
  pool: string | undefined;
  tokenFingerprint: string | undefined;
  /** The machine a verified per-machine token names. */
  machine: string | undefined;
  errorCode: string | undefined;
}

export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: AppVariables;
}
