import type { JWK } from 'jose';
import { KindlingError } from '../../../errors/KindlingError.ts';
import { createSigningKey } from '../../../tokens/jws/createSigningKey.ts';
import { readSigningKeySecret } from '../../../tokens/jws/readSigningKeySecret.ts';
import { signingKeySecret } from '../../../tokens/jws/signingKeySecret.ts';
import { verificationKeysSecret } from '../../../tokens/jws/verificationKeysSecret.ts';
import { clusterError, usageError } from '../../CommandError.ts';
import {
  LABEL_VERIFICATION_KEYS,
  SIGNING_KEY_SECRET_NAME,
  VERIFICATION_KEYS_SECRET_NAME,
} from '../../../tokens/machineRecordsFormat.ts';
import type { ClusterSecret, ClusterApi } from '../kube/createClusterApi.ts';
import { hasStatus } from '../kube/KubeCallError.ts';

export interface SigningKeyState {
  privateJwk: JWK;
  /** The current public key, then the previous one when there is one. */
  publicJwks: JWK[];
  signingSecret: ClusterSecret;
  /** Whether this call made the key (there was none). */
  created: boolean;
  /** What was created or repaired on the way. */
  lines: string[];
}

export interface KeyPlaces {
  api: ClusterApi;
  /** The server's namespace: the public keys go there. */
  namespace: string;
  /** Where the private key lives, out of the server's reach. */
  keyNamespace: string;
}

/**
 * The signing key, created on first use, and the server's verification keys made to match it. The private
 * key is kept out of the server's namespace (the server reads every Secret there): a compromised server can
 * then verify tokens but never mint one.
 */
export async function ensureSigningKey({
  api,
  namespace,
  keyNamespace,
}: KeyPlaces): Promise<SigningKeyState> {
  if (keyNamespace === namespace) {
    throw usageError(
      "--key-namespace must not be the server's namespace: the server reads every Secret there, and could mint tokens with the key",
    );
  }
  const lines: string[] = [];
  const ref = { namespace: keyNamespace, name: SIGNING_KEY_SECRET_NAME };
  let signingSecret = await api.getSecret(ref);
  let created = false;
  if (signingSecret === undefined) {
    if (!(await api.namespaceExists(keyNamespace))) {
      await api.createNamespace(keyNamespace);
      lines.push(`created Namespace ${keyNamespace} for the signing key (grant the server nothing in it)`);
    }
    const key = await createSigningKey();
    try {
      signingSecret = await api.createSecret({
        ...signingKeySecret({ ...ref, current: key.privateJwk }),
        metadata: ref,
      });
      created = true;
      lines.push(
        `created signing key Secret ${keyNamespace}/${SIGNING_KEY_SECRET_NAME} (ES256, kid ${key.kid})`,
      );
    } catch (error) {
      if (!hasStatus(error, 409)) throw error;
      signingSecret = await api.getSecret(ref);
    }
    if (signingSecret === undefined)
      throw clusterError(`Secret ${keyNamespace}/${SIGNING_KEY_SECRET_NAME} vanished meanwhile`);
  }
  const { privateJwk, publicJwks } = await readKeys(signingSecret);
  if (privateJwk === undefined)
    throw clusterError(`Secret ${keyNamespace}/${SIGNING_KEY_SECRET_NAME} holds no private key`);
  lines.push(...(await syncVerificationKeys(api, namespace, privateJwk, publicJwks[1])));
  return { privateJwk, publicJwks, signingSecret, created, lines };
}

async function readKeys(secret: ClusterSecret) {
  try {
    return await readSigningKeySecret(secret);
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    throw clusterError(
      `${error.message} (${secret.metadata.namespace}/${secret.metadata.name}); fix or delete it`,
    );
  }
}

/** Writes the public halves for the server when they are missing or not those of the signing key. */
export async function syncVerificationKeys(
  api: ClusterApi,
  namespace: string,
  current: JWK,
  previous: JWK | undefined,
): Promise<string[]> {
  const ref = { namespace, name: VERIFICATION_KEYS_SECRET_NAME };
  const wanted = verificationKeysSecret({ ...ref, current, previous });
  const data = wanted.data ?? {};
  const secret = await api.getSecret(ref);
  const kids = [current.kid, previous?.kid].filter(Boolean).join(', previous ');
  if (secret === undefined) {
    await api.createSecret({
      ...wanted,
      metadata: { ...ref, labels: { [LABEL_VERIFICATION_KEYS]: 'true' } },
    });
    return [
      `created verification keys Secret ${namespace}/${VERIFICATION_KEYS_SECRET_NAME} for the server (kid ${kids})`,
    ];
  }
  const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(data)]);
  const patch = Object.fromEntries(
    [...keys].filter((key) => secret.data?.[key] !== data[key]).map((key) => [key, data[key] ?? null]),
  );
  if (Object.keys(patch).length === 0) return [];
  await api.patchSecret(ref, { metadata: { resourceVersion: secret.metadata.resourceVersion }, data: patch });
  return [
    `updated verification keys Secret ${namespace}/${VERIFICATION_KEYS_SECRET_NAME} to match the signing key (kid ${kids})`,
  ];
}
