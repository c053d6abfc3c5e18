import { advertiseScript, type AdvertisedNodeName } from '../machines/advertiseScript.ts';
import { ADVERTISE_PATHS } from '../stubs/advertiseFiles.ts';
import type { NodeTemplate } from './NodeTemplate.ts';
import type { PlanPart } from './NodePlan.ts';
import type { ResolvedCluster } from './resolveClusterData.ts';

export const ADVERTISE_UNIT = 'kindling-advertise.service';
const ADVERTISE_SCRIPT_PATH = '/opt/kindling/advertise.sh';

/*
 * At every boot, once the network is up. Nothing is ordered after it and it requires nothing but the
 * network, so it never holds up the join; Type=simple, so its retries (the server may come up later than
 * the machine) do not hold up the boot either. The stub leaves the URL and the token (stubs/advertiseFiles.ts):
 * a machine whose stub does not advertise skips the unit.
 */
const ADVERTISE_UNIT_CONTENTS = `[Unit]
Description=Report this machine's hardware and OS facts to kindling (POST /advertise)
Wants=network-online.target
After=network-online.target
ConditionPathExists=${ADVERTISE_PATHS.url}
ConditionPathExists=${ADVERTISE_PATHS.header}

[Service]
Type=simple
ExecStart=/bin/sh ${ADVERTISE_SCRIPT_PATH}

[Install]
WantedBy=multi-user.target
`;

/** The advertise unit and its script: the facts the machine reports about itself (see advertiseScript). */
export function advertisePart({
  template,
  cluster,
}: {
  template: NodeTemplate;
  cluster: ResolvedCluster;
}): PlanPart {
  return {
    files: [
      { path: ADVERTISE_SCRIPT_PATH, mode: 0o700, contents: advertiseScript(nodeName(template, cluster)) },
    ],
    units: [{ name: ADVERTISE_UNIT, contents: ADVERTISE_UNIT_CONTENTS, enabled: true }],
  };
}

/** The name the join gives the node, as the join does (planNode's hostnamePart, joinPart's script). */
function nodeName({ node }: NodeTemplate, { nodeName: fixed }: ResolvedCluster): AdvertisedNodeName {
  if (fixed !== undefined) return { fixed };
  if (node.hostname.policy === 'machine-id') return { machineIdPrefix: node.hostname.prefix };
  return undefined;
}
