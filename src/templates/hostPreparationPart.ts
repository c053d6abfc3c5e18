import type { NodeTemplate } from './NodeTemplate.ts';
import type { PlanFile, PlanPart, PlanUnit } from './NodePlan.ts';

const MODULES_LOAD_PATH = '/etc/modules-load.d/kindling.conf';
const SYSCTL_PATH = '/etc/sysctl.d/90-kindling.conf';
const CONTAINERD_CONFIG_PATH = '/etc/containerd/config.toml';

/**
 * What kubeadm's preflight checks and kubelet expect of the host. Ignition machines apply these files at
 * boot (systemd-modules-load runs before systemd-sysctl, so bridge sysctls find br_netfilter loaded);
 * cloud-init machines run each file's `apply` command instead.
 */
export function hostPreparationPart({ host }: NodeTemplate): PlanPart {
  const files: PlanFile[] = [];
  // containerd is the runtime kubelet needs at every boot, not only at the join.
  const units: PlanUnit[] = [{ name: 'containerd.service', enabled: true }];
  if (host.disableSwap) {
    // Masking the target keeps every swap unit (fstab, zram generators) from being pulled in at boot.
    units.unshift({ name: 'swap.target', mask: true });
  }
  if (host.kernelModules.length > 0) {
    files.push({
      path: MODULES_LOAD_PATH,
      mode: 0o644,
      contents: `# Written by kindling: kernel modules containerd and kube-proxy need.\n${lines(host.kernelModules)}`,
      apply: ['systemctl', 'restart', 'systemd-modules-load.service'],
    });
  }
  const sysctls = Object.entries(host.sysctls).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sysctls.length > 0) {
    files.push({
      path: SYSCTL_PATH,
      mode: 0o644,
      contents: `# Written by kindling: what kubeadm's preflight checks require.\n${lines(sysctls.map(([k, v]) => `${k} = ${v}`))}`,
      apply: ['sysctl', '--system'],
    });
  }
  if (host.containerd.configure) {
    files.push({
      path: CONTAINERD_CONFIG_PATH,
      mode: 0o644,
      contents: containerdConfig(host.containerd.systemdCgroup),
      apply: ['systemctl', 'restart', 'containerd.service'],
    });
  }
  return { files, units };
}

/*
 * A whole config.toml rather than a drop-in: containerd only reads drop-ins its main file imports, and the
 * main file some packages ship disables the CRI plugin kubelet needs. Config version 2 is read by containerd
 * 1.5+ and migrated in memory by 2.x. kubeadm (1.22+) configures kubelet with the systemd cgroup driver, and
 * the runtime must use the same one.
 */
function containerdConfig(systemdCgroup: boolean): string {
  return `# Written by kindling: containerd with its CRI plugin on, runc with ${systemdCgroup ? 'systemd' : 'cgroupfs'} cgroups.
version = 2

[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = ${systemdCgroup}
`;
}

function lines(items: readonly string[]): string {
  return items.map((item) => `${item}\n`).join('');
}
