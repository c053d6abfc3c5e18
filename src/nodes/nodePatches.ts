import type { NodeObject } from './KubeObjects.ts';
import { isMaintenanceTaint, MAINTENANCE_REASON_ANNOTATION, MAINTENANCE_TAINT } from './maintenanceMarks.ts';
import type { NodePatch } from './updateNode.ts';

/*
 * The changes node commands make, as functions of the node read: each returns undefined when the node is
 * already as wanted. Fields are removed (`null`) rather than set to their zero value, so that `off` gives
 * back exactly the node `on` started from.
 */

/** Unschedulable (what `kubectl cordon` does). */
export function cordonPatch(node: NodeObject): NodePatch | undefined {
  return node.spec?.unschedulable === true ? undefined : { spec: { unschedulable: true } };
}

/** Cordoned, and `--reason` recorded when one is given (a later `on` without one keeps the earlier). */
export function maintenanceStartPatch(node: NodeObject, reason: string | undefined): NodePatch | undefined {
  const annotations = node.metadata.annotations ?? {};
  const newReason = reason !== undefined && annotations[MAINTENANCE_REASON_ANNOTATION] !== reason;
  if (node.spec?.unschedulable === true && !newReason) return undefined;
  return {
    spec: { unschedulable: true },
    ...(newReason ? { metadata: { annotations: { [MAINTENANCE_REASON_ANNOTATION]: reason } } } : {}),
  };
}

/** The maintenance taint, replacing one of ours with another value. */
export function maintenanceTaintPatch(node: NodeObject): NodePatch | undefined {
  const taints = node.spec?.taints ?? [];
  const ours = taints.filter(isMaintenanceTaint);
  if (ours.length === 1 && ours[0]?.value === MAINTENANCE_TAINT.value) return undefined;
  return {
    spec: { taints: [...taints.filter((taint) => !isMaintenanceTaint(taint)), { ...MAINTENANCE_TAINT }] },
  };
}

/** No maintenance taint, not cordoned, no reason: the node `on` started from. */
export function maintenanceEndPatch(node: NodeObject): NodePatch | undefined {
  const taints = node.spec?.taints ?? [];
  const kept = taints.filter((taint) => !isMaintenanceTaint(taint));
  const hasReason = node.metadata.annotations?.[MAINTENANCE_REASON_ANNOTATION] !== undefined;
  const cordoned = node.spec?.unschedulable !== undefined;
  if (kept.length === taints.length && !hasReason && !cordoned) return undefined;
  return {
    spec: {
      ...(cordoned ? { unschedulable: null } : {}),
      ...(kept.length === taints.length ? {} : { taints: kept.length === 0 ? null : kept }),
    },
    ...(hasReason ? { metadata: { annotations: { [MAINTENANCE_REASON_ANNOTATION]: null } } } : {}),
  };
}
