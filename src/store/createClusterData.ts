import { KindlingError } from '../errors/KindlingError.ts';
import { CLUSTER_INFO, clusterKey, type ClusterObject, type ClusterRef } from '../sources/ClusterObject.ts';
import type { ClusterSink } from '../sources/Source.ts';
import type { ClusterData } from '../templates/ClusterData.ts';
import { readBootstrapTokenSecret } from '../templates/readBootstrapTokenSecret.ts';
import { readClusterInfo, type ClusterInfo } from '../templates/readClusterInfo.ts';
import type { TemplateNeeds } from '../templates/templateNeeds.ts';

export interface ClusterDataStore extends ClusterSink {
  /**
   * What the cluster holds for a template's needs. Absent objects leave their fields unset (the renderer
   * names what is missing); present but unusable ones throw ERR_RENDER_FAILED saying why.
   */
  dataFor(needs: TemplateNeeds): ClusterData;
  /** Whether a template with these needs reads the object. */
  reads(needs: TemplateNeeds, ref: ClusterRef): boolean;
}

/** Secret values as the API server sends them: `stringData` from files folded into base64 `data`. */
function normalise(object: ClusterObject): ClusterObject {
  if (object.kind !== 'Secret' || !object.stringData) return object;
  const data = { ...object.data };
  for (const [key, value] of Object.entries(object.stringData))
    data[key] = Buffer.from(value).toString('base64');
  return { ...object, data, stringData: undefined };
}

const refOf = (object: ClusterObject): ClusterRef => ({
  kind: object.kind,
  namespace: object.metadata.namespace ?? 'default',
  name: object.metadata.name,
});

/** The cluster objects templates depend on, and a change notification per object. */
export function createClusterData({ onChange }: { onChange: (ref: ClusterRef) => void }): ClusterDataStore {
  const objects = new Map<string, ClusterObject>();
  // cluster-info parsed once per change, not once per template rendered.
  let clusterInfo: ClusterInfo | KindlingError | undefined;

  function set(object: ClusterObject) {
    const ref = refOf(object);
    const key = clusterKey(ref);
    const next = normalise(object);
    const previous = objects.get(key);
    if (
      previous &&
      JSON.stringify(previous.data) === JSON.stringify(next.data) &&
      previous.type === next.type
    )
      return;
    objects.set(key, next);
    if (key === clusterKey(CLUSTER_INFO)) clusterInfo = undefined;
    onChange(ref);
  }

  function unset(ref: ClusterRef) {
    const key = clusterKey(ref);
    if (!objects.delete(key)) return;
    if (key === clusterKey(CLUSTER_INFO)) clusterInfo = undefined;
    onChange(ref);
  }

  function readInfo(): ClusterInfo | KindlingError | undefined {
    if (clusterInfo !== undefined) return clusterInfo;
    const kubeconfig = objects.get(clusterKey(CLUSTER_INFO))?.data?.kubeconfig;
    if (kubeconfig === undefined) return undefined;
    try {
      clusterInfo = readClusterInfo(kubeconfig);
    } catch (error) {
      if (!(error instanceof KindlingError)) throw error;
      clusterInfo = error;
    }
    return clusterInfo;
  }

  function secret(namespace: string, name: string) {
    return objects.get(clusterKey({ kind: 'Secret', namespace, name }));
  }

  return {
    replace(kind, list) {
      const listed = new Set(list.map((object) => clusterKey(refOf(object))));
      for (const [key, object] of [...objects]) {
        if (object.kind === kind && !listed.has(key)) unset(refOf(object));
      }
      for (const object of list) set(object);
    },
    upsert: set,
    remove: unset,
    dataFor(needs) {
      const data: ClusterData = {};
      if (needs.clusterInfo) {
        const info = readInfo();
        if (info instanceof KindlingError) throw info;
        if (info) {
          data.apiServerEndpoint = info.apiServerEndpoint;
          data.caCertHashes = info.caCertHashes;
        }
      }
      if (needs.bootstrapTokenSecret) {
        const found = secret(needs.bootstrapTokenSecret.namespace, needs.bootstrapTokenSecret.name);
        if (found) data.bootstrapToken = readBootstrapTokenSecret(found).token;
      }
      if (needs.certificateKeySecret) {
        const { namespace, name, key } = needs.certificateKeySecret;
        const value = secret(namespace, name)?.data?.[key];
        if (value !== undefined) data.certificateKey = Buffer.from(value, 'base64').toString('utf8').trim();
      }
      return data;
    },
    reads(needs, ref) {
      if (ref.kind === 'ConfigMap')
        return needs.clusterInfo !== undefined && clusterKey(ref) === clusterKey(CLUSTER_INFO);
      const token = needs.bootstrapTokenSecret;
      const certificate = needs.certificateKeySecret;
      return (
        (token !== undefined && token.namespace === ref.namespace && token.name === ref.name) ||
        (certificate !== undefined &&
          certificate.namespace === ref.namespace &&
          certificate.name === ref.name)
      );
    },
  };
}
