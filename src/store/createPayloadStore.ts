import { KindlingError } from '../errors/KindlingError.ts';
import type { SpecVersion } from '../payload/SpecVersion.ts';
import type { SourceSink } from '../sources/Source.ts';
import { fingerprint } from '../tokens/hashToken.ts';
import { claimedTokenHashes, parseTokenSecret } from '../tokens/parseTokenSecret.ts';
import { secretKey, type SecretObject } from '../tokens/SecretObject.ts';
import type { StoredPayload, TokenSecret } from '../tokens/TokenSecret.ts';
import { createBodyCache } from './createBodyCache.ts';
import { createTombstones } from './createTombstones.ts';
import type { LookupResult } from './LookupResult.ts';
import type { PreparedBody } from './PreparedBody.ts';
import type { StoreObserver } from './StoreObserver.ts';

export interface PayloadStoreOptions {
  /** Largest payload accepted, after decompression. */
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
  body(payload: StoredPayload, version: SpecVersion): PreparedBody | KindlingError;
  stats(): StoreStats;
}

type Role = 'current' | 'previous' | 'refused';

interface SecretState {
  /** The last version that passed every rule; kept while a newer version is refused. */
  good: TokenSecret | undefined;
  refused: KindlingError | undefined;
  refusedHashes: readonly string[];
}

function rolesOf(state: SecretState | undefined): Map<string, Role> {
  const roles = new Map<string, Role>();
  if (state?.good) {
    roles.set(state.good.tokenHash, 'current');
    if (state.good.previousTokenHash) roles.set(state.good.previousTokenHash, 'previous');
  }
  for (const hash of state?.refusedHashes ?? []) if (!roles.has(hash)) roles.set(hash, 'refused');
  return roles;
}

export function createPayloadStore({
  maxPayloadBytes = 4 * 1024 * 1024,
  cacheMaxBytes = 512 * 1024 * 1024,
  tombstoneTtlMs = 24 * 3600 * 1000,
  now = Date.now,
  observer = {},
}: PayloadStoreOptions = {}): PayloadStore {
  const secrets = new Map<string, SecretState>();
  const claims = new Map<string, Map<string, Role>>();
  const conflicts = new Set<string>();
  const payloads = new Map<string, { payload: StoredPayload; refs: number }>();
  const bodies = createBodyCache({ maxBytes: cacheMaxBytes });
  const tombstones = createTombstones({ ttlMs: tombstoneTtlMs, now });
  let ready = false;

  const knownPayload = (contentHash: string) => payloads.get(contentHash)?.payload;

  function checkConflict(hash: string) {
    const claimants = claims.get(hash);
    if (claimants && claimants.size > 1) {
      conflicts.add(hash);
      observer.tokenConflict?.(fingerprint(hash), [...claimants.keys()].sort());
    } else if (conflicts.delete(hash)) {
      observer.tokenConflict?.(fingerprint(hash), []);
    }
  }

  function retain(payload: StoredPayload) {
    const held = payloads.get(payload.contentHash);
    if (held) return void held.refs++;
    payloads.set(payload.contentHash, { payload, refs: 1 });
    // Derived bytes are made when the Secret changes, so the first request finds them ready.
    bodies.get(payload, payload.version);
  }

  function release(payload: StoredPayload) {
    const held = payloads.get(payload.contentHash);
    if (!held || --held.refs > 0) return;
    payloads.delete(payload.contentHash);
    bodies.forget(payload);
  }

  function setState(key: string, next: SecretState | undefined) {
    const previous = secrets.get(key);
    const before = rolesOf(previous);
    const after = rolesOf(next);
    if (next) secrets.set(key, next);
    else secrets.delete(key);
    for (const hash of before.keys()) {
      if (after.has(hash)) continue;
      const claimants = claims.get(hash);
      claimants?.delete(key);
      if (!claimants || claimants.size === 0) {
        claims.delete(hash);
        tombstones.add(hash);
      }
      checkConflict(hash);
    }
    for (const [hash, role] of after) {
      tombstones.delete(hash);
      let claimants = claims.get(hash);
      if (!claimants) claims.set(hash, (claimants = new Map()));
      claimants.set(key, role);
      checkConflict(hash);
    }
    if (previous?.good?.payload !== next?.good?.payload) {
      if (next?.good) retain(next.good.payload);
      if (previous?.good) release(previous.good.payload);
    }
  }

  function upsert(secret: SecretObject): string {
    const key = secretKey(secret.metadata ?? { name: '' });
    const previous = secrets.get(key);
    const version = secret.metadata?.resourceVersion;
    if (version !== undefined && previous?.good?.resourceVersion === version && !previous.refused) return key;
    try {
      const good = parseTokenSecret(secret, { maxPayloadBytes, knownPayload });
      setState(key, { good, refused: undefined, refusedHashes: [] });
      observer.secretAccepted?.(key, good.pool);
    } catch (caught) {
      const error =
        caught instanceof KindlingError
          ? caught
          : new KindlingError('ERR_SECRET_INVALID', 'unexpected error while reading the Secret', {
              rule: 'internal',
              cause: caught,
            });
      setState(key, { good: previous?.good, refused: error, refusedHashes: claimedTokenHashes(secret) });
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
      const claimants = claims.get(tokenHash);
      if (!claimants)
        return { ok: false, code: tombstones.has(tokenHash) ? 'ERR_TOKEN_REVOKED' : 'ERR_TOKEN_UNKNOWN' };
      if (claimants.size > 1) return { ok: false, code: 'ERR_TOKEN_CONFLICT' };
      for (const [key, role] of claimants) {
        const secret = secrets.get(key)?.good;
        if (role === 'refused' || !secret) return { ok: false, code: 'ERR_SECRET_REFUSED' };
        const at = now();
        const expired =
          (secret.expiresAt !== undefined && at >= secret.expiresAt) ||
          (role === 'previous' &&
            secret.previousTokenExpiresAt !== undefined &&
            at >= secret.previousTokenExpiresAt);
        return expired ? { ok: false, code: 'ERR_TOKEN_EXPIRED', secret } : { ok: true, secret, role };
      }
      return { ok: false, code: 'ERR_TOKEN_UNKNOWN' };
    },
    body: (payload, version) => bodies.get(payload, version),
    stats() {
      let served = 0;
      let refused = 0;
      for (const state of secrets.values()) {
        if (state.good) served++;
        if (state.refused) refused++;
      }
      let payloadBytes = 0;
      for (const { payload } of payloads.values()) payloadBytes += payload.bytes.length;
      return {
        secrets: served,
        refused,
        payloads: payloads.size,
        payloadBytes,
        cacheBytes: bodies.bytes,
        tombstones: tombstones.size,
        conflicts: conflicts.size,
      };
    },
  };
}
