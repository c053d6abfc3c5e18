import { KindlingError } from '../errors/KindlingError.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { ClusterRef } from '../sources/ClusterObject.ts';
import type { SourceSink } from '../sources/Source.ts';
import { templateNeeds, type TemplateNeeds } from '../templates/templateNeeds.ts';
import { claimedTokenHashes, parseTokenSecret } from '../tokens/parseTokenSecret.ts';
import { secretKey, type SecretObject } from '../tokens/SecretObject.ts';
import type { StoredPayload, TokenSecret } from '../tokens/TokenSecret.ts';
import { createClusterData } from './createClusterData.ts';
import { createPayloadHolder } from './createPayloadHolder.ts';
import { createTokenIndex } from './createTokenIndex.ts';
import type { LookupResult } from './LookupResult.ts';
import type { PreparedBody } from './PreparedBody.ts';
import { renderTemplateSecret } from './renderTemplateSecret.ts';
import type { ServedPayloads } from './ServedPayloads.ts';
import type { StoreObserver } from './StoreObserver.ts';

export interface PayloadStoreOptions {
  /** Largest payload (or template) accepted, after decompression. */
  maxPayloadBytes?: number;
  /** Bound on derived bytes (gzip, converted specs); a miss rebuilds, it never fails a request. */
  cacheMaxBytes?: number;
  /** How long a token whose Secret vanished or rotated it away answers 403 rather than 503. */
  tombstoneTtlMs?: number;
  now?: () => number;
  observer?: StoreObserver;
}

export interface StoreStats {
  secrets: number;
  refused: number;
  payloads: number;
  payloadBytes: number;
  cacheBytes: number;
  tombstones: number;
  conflicts: number;
}

export interface PayloadStore extends SourceSink {
  readonly ready: boolean;
  lookup(tokenHash: string): LookupResult;
  body(payload: StoredPayload, version: SpecVersion | undefined): PreparedBody | KindlingError;
  stats(): StoreStats;
}

interface SecretState {
  /** The last version that passed every rule; kept while a newer version is refused. */
  good: TokenSecret | undefined;
  /** What `good` serves: its payload, or its template's rendering (or why that failed). */
  served: ServedPayloads | KindlingError | undefined;
  needs: TemplateNeeds | undefined;
  refused: KindlingError | undefined;
  /** The resourceVersion that was refused: seen again (a relist, a rescan), it is not reported again. */
  refusedVersion?: string | undefined;
  refusedHashes: readonly string[];
}

const NO_CLOUD_CONFIG = new KindlingError(
  'ERR_NOT_ACCEPTABLE',
  'the Secret holds a finished Ignition payload, not a template: there is no #cloud-config',
);

function payloadsOf(state: SecretState | undefined): StoredPayload[] {
  const served = state?.served;
  if (!served || served instanceof KindlingError) return [];
  return served.cloudConfig instanceof KindlingError
    ? [served.ignition]
    : [served.ignition, served.cloudConfig];
}

export function createPayloadStore({
  maxPayloadBytes = 4 * 1024 * 1024,
  cacheMaxBytes = 512 * 1024 * 1024,
  tombstoneTtlMs = 24 * 3600 * 1000,
  now = Date.now,
  observer = {},
}: PayloadStoreOptions = {}): PayloadStore {
  const secrets = new Map<string, SecretState>();
  const held = createPayloadHolder({ cacheMaxBytes });
  const index = createTokenIndex({ tombstoneTtlMs, now, onConflict: observer.tokenConflict });
  const cluster = createClusterData({ onChange: rerender });
  let ready = false;

  function serve(secret: TokenSecret, needs: TemplateNeeds | undefined): ServedPayloads | KindlingError {
    if (secret.payload) return { ignition: secret.payload, cloudConfig: NO_CLOUD_CONFIG };
    try {
      const template = secret.template as NonNullable<TokenSecret['template']>;
      return renderTemplateSecret({
        template,
        cluster: cluster.dataFor(needs ?? templateNeeds(template)),
        intern: held.intern,
      });
    } catch (error) {
      if (error instanceof KindlingError) return error;
      return new KindlingError('ERR_RENDER_FAILED', 'unexpected error while rendering', {
        rule: 'internal',
        cause: error,
      });
    }
  }

  function setState(key: string, next: SecretState | undefined) {
    const previous = secrets.get(key);
    if (next) secrets.set(key, next);
    else secrets.delete(key);
    index.update(key, previous, next);
    // Retain before releasing: a payload both versions share must not be freed in between.
    for (const payload of payloadsOf(next)) held.retain(payload);
    for (const payload of payloadsOf(previous)) held.release(payload);
    const served = next?.served;
    if (served instanceof KindlingError && served !== (previous?.served as unknown)) {
      observer.renderFailed?.(key, served);
    } else if (previous?.served instanceof KindlingError && served && !(served instanceof KindlingError)) {
      observer.secretAccepted?.(key, next?.good?.pool ?? '');
    }
  }

  /** A cluster object changed: every template that reads it renders again (identical bytes change nothing). */
  function rerender(ref: ClusterRef) {
    for (const [key, state] of secrets) {
      if (!state.good?.template || !state.needs || !cluster.reads(state.needs, ref)) continue;
      setState(key, { ...state, served: serve(state.good, state.needs) });
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
      setState(key, { good, served: serve(good, needs), needs, refused: undefined, refusedHashes: [] });
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
    cluster,
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
      const at = now();
      const expired =
        (secret.expiresAt !== undefined && at >= secret.expiresAt) ||
        (claim.role === 'previous' &&
          secret.previousTokenExpiresAt !== undefined &&
          at >= secret.previousTokenExpiresAt);
      if (expired) return { ok: false, code: 'ERR_TOKEN_EXPIRED', secret };
      const served = state.served;
      if (!served || served instanceof KindlingError)
        return { ok: false, code: served?.code ?? 'ERR_RENDER_FAILED', secret };
      return { ok: true, secret, role: claim.role, payloads: served };
    },
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
