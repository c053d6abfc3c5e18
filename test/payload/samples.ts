import { createHash } from 'node:crypto';
import type { IgnitionConfig } from '../../src/payload/IgnitionConfig.ts';
import { compareSpecVersions, type SpecVersion } from '../../src/payload/SpecVersion.ts';

/** Reusable valid Ignition configs. Each call returns a fresh object, so tests may change it freely. */

const KUBELET_CONF = 'apiVersion: v1\nkind: Config\nclusters: []\n';
const SETUP_SCRIPT = '#!/bin/sh\nset -eu\necho setting up\n';

export const SHA512_OF_KUBELET_CONF = `sha512-${createHash('sha512').update(KUBELET_CONF).digest('hex')}`;
export const SHA256_OF_SETUP_SCRIPT = `sha256-${createHash('sha256').update(SETUP_SCRIPT).digest('hex')}`;
export const SHA512_OF_SETUP_SCRIPT = `sha512-${createHash('sha512').update(SETUP_SCRIPT).digest('hex')}`;

const KUBELET_UNIT = `[Unit]
Description=Kubernetes kubelet
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet --config=/etc/kubernetes/kubelet.conf
Restart=always

[Install]
WantedBy=multi-user.target
`;

/** The smallest valid config of a spec. */
export function minimalConfig(version: SpecVersion): IgnitionConfig {
  return { ignition: { version } };
}

/**
 * A node-bootstrap config using only what every spec 3.0–3.6 has: files with data: and https sources,
 * modes, owners, appends and gzip; directories; symbolic and hard links; a disk, a filesystem; units with
 * drop-ins, enabled, masked and pre-existing; users with SSH keys; a group; TLS authorities and timeouts.
 */
export function commonConfig(version: SpecVersion): IgnitionConfig {
  return {
    ignition: {
      version,
      timeouts: { httpResponseHeaders: 10, httpTotal: 600 },
      security: {
        tls: {
          certificateAuthorities: [
            { source: 'data:text/plain;base64,LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==' },
          ],
        },
      },
    },
    storage: {
      disks: [
        { device: '/dev/vdb', wipeTable: true, partitions: [{ label: 'data', number: 1, sizeMiB: 0 }] },
      ],
      filesystems: [
        {
          device: '/dev/disk/by-partlabel/data',
          format: 'xfs',
          path: '/var/lib/data',
          label: 'data',
          wipeFilesystem: true,
        },
      ],
      files: [
        { path: '/etc/hostname', mode: 0o644, overwrite: true, contents: { source: 'data:,node-1%0A' } },
        {
          path: '/etc/kubernetes/kubelet.conf',
          mode: 0o600,
          user: { name: 'root' },
          group: { id: 0 },
          contents: {
            source: `data:text/plain;charset=utf-8;base64,${Buffer.from(KUBELET_CONF).toString('base64')}`,
            verification: { hash: SHA512_OF_KUBELET_CONF },
          },
        },
        {
          path: '/opt/bin/setup.sh',
          mode: 0o755,
          contents: {
            source: 'https://assets.example.com/setup.sh.gz',
            compression: 'gzip',
            verification: { hash: SHA512_OF_SETUP_SCRIPT },
          },
        },
        { path: '/etc/motd', append: [{ source: 'data:,Provisioned%20by%20kindling%0A' }] },
        { path: '/etc/empty-marker', contents: { source: '' } },
      ],
      directories: [
        { path: '/etc/kubernetes', mode: 0o755 },
        { path: '/opt/bin', mode: 0o755, user: { id: 0 } },
      ],
      links: [
        { path: '/etc/localtime', target: '../usr/share/zoneinfo/UTC' },
        { path: '/usr/local/bin/setup', target: '/opt/bin/setup.sh', hard: true },
      ],
    },
    systemd: {
      units: [
        {
          name: 'kubelet.service',
          enabled: true,
          contents: KUBELET_UNIT,
          dropins: [{ name: '10-node-ip.conf', contents: '[Service]\nEnvironment=NODE_IP=10.0.0.5\n' }],
        },
        {
          name: 'containerd.service',
          dropins: [{ name: 'override.conf', contents: '[Service]\nLimitNOFILE=1048576\n' }],
        },
        { name: 'chronyd.service', enabled: true },
        { name: 'docker.socket', mask: true },
        { name: 'getty@tty1.service', enabled: false },
      ],
    },
    passwd: {
      users: [
        {
          name: 'core',
          sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly ops@example.com'],
          groups: ['wheel', 'kube'],
        },
        { name: 'kube', system: true, noCreateHome: true, shell: '/sbin/nologin' },
      ],
      groups: [{ name: 'kube', system: true }],
    },
  };
}

/**
 * commonConfig plus everything the spec added: the kindling stub merge with an Authorization header and
 * a sha256 hash (3.1), a proxy (3.1), LUKS with TPM2 (3.2), kernel arguments (3.3), LUKS discard (3.4)
 * and CEX off (3.5).
 */
export function fullConfig(version: SpecVersion): IgnitionConfig {
  const config = commonConfig(version);
  const since = (v: SpecVersion): boolean => compareSpecVersions(version, v) >= 0;
  const storage = config.storage as { files: Record<string, unknown>[]; luks?: unknown[] };
  if (since('3.1.0')) {
    Object.assign(config.ignition, {
      config: {
        merge: [
          {
            source: 'https://kindling.example:8443/ignition',
            httpHeaders: [{ name: 'Authorization', value: 'Bearer 2f1c0ffee' }],
            compression: 'gzip',
          },
        ],
      },
      proxy: { httpsProxy: 'http://proxy.example:3128', noProxy: ['10.0.0.0/8', '.cluster.local'] },
    });
    storage.files.push({
      path: '/opt/bin/extra.sh',
      mode: 0o755,
      contents: {
        source: 'https://assets.example.com/setup.sh',
        verification: { hash: SHA256_OF_SETUP_SCRIPT },
      },
    });
  }
  if (since('3.2.0')) {
    storage.luks = [
      {
        name: 'data',
        device: '/dev/disk/by-partlabel/data',
        wipeVolume: true,
        clevis: { tpm2: true },
        ...(since('3.4.0') ? { discard: true } : {}),
        ...(since('3.5.0') ? { cex: { enabled: false } } : {}),
      },
    ];
  }
  if (since('3.3.0')) {
    config.kernelArguments = {
      shouldExist: ['systemd.unified_cgroup_hierarchy=1'],
      shouldNotExist: ['mitigations=off'],
    };
  }
  return config;
}
