import type { z } from 'zod';
import { isKindlingError } from '../errors/KindlingError.ts';
import { isJsonObject } from '../payload/JsonValue.ts';
import { compareSpecVersions } from '../payload/SpecVersion.ts';
import { validateIgnition } from '../payload/validateIgnition.ts';
import type { NodeTemplate } from './NodeTemplate.ts';
import { payloadProblem } from './payloadProblem.ts';

/** kubelet flags the template sets from its own fields: a second source would fight the first. */
const OWNED_KUBELET_FLAGS: Readonly<Record<string, string>> = {
  'node-labels': 'node.labels',
  'register-with-taints': 'node.taints',
  'hostname-override': 'node.hostname',
  'container-runtime-endpoint': 'node.criSocket',
};

/** The rules that span several fields; each broken one is an issue at the field to change. */
export function checkTemplateRules(template: NodeTemplate, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string, params?: Record<string, string>) =>
    ctx.addIssue({ code: 'custom', path, message, ...(params === undefined ? {} : { params }) });

  if (template.role === 'control-plane' && template.controlPlane === undefined) {
    issue(['controlPlane'], 'is required when role is control-plane (it holds the certificate key)');
  }
  if (template.role === 'worker' && template.controlPlane !== undefined) {
    issue(['controlPlane'], 'is only for role: control-plane');
  }
  for (const flag of Object.keys(template.node.kubeletExtraArgs)) {
    const owner = OWNED_KUBELET_FLAGS[flag];
    if (owner !== undefined)
      issue(['node', 'kubeletExtraArgs', flag], `is set from ${owner}; use that field`);
  }
  const seenTaints = new Set<string>();
  template.node.taints?.forEach(({ key, effect }, i) => {
    if (seenTaints.has(`${key}:${effect}`)) issue(['node', 'taints', i], `repeats ${key}:${effect}`);
    seenTaints.add(`${key}:${effect}`);
  });
  const seenUsers = new Set<string>();
  template.users.forEach(({ name }, i) => {
    if (seenUsers.has(name)) issue(['users', i, 'name'], `repeats the user ${JSON.stringify(name)}`);
    seenUsers.add(name);
  });
  const { binaries, ignition } = template;
  if (binaries.source === 'download' && compareSpecVersions(ignition.version, '3.1.0') < 0) {
    for (const name of ['kubeadm', 'kubelet', 'kubectl'] as const) {
      if (binaries[name]?.hash.startsWith('sha256-')) {
        issue(['binaries', name, 'hash'], `sha256 hashes need ignition.version 3.1.0 or newer; use sha512`);
      }
    }
  }
  if (ignition.fragment !== undefined) checkFragment(ignition.fragment, ignition.version, issue);
}

/**
 * The fragment must be valid Ignition of the template's spec on its own: its problems are then reported
 * against the template, where they can be fixed, rather than at render time.
 */
function checkFragment(
  fragment: Record<string, unknown>,
  version: NodeTemplate['ignition']['version'],
  issue: (path: (string | number)[], message: string, params?: Record<string, string>) => void,
): void {
  const section = fragment.ignition ?? {};
  if (!isJsonObject(section)) {
    issue(['ignition', 'fragment', 'ignition'], 'must be an object');
    return;
  }
  if (section.version !== undefined && section.version !== version) {
    issue(['ignition', 'fragment', 'ignition', 'version'], 'must be left out, or equal ignition.version');
    return;
  }
  try {
    validateIgnition({ ...fragment, ignition: { ...section, version } });
  } catch (error) {
    if (!isKindlingError(error, 'ERR_PAYLOAD_INVALID')) throw error;
    // The payload validator formats its own path: it is passed on whole rather than re-parsed.
    issue(['ignition', 'fragment'], payloadProblem(error), { fragmentPath: error.path ?? '' });
  }
}
