import { userdataSecret } from '../../../stubs/userdataSecret.ts';
import { clusterError } from '../../CommandError.ts';
import { ANNOTATION_STUB_OPTIONS, LABEL_STUB_POOL } from '../format/cliAnnotations.ts';
import type { ClusterApi, SecretRef } from '../kube/createClusterApi.ts';
import { encodeStubOptions, type StubOptions } from './StubOptions.ts';

export type StoreResult = 'created' | 'updated' | 'unchanged';

export interface StoreStubOptions {
  api: ClusterApi;
  ref: SecretRef;
  pool: string;
  options: StubOptions;
  /** The stub text. */
  value: string;
}

/**
 * Writes a stub as a userdata Secret (key `value`, and `format`, as Cluster API bootstrap data), labelled
 * with its pool and annotated with how it was made, so that `token rotate` finds it and makes it again. A
 * Secret of that name that this command did not write, or that holds another pool's stub, is left alone.
 */
export async function storeStub({ api, ref, pool, options, value }: StoreStubOptions): Promise<StoreResult> {
  const wanted = userdataSecret({ ...ref, value, format: options.format });
  const annotations = { [ANNOTATION_STUB_OPTIONS]: encodeStubOptions(options) };
  const labels = { [LABEL_STUB_POOL]: pool };
  const current = await api.getSecret(ref);
  if (current === undefined) {
    await api.createSecret({ ...wanted, metadata: { ...ref, labels, annotations } });
    return 'created';
  }
  const owner = current.metadata.labels?.[LABEL_STUB_POOL];
  if (owner === undefined) {
    throw clusterError(
      `Secret ${ref.namespace}/${ref.name} exists and was not written by kindling stub; choose another --to-secret name, or delete it`,
    );
  }
  if (owner !== pool) {
    throw clusterError(
      `Secret ${ref.namespace}/${ref.name} holds the stub of pool "${owner}"; choose another --to-secret name`,
    );
  }
  const same =
    current.data?.value === wanted.data?.value &&
    current.data?.format === wanted.data?.format &&
    current.metadata.annotations?.[ANNOTATION_STUB_OPTIONS] === annotations[ANNOTATION_STUB_OPTIONS];
  if (same) return 'unchanged';
  await api.patchSecret(ref, {
    metadata: { resourceVersion: current.metadata.resourceVersion, annotations },
    data: wanted.data,
  });
  return 'updated';
}
