import type { NodeTemplate } from './NodeTemplate.ts';
import type { PlanDownload, PlanPart } from './NodePlan.ts';

const TOOLS = ['kubeadm', 'kubelet', 'kubectl'] as const;

/**
 * kubelet and kubeadm: either the image has them (with the kubelet.service its packages install), or they are
 * downloaded, checked against their hashes, and given the unit and kubeadm drop-in the packages would have
 * installed (from kubernetes/release, with the binary's own path).
 */
export function binariesPart({ binaries }: NodeTemplate): PlanPart {
  if (binaries.source === 'image') return { units: [{ name: 'kubelet.service', enabled: true }] };
  const directory = binaries.directory === '/' ? '' : binaries.directory;
  const downloads = TOOLS.flatMap((tool): PlanDownload[] => {
    const download = binaries[tool];
    if (download === undefined) return [];
    return [{ path: `${directory}/${tool}`, mode: 0o755, url: download.url, hash: download.hash }];
  });
  const kubelet = `${directory}/kubelet`;
  return {
    downloads,
    units: [
      {
        name: 'kubelet.service',
        contents: kubeletUnit(kubelet),
        dropins: [{ name: '10-kubeadm.conf', contents: kubeadmDropin(kubelet) }],
        enabled: true,
      },
    ],
  };
}

function kubeletUnit(kubelet: string): string {
  return `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${kubelet}
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;
}

// kubeadm join writes kubeadm-flags.env and the kubeconfigs this drop-in points kubelet at.
function kubeadmDropin(kubelet: string): string {
  return `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=${kubelet} $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;
}
