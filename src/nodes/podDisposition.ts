import type { PodObject, Taint, Toleration } from './KubeObjects.ts';
import { MAINTENANCE_TAINT } from './maintenanceMarks.ts';

/** What a drain does with a pod on the node, and why. */
export type PodDisposition =
  { action: 'stay'; why: 'daemonset' | 'mirror' | 'tolerates-maintenance' } | { action: 'evict' };

export type DrainPurpose = 'maintenance' | 'removal';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * DaemonSet pods stay (their controller would put them straight back, and they tolerate unschedulable);
 * mirror pods stay (the API server cannot delete a static pod: the kubelet runs it from a file). For
 * maintenance, a pod that tolerates the maintenance taint with no time limit stays too: the taint means
 * "what does not tolerate this must go", and that pod was written to stay through it.
 */
export function podDisposition(pod: PodObject, purpose: DrainPurpose): PodDisposition {
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return { action: 'stay', why: 'mirror' };
  const controller = pod.metadata.ownerReferences?.find((owner) => owner.controller === true);
  if (controller?.kind === 'DaemonSet') return { action: 'stay', why: 'daemonset' };
  if (
    purpose === 'maintenance' &&
    (pod.spec?.tolerations ?? []).some(
      (toleration) => toleration.tolerationSeconds === undefined && tolerates(toleration, MAINTENANCE_TAINT),
    )
  ) {
    return { action: 'stay', why: 'tolerates-maintenance' };
  }
  return { action: 'evict' };
}

/** Kubernetes' rule (k8s.io/api/core/v1 Toleration.ToleratesTaint). */
export function tolerates(toleration: Toleration, taint: Readonly<Taint>): boolean {
  if (toleration.effect !== undefined && toleration.effect !== '' && toleration.effect !== taint.effect) {
    return false;
  }
  if (toleration.operator === 'Exists') {
    return toleration.key === undefined || toleration.key === '' || toleration.key === taint.key;
  }
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}
