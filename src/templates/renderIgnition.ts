import { isKindlingError } from '../errors/KindlingError.ts';
import type { JsonObject } from '../payload/JsonValue.ts';
import { validateIgnition } from '../payload/validateIgnition.ts';
import { canonicalJson } from './canonicalJson.ts';
import { mergeIgnitionFragment } from './mergeIgnitionFragment.ts';
import { planNode } from './planNode.ts';
import { payloadProblem } from './payloadProblem.ts';
import { planToIgnition } from './planToIgnition.ts';
import { renderError } from './renderError.ts';
import type { RenderOptions } from './RenderOptions.ts';
import { resolveClusterData } from './resolveClusterData.ts';

/**
 * The complete Ignition config of a template, as canonical JSON bytes (sorted keys, no whitespace): the same
 * template and cluster data always give the same bytes. The output passes validateIgnition for the template's
 * spec version. Throws ERR_RENDER_FAILED: rule `cluster-data` when the cluster data lacks what the template
 * needs, `invalid-output` when the result breaks an Ignition rule (a fragment entry clashing with a rendered
 * one, such as a file at the path of a rendered unit), with the config path.
 */
export function renderIgnition({ template, cluster = {} }: RenderOptions): Buffer {
  const resolved = resolveClusterData({ template, cluster });
  const rendered = planToIgnition(planNode({ template, cluster: resolved }), template.ignition.version);
  const { fragment } = template.ignition;
  // The template schema has validated the fragment as an Ignition config, so it is JSON.
  const config = fragment === undefined ? rendered : mergeIgnitionFragment(rendered, fragment as JsonObject);
  try {
    validateIgnition(config);
  } catch (error) {
    if (!isKindlingError(error, 'ERR_PAYLOAD_INVALID')) throw error;
    const problem = `${payloadProblem(error)} (in the rendered config, ignition.fragment merged)`;
    throw renderError('invalid-output', error.path ?? '', problem, error);
  }
  return Buffer.from(canonicalJson(config), 'utf8');
}
