import { z } from 'zod';

const NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/*
 * What kubelet lets a node set on itself with --node-labels (k8s.io/kubelet/pkg/apis/well_known_labels.go):
 * a label in the kubernetes.io or k8s.io namespaces outside this list makes kubelet exit at start-up, and the
 * NodeRestriction admission plugin would refuse it anyway. node-role.kubernetes.io/* is among the refused.
 */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
]);
const KUBELET_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];
const RESERVED_NAMESPACES = ['kubernetes.io', 'k8s.io'];

const within = (namespace: string, parent: string) =>
  namespace === parent || namespace.endsWith(`.${parent}`);

/** Why a key is not a Kubernetes qualified name (`[prefix/]name`), or undefined when it is one. */
export function describeQualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    return 'has a prefix that is not a lower-case DNS name';
  }
  if (name.length > 63 || !NAME.test(name)) {
    return 'must be [prefix/]name, the name at most 63 characters [A-Za-z0-9-_.], alphanumeric at both ends';
  }
  return undefined;
}

/** True when kubelet would refuse to set this label on its own node. */
export function kubeletRefusesLabel(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const namespace = key.slice(0, slash);
  if (!RESERVED_NAMESPACES.some((reserved) => within(namespace, reserved))) return false;
  if (KUBELET_LABELS.has(key)) return false;
  return !KUBELET_NAMESPACES.some((allowed) => within(namespace, allowed));
}

export const qualifiedName = z.string().superRefine((key, ctx) => {
  const problem = describeQualifiedNameProblem(key);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

export const labelKey = qualifiedName.superRefine((key, ctx) => {
  if (!kubeletRefusesLabel(key)) return;
  ctx.addIssue({
    code: 'custom',
    message:
      'is in the kubernetes.io/k8s.io namespaces, where a node may only set its own labels under ' +
      'node.kubernetes.io/ or kubelet.kubernetes.io/ (kubelet refuses the rest, node-role.kubernetes.io/ included)',
  });
});

export const labelValue = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(
    /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/,
    'must be [A-Za-z0-9-_.], alphanumeric at both ends',
  );
