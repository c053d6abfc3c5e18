import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonObject } from '../../src/payload/JsonValue.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { mergeIgnitionFragment } from '../../src/templates/mergeIgnitionFragment.ts';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { catchKindlingError } from '../payload/expectPayloadError.ts';
import { viewCloudConfig, viewIgnition } from './nodeView.ts';
import { templateFrom } from './templateFixtures.ts';

const withFragment = (fragment: JsonObject) =>
  templateFrom(`ignition:\n  fragment: ${JSON.stringify(fragment)}\n`);
const views = (fragment: JsonObject) => {
  const template = withFragment(fragment);
  return [
    viewIgnition(renderIgnition({ template })),
    viewCloudConfig(renderCloudConfig({ template })),
  ] as const;
};

describe('the raw Ignition fragment, merged last (both formats)', () => {
  it('replaces a rendered file with the same path, whole, in place', () => {
    const source = 'data:,net.ipv4.ip_forward%20%3D%201%0A';
    for (const view of views({
      storage: { files: [{ path: '/etc/sysctl.d/90-kindling.conf', mode: 0o600, contents: { source } }] },
    })) {
      expect(view.files.get('/etc/sysctl.d/90-kindling.conf')).toEqual({
        text: 'net.ipv4.ip_forward = 1\n',
        mode: 0o600,
      });
    }
    const config = JSON.parse(
      renderIgnition({
        template: withFragment({
          storage: { files: [{ path: '/etc/sysctl.d/90-kindling.conf', contents: { source } }] },
        }),
      }).toString(),
    ) as { storage: { files: { path: string; overwrite?: boolean }[] } };
    const paths = config.storage.files.map((file) => file.path);
    expect(paths.indexOf('/etc/sysctl.d/90-kindling.conf')).toBe(1);
    expect(paths.filter((path) => path === '/etc/sysctl.d/90-kindling.conf')).toHaveLength(1);
    // Whole replacement: no rendered field (overwrite: true) survives under the fragment's entry.
    expect(config.storage.files[1]?.overwrite).toBeUndefined();
  });

  it('replaces a rendered unit with the same name, and adds new ones', () => {
    const kubelet = {
      name: 'kubelet.service',
      enabled: true,
      dropins: [{ name: '20-extra.conf', contents: '[Service]\nEnvironment=A=1\n' }],
    };
    for (const view of views({
      systemd: { units: [kubelet, { name: 'extra.timer', contents: '[Timer]\nOnBootSec=1min\n' }] },
    })) {
      expect(view.units.get('kubelet.service')?.dropins.get('20-extra.conf')).toBe(
        '[Service]\nEnvironment=A=1\n',
      );
      expect(view.units.get('kubelet.service')?.enabled).toBe(true);
      expect(view.units.get('extra.timer')?.contents).toBe('[Timer]\nOnBootSec=1min\n');
      expect(view.units.get('kindling-join.service')?.enabled).toBe(true);
    }
  });

  it('lets a link at the path of a rendered file take its place (one key space for files, directories, links)', () => {
    const template = withFragment({
      storage: { links: [{ path: '/etc/containerd/config.toml', target: '/opt/containerd.toml' }] },
    });
    const config = JSON.parse(renderIgnition({ template }).toString()) as {
      storage: { files: { path: string }[]; links: unknown[] };
    };
    expect(config.storage.files.map((f) => f.path)).not.toContain('/etc/containerd/config.toml');
    expect(config.storage.links).toEqual([
      { path: '/etc/containerd/config.toml', target: '/opt/containerd.toml' },
    ]);
    const cloud = parse(renderCloudConfig({ template }).toString()) as {
      write_files: { path: string }[];
      runcmd: string[][];
    };
    expect(cloud.write_files.map((f) => f.path)).not.toContain('/etc/containerd/config.toml');
    expect(cloud.runcmd).toContainEqual([
      'ln',
      '-sfn',
      '/opt/containerd.toml',
      '/etc/containerd/config.toml',
    ]);
  });

  it('replaces a user with the same name, and adds users and groups', () => {
    const template = templateFrom(
      'users: [{ name: ops, sshAuthorizedKeys: [ssh-ed25519 AAAA old] }]\n' +
        'ignition:\n  fragment: { passwd: { users: [{ name: ops, sshAuthorizedKeys: [ssh-ed25519 AAAA new] }, { name: audit }], groups: [{ name: audit }] } }\n',
    );
    for (const view of [
      viewIgnition(renderIgnition({ template })),
      viewCloudConfig(renderCloudConfig({ template })),
    ]) {
      expect([...view.users.keys()]).toEqual(['ops', 'audit']);
      expect(view.users.get('ops')?.sshAuthorizedKeys).toEqual(['ssh-ed25519 AAAA new']);
    }
    expect(parse(renderCloudConfig({ template }).toString())).toMatchObject({ groups: ['audit'] });
  });

  it('fails the render, naming the path, when the merged config breaks an Ignition rule', () => {
    const template = withFragment({
      storage: {
        files: [{ path: '/etc/systemd/system/kindling-join.service', contents: { source: 'data:,x' } }],
      },
    });
    const error = catchKindlingError(() => renderIgnition({ template }));
    expect({ code: error.code, rule: error.rule }).toEqual({
      code: 'ERR_RENDER_FAILED',
      rule: 'invalid-output',
    });
    expect(error.path).toMatch(/^storage\.files\[\d+\]\.path$/);
    expect(error.message).toContain('is also written by systemd.units');
  });

  it('takes files from data: URLs (text, gzip, binary) and http(s) into #cloud-config', () => {
    const gzip = `data:;base64,${gzipSync('compressed text\n').toString('base64')}`;
    const binary = `data:;base64,${Buffer.from([0, 1, 2, 255]).toString('base64')}`;
    const template = withFragment({
      storage: {
        files: [
          { path: '/etc/a', contents: { source: gzip, compression: 'gzip' }, user: { name: 'ops' } },
          { path: '/etc/b', mode: 0o640, contents: { source: binary } },
          { path: '/etc/c' },
          { path: '/opt/tool', mode: 0o755, contents: { source: 'https://example.com/tool' } },
        ],
        directories: [{ path: '/var/lib/extra', mode: 0o700 }],
      },
      ignition: { timeouts: { httpTotal: 30 } },
    });
    const cloud = parse(renderCloudConfig({ template }).toString()) as {
      write_files: {
        path: string;
        content: string;
        encoding?: string;
        permissions: string;
        owner?: string;
      }[];
      runcmd: string[][];
    };
    const file = (path: string) => cloud.write_files.find((f) => f.path === path);
    expect(file('/etc/a')).toEqual({
      path: '/etc/a',
      content: 'compressed text\n',
      permissions: '0644',
      owner: 'ops:root',
      defer: true,
    });
    expect(file('/etc/b')).toEqual({
      path: '/etc/b',
      encoding: 'b64',
      content: 'AAEC/w==',
      permissions: '0640',
    });
    expect(file('/etc/c')).toEqual({ path: '/etc/c', content: '', permissions: '0644' });
    expect(file('/opt/kindling/download.sh')?.content).toContain(
      'fetch https://example.com/tool /opt/tool 0755 - -\n',
    );
    expect(cloud.runcmd).toContainEqual(['mkdir', '-p', '/var/lib/extra']);
    expect(cloud.runcmd).toContainEqual(['chmod', '0700', '/var/lib/extra']);
    expect(viewIgnition(renderIgnition({ template })).files.get('/etc/c')).toBeDefined();
  });

  it.each([
    [{ storage: { disks: [{ device: '/dev/vdb', wipeTable: true }] } }, 'ignition.fragment.storage.disks'],
    [
      { ignition: { security: { tls: { certificateAuthorities: [{ source: 'data:,x' }] } } } },
      'ignition.fragment.ignition.security',
    ],
    [
      { storage: { files: [{ path: '/a', contents: { source: 's3://bucket/a' } }] } },
      'ignition.fragment.storage.files[0].contents.source',
    ],
    [
      { storage: { files: [{ path: '/a', append: [{ source: 'data:,x' }] }] } },
      'ignition.fragment.storage.files[0].append',
    ],
    [{ storage: { files: [{ path: '/a', user: { id: 0 } }] } }, 'ignition.fragment.storage.files[0].user.id'],
    [{ passwd: { users: [{ name: 'a', uid: 1000 }] } }, 'ignition.fragment.passwd.users[0].uid'],
    [{ kernelArguments: { shouldExist: ['quiet'] } }, 'ignition.fragment.kernelArguments'],
  ])(
    'refuses a #cloud-config for what it cannot express (%j), and still renders Ignition',
    (fragment, path) => {
      const template = withFragment(fragment);
      expect(validateIgnition(JSON.parse(renderIgnition({ template }).toString())).version).toBe('3.4.0');
      const error = catchKindlingError(() => renderCloudConfig({ template }));
      expect({ code: error.code, rule: error.rule, path: error.path }).toEqual({
        code: 'ERR_RENDER_FAILED',
        rule: 'cloud-config',
        path,
      });
    },
  );
});

describe('mergeIgnitionFragment', () => {
  const base: JsonObject = {
    ignition: { version: '3.4.0', proxy: { noProxy: ['a', 'b'] } },
    storage: { files: [{ path: '/x', mode: 1 }], directories: [{ path: '/d' }] },
    kernelArguments: { shouldExist: ['quiet', 'nosmt'] },
  };

  it('keeps a rendered value where the fragment has null, and replaces scalars and unkeyed values', () => {
    const merged = mergeIgnitionFragment(base, {
      ignition: { proxy: { httpProxy: 'http://p:3128', noProxy: null } },
    });
    expect(merged.ignition).toEqual({
      version: '3.4.0',
      proxy: { httpProxy: 'http://p:3128', noProxy: ['a', 'b'] },
    });
  });

  it('keys lists of strings by value, across the lists of one key space', () => {
    const merged = mergeIgnitionFragment(base, {
      ignition: { proxy: { noProxy: ['b', 'c'] } },
      kernelArguments: { shouldNotExist: ['nosmt'] },
    });
    expect(merged.ignition).toMatchObject({ proxy: { noProxy: ['a', 'b', 'c'] } });
    expect(merged.kernelArguments).toEqual({ shouldExist: ['quiet'], shouldNotExist: ['nosmt'] });
  });

  it('moves a path from one storage list to another, and changes neither input', () => {
    const before = JSON.stringify(base);
    const merged = mergeIgnitionFragment(base, { storage: { directories: [{ path: '/x', mode: 0o755 }] } });
    expect(merged.storage).toEqual({ files: [], directories: [{ path: '/d' }, { path: '/x', mode: 0o755 }] });
    expect(JSON.stringify(base)).toBe(before);
  });
});
