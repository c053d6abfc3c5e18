import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { SecretObject } from '../../src/tokens/SecretObject.ts';

export function ignitionConfig(version = '3.4.0', marker = 'demo'): Record<string, unknown> {
  return {
    ignition: { version },
    storage: {
      files: [
        {
          path: '/etc/kindling/marker',
          mode: 420,
          contents: { source: `data:,${encodeURIComponent(marker)}` },
        },
      ],
    },
  };
}

export interface TokenSecretInit {
  name?: string;
  namespace?: string;
  pool?: string;
  token?: string;
  previousToken?: string;
  /** A config object (serialised), a string, or raw bytes. */
  payload?: Record<string, unknown> | string | Buffer;
  gzip?: boolean;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  type?: string;
  resourceVersion?: string;
  /** Put values in `stringData` instead of base64 `data`. */
  plain?: boolean;
}

/** A token Secret (format v1) as the API server would hold it, with sensible defaults for tests. */
export function tokenSecret(init: TokenSecretInit = {}): SecretObject {
  const {
    name = 'token-workers',
    namespace = 'kindling',
    pool = 'workers',
    token = randomUUID(),
    previousToken,
    payload = ignitionConfig(),
    gzip = false,
    annotations,
    labels,
    type = 'kindling.dev/token',
    resourceVersion,
    plain = false,
  } = init;
  let bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  if (gzip) bytes = gzipSync(bytes);
  const values: Record<string, Buffer> = { token: Buffer.from(token), payload: bytes };
  if (previousToken !== undefined) values['previous-token'] = Buffer.from(previousToken);
  const secret: SecretObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    type,
    metadata: {
      name,
      namespace,
      labels: { 'kindling.dev/token-secret': 'true', 'kindling.dev/pool': pool, ...labels },
      ...(annotations ? { annotations } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
    },
  };
  const entries = Object.entries(values);
  if (plain && !gzip)
    secret.stringData = Object.fromEntries(entries.map(([k, v]) => [k, v.toString('utf8')]));
  else secret.data = Object.fromEntries(entries.map(([k, v]) => [k, v.toString('base64')]));
  return secret;
}
