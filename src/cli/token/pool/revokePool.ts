import { ANNOTATION_EXPIRES_AT, ANNOTATION_PREVIOUS_EXPIRES_AT } from '../../../tokens/labels.ts';
import { clusterError } from '../../CommandError.ts';
import {
  ANNOTATION_REVOKED_AT,
  bootstrapTokenDescription,
  LABEL_STUB_POOL,
} from '../format/cliAnnotations.ts';
import { tokenFingerprint } from '../format/describeToken.ts';
import { REVOCATIONS_SECRET_NAME } from '../../../tokens/machineRecordsFormat.ts';
import { floorToSecond, rfc3339 } from '../format/timeFormat.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { listMachineTokens } from '../machines/machineRegistry.ts';
import { revokeTokens } from '../machines/revocationList.ts';
import { checkServable } from './checkServable.ts';
import { requirePoolSecret } from './findPoolSecret.ts';
import { BOOTSTRAP_TOKEN_NAMESPACE } from './planBootstrapToken.ts';
import { isPreviousTokenLive, isTokenLive, type PoolSecret } from './readPoolSecret.ts';
import { applyChanges, toMergePatch, type SecretChanges } from './SecretChanges.ts';

export interface RevokePoolOptions {
  api: ClusterApi;
  namespace: string;
  pool: string;
  now: number;
}

/**
 * Revokes a pool by ending its tokens now (both expiries set to this second) and keeping the Secret. Safer
 * than deleting it: the server keeps the Secret and answers 403 for as long as it exists, across restarts,
 * where a deleted Secret's tokens answer 403 only while the server remembers them (--tombstone-ttl, in
 * memory). Safer than removing the tokens: a Secret without a token breaks a rule, and the server keeps
 * serving the last good version of a refused Secret, tokens included. For the same reason, a Secret that
 * the server refuses already is deleted instead (its expiry would never be read).
 * Also revoked: the pool's machine tokens, and the bootstrap token `token create` made for it.
 */
export async function revokePool({ api, namespace, pool, now }: RevokePoolOptions): Promise<string[]> {
  const existing = await requirePoolSecret(api, namespace, pool);
  const where = `${namespace}/${existing.name}`;
  const lines: string[] = [];
  const live = [
    ...(existing.token !== undefined && isTokenLive(existing, now) ? [existing.token] : []),
    ...(existing.previousToken !== undefined && isPreviousTokenLive(existing, now)
      ? [existing.previousToken]
      : []),
  ];
  const at = rfc3339(floorToSecond(now));
  if (existing.revokedAt !== undefined && live.length === 0) {
    lines.push(
      `pool ${pool} was revoked at ${rfc3339(existing.revokedAt)} already; Secret ${where} unchanged`,
    );
  } else {
    const fingerprints = live.map((token) => `fp ${tokenFingerprint(token)}`).join(', ') || 'none live';
    lines.push(await endTokens(api, existing, at, fingerprints));
  }
  lines.push(...(await revokeBootstrapToken(api, namespace, pool, existing.bootstrapTokenSecret)));
  const machineTokens = (await listMachineTokens(api, namespace, pool)).filter(
    (token) => token.record.exp * 1000 > now,
  );
  const revoked = await revokeTokens({ api, namespace, tokens: machineTokens, now, revokedAt: at });
  if (revoked.length > 0) {
    lines.push(
      `revoked ${revoked.length} machine token(s) of the pool in Secret ${namespace}/${REVOCATIONS_SECRET_NAME}`,
    );
  }
  const stubs = await api.listSecrets(namespace, `${LABEL_STUB_POOL}=${pool}`);
  if (stubs.length > 0) {
    const names = stubs.map((secret) => `${namespace}/${secret.metadata.name}`).join(', ');
    lines.push(
      `userdata Secrets still hold revoked tokens (machines made from them will not boot): ${names}`,
    );
  }
  return lines;
}

/** Sets both expiries to `at`; deletes the Secret instead when the server would not read the change. */
async function endTokens(
  api: ClusterApi,
  existing: PoolSecret,
  at: string,
  fingerprints: string,
): Promise<string> {
  const ref = { namespace: existing.namespace, name: existing.name };
  const where = `${ref.namespace}/${ref.name}`;
  const changes: SecretChanges = {
    annotations: {
      [ANNOTATION_EXPIRES_AT]: at,
      [ANNOTATION_PREVIOUS_EXPIRES_AT]: existing.previousToken === undefined ? null : at,
      [ANNOTATION_REVOKED_AT]: at,
    },
  };
  try {
    checkServable(applyChanges(existing.secret, changes), `Secret ${where}`);
  } catch {
    if (!(await api.deleteSecret(ref))) throw clusterError(`Secret ${where} vanished meanwhile`);
    return (
      `deleted Secret ${where}: the server refuses it as it stands, so it serves its last good version and ` +
      `would never read an expiry; its tokens (${fingerprints}) answer 403 while the server remembers them ` +
      '(--tombstone-ttl), 503 after'
    );
  }
  await api.patchSecret(ref, toMergePatch(existing.secret, changes));
  return (
    `revoked pool ${existing.pool}: Secret ${where} now ends its tokens (${fingerprints}) at ${at}; ` +
    'the server refuses them (403) as soon as it sees the change'
  );
}

/** Only a bootstrap token made for this pool (its description says so) is deleted: others may share it. */
async function revokeBootstrapToken(
  api: ClusterApi,
  namespace: string,
  pool: string,
  name: string | undefined,
): Promise<string[]> {
  if (name === undefined) return [];
  const ref = { namespace: BOOTSTRAP_TOKEN_NAMESPACE, name };
  const secret = await api.getSecret(ref);
  if (secret === undefined) return [];
  const description = Buffer.from(secret.data?.description ?? '', 'base64').toString('utf8');
  if (description !== bootstrapTokenDescription(namespace, pool)) {
    return [`left bootstrap token Secret kube-system/${name} in place: it was not made for this pool`];
  }
  await api.deleteSecret(ref);
  return [`deleted bootstrap token Secret kube-system/${name}: no machine can join with it any more`];
}
