import { JOIN_CONFIGURATION_PATH, kubeadmJoinConfiguration } from './kubeadmJoinConfiguration.ts';
import type { NodeTemplate } from './NodeTemplate.ts';
import type { PlanPart } from './NodePlan.ts';
import type { ResolvedCluster } from './resolveClusterData.ts';
import { shellQuote } from './shellQuote.ts';

export const JOIN_UNIT = 'kindling-join.service';
const JOIN_SCRIPT_PATH = '/opt/kindling/join.sh';
const JOINED_MARKER = '/var/lib/kindling/joined';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/*
 * Runs at every boot until the join has succeeded once: a machine may come up before its control plane
 * answers, so a failure is retried (Restart= on a oneshot needs systemd 244+) rather than left for a human.
 * Ordered after containerd (kubeadm's preflight talks to the CRI) and after the network is really up.
 */
const JOIN_UNIT_CONTENTS = `[Unit]
Description=Join this machine to the Kubernetes cluster (kubeadm join, once)
Documentation=https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-join/
Wants=network-online.target containerd.service
After=network-online.target containerd.service
# The script writes this marker only after kubeadm join succeeded.
ConditionPathExists=!${JOINED_MARKER}
StartLimitIntervalSec=0

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh ${JOIN_SCRIPT_PATH}
Restart=on-failure
RestartSec=30s
TimeoutStartSec=20min

[Install]
WantedBy=multi-user.target
`;

/** The one-shot join: kubeadm's JoinConfiguration, the script that runs it, and its unit. */
export function joinPart({
  template,
  cluster,
}: {
  template: NodeTemplate;
  cluster: ResolvedCluster;
}): PlanPart {
  return {
    files: [
      {
        path: JOIN_CONFIGURATION_PATH,
        mode: 0o600,
        contents: kubeadmJoinConfiguration({ cluster, template }),
      },
      { path: JOIN_SCRIPT_PATH, mode: 0o700, contents: joinScript(template) },
    ],
    units: [{ name: JOIN_UNIT, contents: JOIN_UNIT_CONTENTS, enabled: true }],
  };
}

function joinScript({ binaries, host, node }: NodeTemplate): string {
  const path = binaries.source === 'download' ? `${binaries.directory}:${SYSTEM_PATH}` : SYSTEM_PATH;
  const criSocket = shellQuote(node.criSocket);
  const lines = [
    '#!/bin/sh',
    `# Written by kindling. ${JOIN_UNIT} runs it at boot until it succeeds once.`,
    'set -eu',
    `PATH=${path}`,
    'export PATH',
    '',
    '# Joined before, with the marker lost: record it rather than reset a working node.',
    'if [ -e /etc/kubernetes/kubelet.conf ]; then',
    `  mkdir -p ${dirname(JOINED_MARKER)} && date -u +%Y-%m-%dT%H:%M:%SZ > ${JOINED_MARKER}`,
    '  exit 0',
    'fi',
  ];
  if (host.disableSwap) {
    lines.push(
      '',
      '# kubelet refuses to run with swap on: swap.target is masked, this turns off what is active.',
    );
    lines.push('swapoff -a');
  }
  if (node.hostname.policy === 'machine-id') {
    lines.push('', '# The node is named after its hostname: one per machine, from its machine id.');
    lines.push(`hostnamectl set-hostname ${shellQuote(node.hostname.prefix)}"$(head -c 12 /etc/machine-id)"`);
  }
  lines.push(
    '',
    `if ! kubeadm join --config ${JOIN_CONFIGURATION_PATH}; then`,
    '  # A join that failed half-way leaves files that would fail the next attempt at its preflight checks.',
    `  kubeadm reset --force --cri-socket ${criSocket} || true`,
    '  exit 1',
    'fi',
    `mkdir -p ${dirname(JOINED_MARKER)}`,
    `date -u +%Y-%m-%dT%H:%M:%SZ > ${JOINED_MARKER}`,
    '# The bootstrap token has done its work here; it need not stay on disk.',
    `rm -f ${JOIN_CONFIGURATION_PATH}`,
    '',
  );
  return lines.join('\n');
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
