import type { ClusterObject } from '../ClusterObject.ts';

interface ApiObject {
  kind?: unknown;
  type?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; resourceVersion?: unknown };
  data?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const record = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, string>)
    : undefined;

/**
 * The slice of a ConfigMap or Secret that templates read, from a list item or a watch event object. List
 * items carry no `kind`, so the caller says which resource it watches.
 */
export function toClusterObject(kind: ClusterObject['kind']): (object: unknown) => ClusterObject | undefined {
  return (object) => {
    const item = object as ApiObject | null;
    const name = text(item?.metadata?.name);
    if (!item || name === undefined) return undefined;
    return {
      kind,
      type: text(item.type),
      metadata: {
        name,
        namespace: text(item.metadata?.namespace),
        resourceVersion: text(item.metadata?.resourceVersion),
      },
      data: record(item.data),
    };
  };
}
