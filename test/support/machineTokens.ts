import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ClusterObject } from '../../src/sources/ClusterObject.ts';
import type { SigningKey } from '../../src/tokens/jws/createSigningKey.ts';
import { mintMachineToken } from '../../src/tokens/jws/mintMachineToken.ts';
import { verificationKeysSecret } from '../../src/tokens/jws/verificationKeysSecret.ts';
import type { SecretObject } from '../../src/tokens/SecretObject.ts';
import { tokenSecret, type TokenSecretInit } from './tokenSecret.ts';

/** The server URL tests mint for: what `--server-url` (the store's audience) is set to. */
export const AUDIENCE = 'https://kindling.example:8443';

const TEMPLATES = new URL('../../fixtures/templates/', import.meta.url).pathname;
const fixture = (file: string) => parse(readFileSync(`${TEMPLATES}${file}`, 'utf8')) as ClusterObject;

/** The cluster data the worker template fixture reads (cluster-info, its bootstrap-token Secret). */
export const clusterInfo = () => fixture('cluster/cluster-info.yaml');
export const bootstrapToken = () => fixture('cluster/bootstrap-token-abcdef.yaml');

/** The worker template fixture, named after its machine (hostname policy `machine-name`). */
export const MACHINE_NAME_TEMPLATE = `${readFileSync(`${TEMPLATES}worker.yaml`, 'utf8')}node:\n  hostname: { policy: machine-name }\n`;

/** The kindling-verification-keys Secret as `token rotate-key` leaves it. */
export function keysSecret(current: SigningKey, previous?: SigningKey): ClusterObject {
  const secret = verificationKeysSecret({
    name: 'kindling-verification-keys',
    namespace: 'kindling',
    current: current.publicJwk,
    previous: previous?.publicJwk,
  });
  return { kind: 'Secret', type: secret.type, metadata: secret.metadata, data: secret.data };
}

/** The kindling-revocations Secret: one key per revoked jti (values as `token revoke --machine` writes them). */
export function revocationsSecret(jtis: readonly string[], name = 'kindling-revocations'): ClusterObject {
  const entry = (jti: string) =>
    Buffer.from(
      JSON.stringify({ pool: 'workers', machine: jti, exp: 0, revokedAt: '2026-11-21T12:00:00Z' }),
    ).toString('base64');
  return {
    kind: 'Secret',
    type: 'kindling.dev/revocations',
    metadata: { name, namespace: 'kindling' },
    data: Object.fromEntries(jtis.map((jti) => [jti, entry(jti)])),
  };
}

/** A pool's token Secret holding a template instead of a payload. */
export function templateTokenSecret(template: string, init: TokenSecretInit = {}): SecretObject {
  const secret = tokenSecret(init);
  delete secret.data?.payload;
  secret.stringData = { template };
  return secret;
}

export interface MintInit {
  key: SigningKey;
  machine?: string;
  pool?: string;
  jti?: string;
  audience?: string;
  /** Milliseconds since the epoch. */
  now: number;
  ttlSeconds?: number;
}

export function mint({
  key,
  machine = 'worker-7',
  pool = 'workers',
  jti,
  audience = AUDIENCE,
  now,
  ttlSeconds = 3600,
}: MintInit): Promise<string> {
  return mintMachineToken({
    privateJwk: key.privateJwk,
    pool,
    machine,
    audience,
    ttlSeconds,
    now,
    ...(jti === undefined ? {} : { jti }),
  });
}
