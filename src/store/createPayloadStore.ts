import { KindlingError } from '../errors/KindlingError.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { ClusterRef } from '../sources/ClusterObject.ts';
import type { SourceSink } from '../sources/Source.ts';
import { templateNeeds } from '../templates/templateNeeds.ts';
import { claimedPool, claimedTokenHashes, parseTokenSecret } from '../tokens/parseTokenSecret.ts';
import { secretKey, type SecretObject } from '../tokens/SecretObject.ts';
import type { StoredPayload } from '../tokens/TokenSecret.ts';
import { createClusterData } from './createClusterData.ts';
import type { GzipQueueOptions } from './createGzipQueue.ts';
import { createMachineTokens, type MachineTokenCheck } from './createMachineTokens.ts';
import { createPayloadHolder } from './createPayloadHolder.ts';
import { createPoolIndex } from './createPoolIndex.ts';
import { createSecretServing } from './createSecretServing.ts';
import { createTokenIndex } from './createTokenIndex.ts';
import type { LookupResult } from './LookupResult.ts';
import type { PreparedBody } from './PreparedBody.ts';
import { reportServed } from './reportServed.ts';
import { routeClusterObjects } from './routeClusterObjects.ts';
import type { SecretState } from './SecretState.ts';
import { payloadsOf } from './ServedPayloads.ts';
import type { StoreObserver } from './StoreObserver.ts';

export interface PayloadStoreOptions {
  /** Largest payload (or template) accepted, after decompression. */
  maxPayloadBytes?: number;
  /** Bound on bodies converted to older specs (a payload's own gzip lives as long as it); a miss rebuilds. */
  cacheMaxBytes?: number;
  /** Background gzip of new payloads; until a payload's is made, gzip clients get identity. */
  gzip?: GzipQueueOptions;
  /** How long a token whose Secret vanished or rotated it away answers 403 rather than 503. */
  tombstoneTtlMs?: number;
  /** The server's base URL: the audience per-machine tokens must name (without it, none verifies). */
  machineTokenAudience?: string | undefined;
  /** Per-machine renderings of `machine-name` templates kept at once (see createMachineRenderings). */
  machineRenderingsMax?: number;
  now?: () => number;
  observer?: StoreObserver;
}

export interface StoreStats {
  secrets: number;
  refused: number;
  payloads: number;
  payloadBytes: number;
  cacheBytes: number;
  gzipPending: number;
  tombstones: number;
  conflicts: number;
}

export interface PayloadStore extends SourceSink {
  readonly ready: boolean;
  lookup(tokenHash: string): LookupResult;
  /**
   * The payload of the pool a verified per-machine token names, rendered for its machine when the template
   * asks for it. The pool's Secret must be the only one naming it, and not expired.
   */
  lookupPool(pool: string, { machine }: { machine: string }): LookupResult;
  /** A per-machine token's signature and claims, against the keys and revocations sources delivered. */
  verifyMachineToken(compact: string): Promise<MachineTokenCheck>;
  body(payload: StoredPayload, version: SpecVersion | undefined): PreparedBody | KindlingError;
  stats(): StoreStats;
}

export function createPayloadStore({
  maxPayloadBytes = 4 * 1024 * 1024,
  cacheMaxBytes = 512 * 1024 * 1024,
  gzip,
  tombstoneTtlMs = 24 * 3600 * 1000,
  machineTokenAudience,
  machineRenderingsMax = 2_000,
  now = Date.now,
  observer = {},
}: PayloadStoreOptions = {}): PayloadStore {
  const secrets = new Map<string, SecretState>();
  const held = createPayloadHolder({ cacheMaxBytes, gzip });
  const index = createTokenIndex({ tombstoneTtlMs, now, onConflict: observer.tokenConflict });
  const pools = createPoolIndex({ onConflict: observer.poolConflict });
  const cluster = createClusterData({ onChange: rerender });
  const machineTokens = createMachineTokens({ audience: machineTokenAudience, now, observer });
  const serving = createSecretServing({ cluster, held, machineRenderingsMax, observer });
  let ready = false;

  function setState(key: string, next: SecretState | undefined) {
    const previous = secrets.get(key);
    if (next) secrets.set(key, next);
    else secrets.delete(key);
    index.update(key, previous, next);
    pools.update(key, previous, next);
    // Retain before releasing: a payload both versions share must not be freed in between.
    for (const payload of payloadsOf(next?.served)) held.retain(payload);
    for (const payload of payloadsOf(previous?.served)) held.release(payload);
    if (next?.served !== previous?.served) serving.forget(key);
    reportServed(observer, key, previous, next);
  }

  /** A cluster object changed: every template that reads it renders again (identical bytes change nothing). */
  function rerender(ref: ClusterRef) {
    for (const [key, state] of secrets) {
      if (!state.good?.template || !state.needs || !cluster.reads(state.needs, ref)) continue;
      setState(key, { ...state, served: serving.shared(state.good, state.needs) });
    }
  }

  function upsert(secret: SecretObject): string {
    const key = secretKey(secret.metadata ?? { name: '' });
    const previous = secrets.get(key);
    const version = secret.metadata?.resourceVersion;
    if (
      version !== undefined &&
      version === (previous?.refused ? previous.refusedVersion : previous?.good?.resourceVersion)
    ) {
      return key;
    }
    try {
      const good = parseTokenSecret(secret, { maxPayloadBytes, knownPayload: held.known });
      const needs = good.template ? templateNeeds(good.template) : undefined;
      setState(key, {
        good,
        served: serving.shared(good, needs),
        needs,
        refused: undefined,
        refusedHashes: [],
        refusedPool: undefined,
      });
      observer.secretAccepted?.(key, good.pool);
    } catch (caught) {
      const error =
        caught instanceof KindlingError
          ? caught
          : new KindlingError('ERR_SECRET_INVALID', 'unexpected error while reading the Secret', {
              rule: 'internal',
              cause: caught,
            });
      const kept = { good: previous?.good, served: previous?.served, needs: previous?.needs };
      setState(key, {
        ...kept,
        refused: error,
        refusedVersion: version,
        refusedHashes: claimedTokenHashes(secret),
        refusedPool: claimedPool(secret),
      });
      observer.secretRefused?.(key, error, { stillServing: previous?.good !== undefined });
    }
    return key;
  }

  function remove(ref: { namespace?: string | undefined; name: string }) {
    const key = secretKey(ref);
    if (!secrets.has(key)) return;
    setState(key, undefined);
    observer.secretRemoved?.(key);
  }

  return {
    get ready() {
      return ready;
    },
    cluster: routeClusterObjects({ machineTokens, templateData: cluster }),
    upsert(secret) {
      upsert(secret);
    },
    remove,
    replace(all) {
      const seen = new Set(all.map(upsert));
      for (const key of [...secrets.keys()]) {
        if (seen.has(key)) continue;
        const [namespace = '', name = ''] = key.split('/');
        remove({ namespace, name });
      }
      if (!ready) {
        ready = true;
        observer.ready?.();
      }
    },
    lookup(tokenHash) {
      const claim = index.claim(tokenHash);
      if (!claim.ok) return claim;
      const state = secrets.get(claim.key);
      const secret = state?.good;
      if (claim.role === 'refused' || !secret) return { ok: false, code: 'ERR_SECRET_REFUSED' };
      // The clock is read only for a token that can expire.
      const expiresAt =
        claim.role === 'previous' && secret.previousTokenExpiresAt !== undefined
          ? Math.min(secret.previousTokenExpiresAt, secret.expiresAt ?? Infinity)
          : secret.expiresAt;
      if (expiresAt !== undefined && now() >= expiresAt)
        return { ok: false, code: 'ERR_TOKEN_EXPIRED', secret };
      const served = state.served;
      if (!served || served instanceof KindlingError)
        return { ok: false, code: served?.code ?? 'ERR_RENDER_FAILED', secret };
      // A pool token names no machine, and this template names each machine (see RenderedPerMachine).
      if ('perMachine' in served) return { ok: false, code: 'ERR_RENDER_FAILED', secret };
      return { ok: true, secret, role: claim.role, payloads: served };
    },
    lookupPool(pool, { machine }) {
      const claim = pools.claim(pool);
      if (!claim.ok) return claim;
      const state = secrets.get(claim.key);
      const secret = state?.good;
      if (claim.role === 'refused' || !state || !secret) return { ok: false, code: 'ERR_SECRET_REFUSED' };
      // The token has its own `exp`; the pool's expiry applies too, so ending a pool (`token revoke --pool`
      // sets it to now) refuses its machines as well as its pool tokens. The previous token's window does not.
      if (secret.expiresAt !== undefined && now() >= secret.expiresAt) {
        return { ok: false, code: 'ERR_TOKEN_EXPIRED', secret };
      }
      const served = serving.forMachine(state, secret, machine);
      if (!served || served instanceof KindlingError)
        return { ok: false, code: served?.code ?? 'ERR_RENDER_FAILED', secret };
      return { ok: true, secret, role: 'machine', payloads: served, machine };
    },
    verifyMachineToken: (compact) => machineTokens.verify(compact),
    body: (payload, version) => held.body(payload, version),
    stats() {
      let served = 0;
      let refused = 0;
      for (const state of secrets.values()) {
        if (state.good) served++;
        if (state.refused) refused++;
      }
      return {
        secrets: served,
        refused,
        ...held.stats(),
        tombstones: index.tombstones,
        conflicts: index.conflicts,
      };
    },
  };
}
