import type { CommandContext } from '../CommandContext.ts';
import { clusterError } from '../../CommandError.ts';
import { describeExpiry, tokenFingerprint } from '../format/describeToken.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { mintForMachine } from '../machines/mintForMachine.ts';
import { isTokenLive, type PoolSecret } from '../pool/readPoolSecret.ts';

export interface StubBearerOptions {
  api: ClusterApi;
  pool: PoolSecret;
  /** Set: a token minted for this machine; unset: the pool's own token. */
  machine: string | undefined;
  server: string;
  keyNamespace: string;
  ttlMs: number;
  context: CommandContext;
}

export interface StubBearer {
  token: string;
  /** How the output names it: a fingerprint or a jti, never the token. */
  description: string;
  /** What was written to get it (a minted token's record, a new signing key). */
  lines: string[];
}

/** The token a stub carries: the pool's, while the server accepts it, or a new machine token. */
export async function stubBearer({
  api,
  pool,
  machine,
  server,
  keyNamespace,
  ttlMs,
  context,
}: StubBearerOptions): Promise<StubBearer> {
  if (machine === undefined) {
    if (pool.token === undefined || !isTokenLive(pool, context.now())) {
      const why = pool.revokedAt === undefined ? 'expired' : 'revoked';
      throw clusterError(
        `pool ${pool.pool} has no live token (${why}); issue one with kindling token rotate --pool ${pool.pool}`,
      );
    }
    const description = `the pool's token fp ${tokenFingerprint(pool.token)}, ${describeExpiry(pool.expiresAt)}`;
    return { token: pool.token, description, lines: [] };
  }
  const minted = await mintForMachine({
    api,
    namespace: pool.namespace,
    keyNamespace,
    pool: pool.pool,
    machine,
    server,
    ttlMs,
    context,
  });
  const description = `machine ${machine}'s token, jti ${minted.jti}, ${describeExpiry(minted.expiresAt)}`;
  return { token: minted.token, description, lines: minted.lines };
}
