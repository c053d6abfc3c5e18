import type { Taint } from './KubeObjects.ts';

/** What `node maintenance NAME on` puts on a node, besides the cordon. */
export const MAINTENANCE_TAINT: Readonly<Taint> = {
  key: 'kindling.dev/maintenance',
  value: 'drain',
  effect: 'NoExecute',
};

/** `--reason`, kept on the node so that whoever looks at it (kubectl describe) sees why it is out. */
export const MAINTENANCE_REASON_ANNOTATION = 'kindling.dev/maintenance-reason';

/** Same key and effect: the value is ours to set, so another value is still our taint (to be replaced). */
export function isMaintenanceTaint(taint: Taint): boolean {
  return taint.key === MAINTENANCE_TAINT.key && taint.effect === MAINTENANCE_TAINT.effect;
}
