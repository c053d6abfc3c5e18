import type { KubeApi } from '../kube/KubeApi.ts';
import { expectOk, KubeApiError } from '../kube/KubeApiError.ts';
import type { NodeObject } from './KubeObjects.ts';

/** A JSON merge patch of a Node (RFC 7386: `null` removes a field, a list is replaced whole). */
export type NodePatch = { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

export type NodeUpdate = { found: false } | { found: true; changed: boolean; node: NodeObject };

const ATTEMPTS = 5;

export function nodePath(name: string): string {
  return `/api/v1/nodes/${encodeURIComponent(name)}`;
}

export async function getNode(api: KubeApi, name: string): Promise<NodeObject | undefined> {
  const response = await api.request({ method: 'GET', path: nodePath(name) });
  if (response.status === 404) return undefined;
  return expectOk(response, `get node ${name}`).body as NodeObject;
}

/**
 * Reads the node, asks `change` for a patch, and applies it only if the node is still the version read
 * (`metadata.resourceVersion` in the patch: a 409 otherwise, and a fresh read). Taints are a list, which a
 * merge patch replaces whole, so without this a concurrent change (the node controller adding a
 * not-ready taint) could be lost. `change` returns undefined when the node is already as wanted: nothing is
 * written, which makes every caller idempotent.
 */
export async function updateNode(
  api: KubeApi,
  name: string,
  change: (node: NodeObject) => NodePatch | undefined,
): Promise<NodeUpdate> {
  for (let attempt = 1; ; attempt++) {
    const node = await getNode(api, name);
    if (node === undefined) return { found: false };
    const patch = change(node);
    if (patch === undefined) return { found: true, changed: false, node };
    const response = await api.request({
      method: 'PATCH',
      path: nodePath(name),
      contentType: 'application/merge-patch+json',
      body: { ...patch, metadata: { ...patch.metadata, resourceVersion: node.metadata.resourceVersion } },
    });
    if (response.status === 404) return { found: false };
    if (response.status === 409 && attempt < ATTEMPTS) continue;
    if (response.status === 409)
      throw new KubeApiError(`update node ${name} (changed concurrently)`, response);
    return { found: true, changed: true, node: expectOk(response, `update node ${name}`).body as NodeObject };
  }
}
