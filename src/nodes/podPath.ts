import type { PodObject } from './KubeObjects.ts';

export function podPath(pod: PodObject, subresource = ''): string {
  const { namespace, name } = pod.metadata;
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}${subresource}`;
}

/** DeleteOptions that touch only the pod that was listed, not one recreated under its name since. */
export function uidPrecondition(pod: PodObject): { preconditions?: { uid: string } } {
  return pod.metadata.uid === undefined ? {} : { preconditions: { uid: pod.metadata.uid } };
}
