import { advertisePart } from './advertisePart.ts';
import { binariesPart } from './binariesPart.ts';
import { hostPreparationPart } from './hostPreparationPart.ts';
import { joinPart } from './joinPart.ts';
import type { NodeTemplate } from './NodeTemplate.ts';
import { combinePlanParts, type NodePlan, type PlanPart } from './NodePlan.ts';
import type { ResolvedCluster } from './resolveClusterData.ts';

/** Everything a template gives a node, before the raw Ignition fragment; the same for both formats. */
export function planNode({
  template,
  cluster,
}: {
  template: NodeTemplate;
  cluster: ResolvedCluster;
}): NodePlan {
  return combinePlanParts([
    hostnamePart(template, cluster),
    hostPreparationPart(template),
    binariesPart(template),
    joinPart({ template, cluster }),
    advertisePart({ template, cluster }),
    usersPart(template),
  ]);
}

function hostnamePart({ node }: NodeTemplate, { nodeName }: ResolvedCluster): PlanPart {
  if (nodeName !== undefined) return { hostname: { name: nodeName } };
  // The join script sets it from the machine id.
  if (node.hostname.policy === 'machine-id') return { hostname: { setAtBoot: true } };
  return {};
}

function usersPart({ users }: NodeTemplate): PlanPart {
  return {
    users: users.map(({ name, sshAuthorizedKeys, groups, passwordHash, shell }) => ({
      name,
      sshAuthorizedKeys,
      groups,
      ...(passwordHash === undefined ? {} : { passwordHash }),
      ...(shell === undefined ? {} : { shell }),
    })),
  };
}
