import type { JsonObject } from '../payload/JsonValue.ts';
import { fragmentToPlan } from './fragmentToPlan.ts';
import { mergePlans } from './mergePlans.ts';
import { planNode } from './planNode.ts';
import { planToCloudConfig } from './planToCloudConfig.ts';
import type { RenderOptions } from './RenderOptions.ts';
import { resolveClusterData } from './resolveClusterData.ts';
import { toYaml } from './toYaml.ts';

/**
 * The `#cloud-config` of a template, for machines that boot with cloud-init: the same files, units and users
 * as renderIgnition gives, as write_files, runcmd and users. Stable bytes, like renderIgnition's. Throws
 * ERR_RENDER_FAILED: rule `cluster-data` as renderIgnition, `cloud-config` when the template's Ignition
 * fragment uses something #cloud-config cannot express (the path names it).
 */
export function renderCloudConfig({ template, cluster = {} }: RenderOptions): Buffer {
  const resolved = resolveClusterData({ template, cluster });
  const rendered = planNode({ template, cluster: resolved });
  const { fragment } = template.ignition;
  const plan =
    fragment === undefined ? rendered : mergePlans(rendered, fragmentToPlan(fragment as JsonObject));
  const header = '#cloud-config\n# Rendered by kindling from a kindling.dev/v1 NodeTemplate.\n';
  return Buffer.from(header + toYaml(planToCloudConfig(plan)), 'utf8');
}
