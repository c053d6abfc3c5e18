import { KindlingError } from '../errors/KindlingError.ts';
import type { ClusterObject, ClusterRef } from '../sources/ClusterObject.ts';
import type { ClusterSink } from '../sources/Source.ts';
import {
  createMachineTokenVerifier,
  type MachineTokenResult,
  type MachineTokenVerifier,
} from '../tokens/jws/createMachineTokenVerifier.ts';
import { readSigningKeySecret } from '../tokens/jws/readSigningKeySecret.ts';
import { REVOCATIONS_SECRET_TYPE } from '../tokens/machineRecordsFormat.ts';
import { VERIFICATION_KEYS_SECRET_TYPE } from '../tokens/jws/signingKeyFormat.ts';
import { secretKey } from '../tokens/SecretObject.ts';
import type { StoreObserver } from './StoreObserver.ts';

/** A verification, or why none can be made yet: no keys (503, they may still arrive), or several Secrets. */
export type MachineTokenCheck =
  MachineTokenResult | { ok: false; code: 'ERR_TOKEN_UNKNOWN' | 'ERR_TOKEN_CONFLICT' };

export interface MachineTokens extends ClusterSink {
  verify(compact: string): Promise<MachineTokenCheck>;
}

export interface MachineTokensOptions {
  /** The server's base URL, as `token mint --server` put it in `aud`; without it no token verifies. */
  audience: string | undefined;
  now: () => number;
  observer: StoreObserver;
}

const NO_KEYS = { ok: false, code: 'ERR_TOKEN_UNKNOWN' } as const;
const SEVERAL_KEYS = { ok: false, code: 'ERR_TOKEN_CONFLICT' } as const;

/** What decides a Secret's effect: a relist hands the same data again, which must not flush the cache. */
const contentOf = (object: ClusterObject) => JSON.stringify([object.data ?? {}, object.stringData ?? {}]);

/**
 * The state per-machine tokens are checked against, fed like any cluster data (see ClusterObject.ts): the
 * `kindling.dev/verification-keys` Secret, whose public keys (current and previous) make the verifier, and
 * the `kindling.dev/revocations` Secrets, whose keys are revoked jtis (asked at every verification, so a
 * revocation takes effect on the next request).
 *
 * Exactly one keys Secret is used. None, and machine tokens answer 503: the keys may arrive after the
 * server starts. Several, and none is trusted over the others: 503 until one is left. A keys Secret that
 * turns invalid keeps its last good keys served, as token Secrets do. Reading keys is asynchronous (their
 * kid thumbprints are checked): changes apply one after the other, and a verification waits for the last
 * change made before it.
 */
export function createMachineTokens({ audience, now, observer }: MachineTokensOptions): MachineTokens {
  const keySecrets = new Map<string, { object: ClusterObject; content: string }>();
  const revocations = new Map<string, ReadonlySet<string>>();
  let current: { from: string; verifier: MachineTokenVerifier } | undefined;
  let several = false;
  // Changes apply in order, each after the previous one: reading keys is asynchronous.
  let applied: Promise<void> = Promise.resolve();

  const isRevoked = (jti: string) => {
    for (const revoked of revocations.values()) if (revoked.has(jti)) return true;
    return false;
  };

  async function load(key: string, object: ClusterObject) {
    try {
      if (audience === undefined) {
        throw new KindlingError(
          'ERR_SECRET_INVALID',
          'per-machine tokens cannot be verified: --server-url (their audience) is not configured',
          { rule: 'no-audience', path: 'server-url' },
        );
      }
      const { publicJwks } = await readSigningKeySecret(object);
      current = { from: key, verifier: createMachineTokenVerifier({ publicJwks, audience, now, isRevoked }) };
      observer.verificationKeys?.({ secrets: [key], kids: publicJwks.map((jwk) => jwk.kid ?? '') });
    } catch (caught) {
      const error =
        caught instanceof KindlingError
          ? caught
          : new KindlingError('ERR_SECRET_INVALID', 'unexpected error while reading the keys', {
              rule: 'internal',
              cause: caught,
            });
      if (current?.from !== key) current = undefined;
      observer.secretRefused?.(key, error, { stillServing: current !== undefined });
      if (current === undefined) observer.verificationKeys?.({ secrets: [key], kids: [] });
    }
  }

  async function apply(secrets: [string, ClusterObject][]) {
    const [only, ...others] = secrets;
    several = others.length > 0;
    if (only !== undefined && !several) return load(...only);
    current = undefined;
    observer.verificationKeys?.({ secrets: secrets.map(([key]) => key).sort(), kids: [] });
  }

  /** The keys Secrets changed: the verifier follows (its cache of verified tokens goes with the old one). */
  function rekey() {
    const secrets = [...keySecrets].map(([key, { object }]): [string, ClusterObject] => [key, object]);
    applied = applied.then(() => apply(secrets));
  }

  /** Applies one object; true when the keys changed. */
  function set(object: ClusterObject): boolean {
    const key = secretKey(object.metadata);
    if (object.type === REVOCATIONS_SECRET_TYPE) {
      const revoked = new Set([...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {})]);
      revocations.set(key, revoked);
      return keySecrets.delete(key);
    }
    revocations.delete(key);
    if (object.type !== VERIFICATION_KEYS_SECRET_TYPE) return keySecrets.delete(key);
    const content = contentOf(object);
    if (keySecrets.get(key)?.content === content) return false;
    keySecrets.set(key, { object, content });
    return true;
  }

  function unset(ref: ClusterRef): boolean {
    if (ref.kind !== 'Secret') return false;
    const key = secretKey(ref);
    revocations.delete(key);
    return keySecrets.delete(key);
  }

  return {
    upsert(object) {
      if (set(object)) rekey();
    },
    remove(ref) {
      if (unset(ref)) rekey();
    },
    replace(kind, objects) {
      if (kind !== 'Secret') return;
      const listed = new Set(objects.map((object) => secretKey(object.metadata)));
      let changed = false;
      for (const key of [...keySecrets.keys(), ...revocations.keys()]) {
        if (listed.has(key)) continue;
        const [namespace = '', name = ''] = key.split('/');
        changed = unset({ kind: 'Secret', namespace, name }) || changed;
      }
      for (const object of objects) changed = set(object) || changed;
      if (changed) rekey();
    },
    async verify(compact) {
      // A request after a change is answered with it.
      await applied;
      if (several) return SEVERAL_KEYS;
      return current === undefined ? NO_KEYS : current.verifier.verify(compact);
    },
  };
}
