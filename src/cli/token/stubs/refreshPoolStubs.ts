import { ANNOTATION_STUB_OPTIONS, LABEL_STUB_POOL } from '../format/cliAnnotations.ts';
import type { ClusterApi } from '../kube/createClusterApi.ts';
import { renderStub } from './renderStub.ts';
import { storeStub } from './storeStub.ts';
import { decodeStubOptions } from './StubOptions.ts';

export interface RefreshPoolStubsOptions {
  api: ClusterApi;
  namespace: string;
  pool: string;
  /** The pool's current token. */
  token: string;
  /** The decompressed payload, for pinned stubs; undefined for a template pool. */
  payload: Buffer | undefined;
  /** Whether the payload itself changed: pinned per-machine stubs are then out of date. */
  payloadChanged: boolean;
}

/**
 * Makes every userdata Secret of the pool (written by `stub --to-secret`) again, with the pool's current
 * token and payload: after a rotation, machines created from them must get the new token. Per-machine stubs
 * hold their own signed token and are left as they are; the lines returned say what was done to each.
 */
export async function refreshPoolStubs({
  api,
  namespace,
  pool,
  token,
  payload,
  payloadChanged,
}: RefreshPoolStubsOptions): Promise<string[]> {
  const lines: string[] = [];
  for (const secret of await api.listSecrets(namespace, `${LABEL_STUB_POOL}=${pool}`)) {
    const name = `${namespace}/${secret.metadata.name}`;
    const options = decodeStubOptions(secret.metadata.annotations?.[ANNOTATION_STUB_OPTIONS]);
    if (options === undefined) {
      lines.push(
        `left userdata Secret ${name} as it is: its ${ANNOTATION_STUB_OPTIONS} annotation is unreadable`,
      );
      continue;
    }
    if (options.machine !== undefined) {
      if (options.pinHash && payloadChanged) {
        lines.push(
          `userdata Secret ${name} (machine ${options.machine}) pins the old payload: run kindling stub --pool ${pool} --machine ${options.machine} --to-secret ${secret.metadata.name} again`,
        );
      }
      continue;
    }
    if (options.pinHash && payload === undefined) {
      lines.push(
        `left userdata Secret ${name} as it is: it pins a payload, and the pool now serves a template; make it again without --pin-hash`,
      );
      continue;
    }
    const value = renderStub({ options, token, payload: options.pinHash ? payload : undefined });
    const ref = { namespace, name: secret.metadata.name };
    const result = await storeStub({ api, ref, pool, options, value });
    if (result !== 'unchanged') {
      lines.push(
        `rewrote userdata Secret ${name} (the pool's current token${options.pinHash ? ', payload hash' : ''})`,
      );
    }
  }
  return lines;
}
