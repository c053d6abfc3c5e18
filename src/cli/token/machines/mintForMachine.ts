import { mintMachineToken } from '../../../tokens/jws/mintMachineToken.ts';
import type { CommandContext } from '../CommandContext.ts';
import { clusterError } from '../../CommandError.ts';
import { machineTokensSecretName } from '../../../tokens/machineRecordsFormat.ts';
import { rfc3339 } from '../format/timeFormat.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { checkServable } from '../pool/checkServable.ts';
import { requirePoolSecret } from '../pool/findPoolSecret.ts';
import { ensureSigningKey } from './ensureSigningKey.ts';
import { recordMint } from './machineRegistry.ts';

/** The default: long enough to boot, short enough that a leaked stub soon stops working. */
export const DEFAULT_MACHINE_TOKEN_TTL_MS = 2 * 3_600_000;

export interface MintForMachineOptions {
  api: ClusterApi;
  namespace: string;
  keyNamespace: string;
  pool: string;
  machine: string;
  /** The server's base URL: the token's audience. */
  server: string;
  ttlMs: number;
  context: CommandContext;
}

export interface MintedToken {
  /** The compact JWS. */
  token: string;
  jti: string;
  expiresAt: number;
  /** What was written on the way. */
  lines: string[];
}

/**
 * A per-machine token of a pool that exists and is not revoked, signed with the current key (created on
 * first use) and recorded in `kindling-machines-<pool>` before it is handed over, so that every token that
 * leaves the CLI can be revoked.
 */
export async function mintForMachine({
  api,
  namespace,
  keyNamespace,
  pool,
  machine,
  server,
  ttlMs,
  context,
}: MintForMachineOptions): Promise<MintedToken> {
  const poolSecret = await requirePoolSecret(api, namespace, pool);
  checkServable(poolSecret.secret, `Secret ${namespace}/${poolSecret.name}`);
  if (poolSecret.revokedAt !== undefined) {
    throw clusterError(
      `pool ${pool} was revoked at ${rfc3339(poolSecret.revokedAt)}; give it a new token first (kindling token rotate --pool ${pool})`,
    );
  }
  const keys = await ensureSigningKey({ api, namespace, keyNamespace });
  const now = context.now();
  const jti = context.randomUUID();
  const ttlSeconds = ttlMs / 1000;
  // As mintMachineToken computes them: whole seconds.
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  await recordMint({
    api,
    namespace,
    pool,
    jti,
    record: { machine, kid: keys.privateJwk.kid ?? '', iat, exp },
    now,
  });
  const token = await mintMachineToken({
    privateJwk: keys.privateJwk,
    pool,
    machine,
    audience: server,
    ttlSeconds,
    now,
    jti,
  });
  const lines = [
    ...keys.lines,
    `minted a token for machine ${machine} (pool ${pool}, jti ${jti}, expires ${rfc3339(exp * 1000)}), recorded in Secret ${namespace}/${machineTokensSecretName(pool)}`,
  ];
  return { token, jti, expiresAt: exp * 1000, lines };
}
