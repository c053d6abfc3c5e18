import { isMachineTokenSecret, type ClusterObject } from '../sources/ClusterObject.ts';
import type { ClusterSink } from '../sources/Source.ts';

/**
 * One cluster sink for sources, two consumers in the store: the Secrets per-machine tokens are checked
 * against (verification keys, revocations) and the data templates read. A Secret whose type changes moves
 * from one to the other; a removal goes to both (a ref carries no type, and removing what is absent is a
 * no-op).
 */
export function routeClusterObjects({
  machineTokens,
  templateData,
}: {
  machineTokens: ClusterSink;
  templateData: ClusterSink;
}): ClusterSink {
  const refOf = (object: ClusterObject) => ({
    kind: object.kind,
    namespace: object.metadata.namespace ?? 'default',
    name: object.metadata.name,
  });
  return {
    replace(kind, objects) {
      machineTokens.replace(kind, objects.filter(isMachineTokenSecret));
      templateData.replace(
        kind,
        objects.filter((object) => !isMachineTokenSecret(object)),
      );
    },
    upsert(object) {
      const [to, from] = isMachineTokenSecret(object)
        ? [machineTokens, templateData]
        : [templateData, machineTokens];
      from.remove(refOf(object));
      to.upsert(object);
    },
    remove(ref) {
      machineTokens.remove(ref);
      templateData.remove(ref);
    },
  };
}
