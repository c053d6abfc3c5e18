import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { parseUnit, unitValues, viewCloudConfig, viewIgnition, type NodeView } from './nodeView.ts';
import {
  FIXTURE_CA_HASH,
  FIXTURE_CERTIFICATE_KEY,
  FIXTURE_MACHINE,
  FIXTURE_TOKEN,
  fixtureClusterData,
  readTemplate,
} from './templateFixtures.ts';

// What each rendered file means, read back from both formats: the same assertions hold Ignition and
// #cloud-config to the same machine.
const cluster = fixtureClusterData();
const FORMATS = {
  ignition: (name: string) => viewIgnition(renderIgnition({ template: readTemplate(name), cluster })),
  'cloud-config': (name: string) =>
    viewCloudConfig(renderCloudConfig({ template: readTemplate(name), cluster })),
};

interface JoinConfiguration {
  apiVersion: string;
  kind: string;
  discovery: { bootstrapToken: { apiServerEndpoint: string; token: string; caCertHashes: string[] } };
  nodeRegistration: {
    name?: string;
    criSocket: string;
    kubeletExtraArgs?: Record<string, string>;
    taints?: { key: string; value?: string; effect: string }[];
  };
  controlPlane?: {
    certificateKey: string;
    localAPIEndpoint: { advertiseAddress?: string; bindPort: number };
  };
}

const text = (view: NodeView, path: string): string => {
  const file = view.files.get(path);
  expect(file, `${path} is rendered`).toBeDefined();
  return file?.text ?? '';
};
const joinConfiguration = (view: NodeView) =>
  parse(text(view, '/etc/kindling/kubeadm-join.yaml')) as JoinConfiguration;
const nodeLabels = (config: JoinConfiguration) =>
  Object.fromEntries(
    (config.nodeRegistration.kubeletExtraArgs?.['node-labels'] ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );

describe.each(Object.entries(FORMATS))('%s output', (_format, view) => {
  describe.each(['worker', 'worker-custom', 'control-plane'])('of %s', (name) => {
    const node = view(name);

    it('prepares the host: swap masked and turned off, modules loaded, sysctls set, containerd on systemd cgroups', () => {
      expect(node.units.get('swap.target')?.masked).toBe(true);
      const script = text(node, '/opt/kindling/join.sh');
      expect(script.indexOf('swapoff -a')).toBeGreaterThan(0);
      expect(script.indexOf('swapoff -a')).toBeLessThan(script.indexOf('kubeadm join'));
      const modules = text(node, '/etc/modules-load.d/kindling.conf').split('\n');
      expect(modules).toEqual(expect.arrayContaining(['overlay', 'br_netfilter']));
      const sysctls = Object.fromEntries(
        [...text(node, '/etc/sysctl.d/90-kindling.conf').matchAll(/^([\w.-]+) = (\S+)$/gm)].map(
          ([, k, v]) => [k, v],
        ),
      );
      expect(sysctls).toMatchObject({
        'net.bridge.bridge-nf-call-iptables': '1',
        'net.bridge.bridge-nf-call-ip6tables': '1',
        'net.ipv4.ip_forward': '1',
      });
      const containerd = text(node, '/etc/containerd/config.toml');
      expect(containerd).toMatch(/^version = 2$/m);
      expect(containerd).toMatch(
        /^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\]\n {2}SystemdCgroup = true$/m,
      );
      expect(node.units.get('containerd.service')?.enabled).toBe(true);
    });

    it('has a one-shot join unit, after containerd and the network, that runs until it has succeeded once', () => {
      const join = node.units.get('kindling-join.service');
      expect(join?.enabled).toBe(true);
      const unit = parseUnit(join?.contents ?? '');
      for (const key of ['After', 'Wants']) {
        expect(unitValues(unit, 'Unit', key)).toEqual(
          expect.arrayContaining(['network-online.target', 'containerd.service']),
        );
      }
      expect(unitValues(unit, 'Unit', 'ConditionPathExists')).toEqual(['!/var/lib/kindling/joined']);
      expect(unitValues(unit, 'Service', 'Type')).toEqual(['oneshot']);
      expect(unitValues(unit, 'Service', 'Restart')).toEqual(['on-failure']);
      expect(unit.get('Service')?.get('ExecStart')).toEqual(['/bin/sh /opt/kindling/join.sh']);
      expect(unitValues(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
    });

    it('records success only after kubeadm join succeeded, and never with the token left behind', () => {
      const script = text(node, '/opt/kindling/join.sh');
      execFileSync('sh', ['-n'], { input: script });
      const join = script.indexOf('if ! kubeadm join --config /etc/kindling/kubeadm-join.yaml; then');
      const failed = script.indexOf('  exit 1\nfi\n', join);
      const marker = script.lastIndexOf('> /var/lib/kindling/joined');
      expect(join).toBeGreaterThan(0);
      expect(failed).toBeGreaterThan(join);
      expect(marker).toBeGreaterThan(failed);
      expect(script.indexOf('rm -f /etc/kindling/kubeadm-join.yaml')).toBeGreaterThan(marker);
      expect(node.files.get('/etc/kindling/kubeadm-join.yaml')?.mode).toBe(0o600);
    });

    it('joins with the endpoint, token and CA hash, as kubeadm v1beta3', () => {
      const config = joinConfiguration(node);
      expect(config.apiVersion).toBe('kubeadm.k8s.io/v1beta3');
      expect(config.kind).toBe('JoinConfiguration');
      const endpoint = name === 'worker' ? cluster.apiServerEndpoint : 'k8s-api.example.com:6443';
      expect(config.discovery.bootstrapToken).toEqual({
        apiServerEndpoint: endpoint,
        token: FIXTURE_TOKEN,
        caCertHashes: [FIXTURE_CA_HASH],
      });
      expect(config.nodeRegistration.criSocket).toBe('unix:///run/containerd/containerd.sock');
    });

    it('enables kubelet', () => {
      expect(node.units.get('kubelet.service')?.enabled).toBe(true);
    });
  });

  it('worker: no name fixed, no labels, no taints, kubelet from the image, no users', () => {
    const node = view('worker');
    const config = joinConfiguration(node);
    expect(config.nodeRegistration.name).toBeUndefined();
    expect(config.nodeRegistration.kubeletExtraArgs).toBeUndefined();
    expect(config.nodeRegistration.taints).toBeUndefined();
    expect(config.controlPlane).toBeUndefined();
    expect(node.hostname).toBeUndefined();
    expect(node.units.get('kubelet.service')?.contents).toBeUndefined();
    expect(node.downloads.size).toBe(0);
    expect(node.users.size).toBe(0);
  });

  it('worker-custom: labels, taints, extra args, machine-id hostname, downloads, users, fragment', () => {
    const node = view('worker-custom');
    const config = joinConfiguration(node);
    expect(nodeLabels(config)).toEqual({ 'node.kubernetes.io/pool': 'gpu', 'example.com/node-id': '42' });
    expect(config.nodeRegistration.kubeletExtraArgs?.['max-pods']).toBe('64');
    expect(config.nodeRegistration.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
    ]);
    expect(config.nodeRegistration.name).toBeUndefined();
    const script = text(node, '/opt/kindling/join.sh');
    expect(script).toContain('hostnamectl set-hostname gpu-"$(head -c 12 /etc/machine-id)"');
    expect(script.indexOf('hostnamectl')).toBeLessThan(script.indexOf('kubeadm join'));
    expect(script).toMatch(/^PATH=\/opt\/bin:/m);
    expect(node.downloads.get('/opt/bin/kubeadm')).toEqual({
      url: 'https://dl.k8s.io/release/v1.31.0/bin/linux/amd64/kubeadm',
      hash: `sha256-${'1'.repeat(64)}`,
    });
    expect(node.downloads.get('/opt/bin/kubelet')?.hash).toBe(`sha512-${'2'.repeat(128)}`);
    const kubelet = node.units.get('kubelet.service');
    expect(unitValues(parseUnit(kubelet?.contents ?? ''), 'Service', 'ExecStart')).toEqual([
      '/opt/bin/kubelet',
    ]);
    expect(kubelet?.dropins.get('10-kubeadm.conf')).toContain(
      'ExecStart=/opt/bin/kubelet $KUBELET_KUBECONFIG_ARGS',
    );
    expect(text(node, '/etc/modules-load.d/kindling.conf').split('\n')).toContain('nvidia');
    expect(node.users.get('ops')).toEqual({
      sshAuthorizedKeys: [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKindlingTestKeyOnlyForFixtures ops@example.com',
      ],
      groups: ['sudo'],
    });
    expect(text(node, '/etc/motd')).toBe('GPU worker, provisioned by kindling\n');
    expect(node.units.get('gpu-persistence.service')?.enabled).toBe(true);
  });

  it('control-plane: the machine name as hostname and node name, the certificate key, the advertise address', () => {
    const node = view('control-plane');
    const config = joinConfiguration(node);
    expect(node.hostname).toBe(FIXTURE_MACHINE);
    expect(config.nodeRegistration.name).toBe(FIXTURE_MACHINE);
    expect(config.controlPlane).toEqual({
      certificateKey: FIXTURE_CERTIFICATE_KEY,
      localAPIEndpoint: { advertiseAddress: '192.0.2.12', bindPort: 6443 },
    });
    // No taints listed: kubeadm applies its control-plane taint itself.
    expect(config.nodeRegistration.taints).toBeUndefined();
    expect(nodeLabels(config)).toEqual({ 'node.kubernetes.io/exclude-from-external-load-balancers': 'true' });
  });
});

describe('cloud-config specifics', () => {
  const runcmd = (name: string) =>
    (
      parse(renderCloudConfig({ template: readTemplate(name), cluster }).toString('utf8')) as {
        runcmd: string[][];
      }
    ).runcmd;

  it('applies what Ignition machines get from booting after the writes, before starting the join', () => {
    const commands = runcmd('worker-custom').map((command) => command.join(' '));
    const index = (command: string) => {
      const found = commands.indexOf(command);
      expect(found, command).toBeGreaterThanOrEqual(0);
      return found;
    };
    const start = index('systemctl start --no-block containerd.service');
    expect(commands.slice(start)).toEqual([
      'systemctl start --no-block containerd.service',
      'systemctl start --no-block kubelet.service',
      'systemctl start --no-block kindling-join.service',
      'systemctl start --no-block kindling-advertise.service',
      'systemctl start --no-block gpu-persistence.service',
    ]);
    for (const before of [
      'systemctl mask swap.target',
      'sh /opt/kindling/download.sh',
      'systemctl restart systemd-modules-load.service',
      'sysctl --system',
      'systemctl restart containerd.service',
      'systemctl daemon-reload',
      'systemctl enable kindling-join.service',
    ]) {
      expect(index(before)).toBeLessThan(start);
    }
    expect(index('sh /opt/kindling/download.sh')).toBeLessThan(index('systemctl restart containerd.service'));
  });

  it('keeps a machine-id hostname from being reset by cloud-init at the next boot', () => {
    const config = parse(
      renderCloudConfig({ template: readTemplate('worker-custom'), cluster }).toString('utf8'),
    );
    expect(config).toMatchObject({ preserve_hostname: true });
    expect(config).not.toHaveProperty('hostname');
  });

  it('checks each download against its hash with sha256sum/sha512sum -c before moving it into place', () => {
    const config = parse(
      renderCloudConfig({ template: readTemplate('worker-custom'), cluster }).toString('utf8'),
    ) as {
      write_files: { path: string; content: string }[];
    };
    const script =
      config.write_files.find((file) => file.path === '/opt/kindling/download.sh')?.content ?? '';
    execFileSync('sh', ['-n'], { input: script });
    expect(script).toContain('| "$4" --check --quiet -');
    expect(script.indexOf('--check')).toBeLessThan(script.indexOf('mv -f'));
    expect(script).toContain(`/opt/bin/kubeadm 0755 sha256sum ${'1'.repeat(64)}`);
    expect(script).toContain(`/opt/bin/kubelet 0755 sha512sum ${'2'.repeat(128)}`);
  });
});
