import type { NodeTemplate } from './NodeTemplate.ts';
import type { ResolvedCluster } from './resolveClusterData.ts';
import { toYaml } from './toYaml.ts';

export const JOIN_CONFIGURATION_PATH = '/etc/kindling/kubeadm-join.yaml';

/*
 * kubeadm.k8s.io/v1beta3: what kubeadm 1.22 and newer reads (1.31+ prefers v1beta4 but still reads v1beta3).
 * The version of the API server kindling itself talks to does not matter: nodes run their own, modern kubeadm.
 */
const API_VERSION = 'kubeadm.k8s.io/v1beta3';

/**
 * The JoinConfiguration for `kubeadm join --config`. Labels travel as kubelet's --node-labels, taints as
 * nodeRegistration.taints (left out when the template sets none, so a control plane keeps kubeadm's default
 * taint; an empty list removes it). Maps are written sorted, so their order in the template does not matter.
 */
export function kubeadmJoinConfiguration({
  cluster,
  template,
}: {
  cluster: ResolvedCluster;
  template: NodeTemplate;
}): string {
  const { node, controlPlane } = template;
  const args: Record<string, string> = { ...node.kubeletExtraArgs };
  const labels = sortedEntries(node.labels).map(([key, value]) => `${key}=${value}`);
  if (labels.length > 0) args['node-labels'] = labels.join(',');
  const kubeletExtraArgs = Object.fromEntries(sortedEntries(args));

  const nodeRegistration = {
    ...(cluster.nodeName === undefined ? {} : { name: cluster.nodeName }),
    criSocket: node.criSocket,
    ...(Object.keys(kubeletExtraArgs).length === 0 ? {} : { kubeletExtraArgs }),
    ...(node.taints === undefined
      ? {}
      : {
          taints: node.taints.map(({ key, value, effect }) => ({
            key,
            ...(value === undefined ? {} : { value }),
            effect,
          })),
        }),
    ...(node.ignorePreflightErrors.length === 0 ? {} : { ignorePreflightErrors: node.ignorePreflightErrors }),
  };
  const config = {
    apiVersion: API_VERSION,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: cluster.apiServerEndpoint,
        token: cluster.bootstrapToken,
        caCertHashes: cluster.caCertHashes,
      },
    },
    nodeRegistration,
    ...(controlPlane === undefined || cluster.certificateKey === undefined
      ? {}
      : {
          controlPlane: {
            localAPIEndpoint: {
              ...(controlPlane.advertiseAddress === undefined
                ? {}
                : { advertiseAddress: controlPlane.advertiseAddress }),
              bindPort: controlPlane.bindPort,
            },
            certificateKey: cluster.certificateKey,
          },
        }),
  };
  return `# Written by kindling. kindling-join.service passes it to kubeadm join, then deletes it.\n${toYaml(config)}`;
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
