import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { expectPayloadError } from './expectPayloadError.ts';

const v = (extra: Record<string, unknown>, ignition: Record<string, unknown> = {}) => ({
  ignition: { version: '3.4.0', ...ignition },
  ...extra,
});

describe('entries Ignition identifies by a key are not declared twice', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    [
      'users',
      v({ passwd: { users: [{ name: 'core' }, { name: 'ops' }, { name: 'core' }] } }),
      'passwd.users[2].name',
      '"core" is already declared at passwd.users[0].name',
    ],
    [
      'groups',
      v({ passwd: { groups: [{ name: 'kube' }, { name: 'kube' }] } }),
      'passwd.groups[1].name',
      'passwd.groups[0].name',
    ],
    [
      'disks',
      v({ storage: { disks: [{ device: '/dev/vda' }, { device: '/dev/vda' }] } }),
      'storage.disks[1].device',
      'storage.disks[0].device',
    ],
    [
      'filesystems',
      v({ storage: { filesystems: [{ device: '/dev/vdb' }, { device: '/dev/vdb' }] } }),
      'storage.filesystems[1].device',
      'storage.filesystems[0].device',
    ],
    [
      'raid arrays',
      v({ storage: { raid: [{ name: 'md0' }, { name: 'md0' }] } }),
      'storage.raid[1].name',
      'storage.raid[0].name',
    ],
    [
      'LUKS volumes',
      v({ storage: { luks: [{ name: 'data' }, { name: 'data' }] } }),
      'storage.luks[1].name',
      'storage.luks[0].name',
    ],
    [
      'kernel arguments, across both lists',
      v({ kernelArguments: { shouldExist: ['quiet'], shouldNotExist: ['quiet'] } }),
      'kernelArguments.shouldNotExist[0]',
      'kernelArguments.shouldExist[0]',
    ],
    [
      'kernel arguments, in one list',
      v({ kernelArguments: { shouldExist: ['a', 'a'] } }),
      'kernelArguments.shouldExist[1]',
      'kernelArguments.shouldExist[0]',
    ],
  ];
  it.each(cases)('%s', (_name, config, path, problem) => {
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', path);
    expect(error.message).toContain(problem);
  });

  it('merged configs, without repeating their URL', () => {
    const source = 'https://kindling.example/ignition?token=s3cr3t';
    const config = v({}, { config: { merge: [{ source }, { source }] } });
    const error = expectPayloadError(
      () => validateIgnition(config),
      'semantic',
      'ignition.config.merge[1].source',
    );
    expect(error.message).not.toContain('s3cr3t');
  });

  it('certificate authorities', () => {
    const config = v(
      {},
      { security: { tls: { certificateAuthorities: [{ source: 'data:,a' }, { source: 'data:,a' }] } } },
    );
    expectPayloadError(
      () => validateIgnition(config),
      'semantic',
      'ignition.security.tls.certificateAuthorities[1].source',
    );
  });

  it('but distinct keys, or empty sources, may repeat', () => {
    const config = v(
      {
        passwd: { users: [{ name: 'core' }, { name: 'ops' }], groups: [{ name: 'core' }] },
        kernelArguments: { shouldExist: ['a'], shouldNotExist: ['b'] },
      },
      { config: { merge: [{ source: '' }, { source: '' }] } },
    );
    expect(validateIgnition(config).version).toBe('3.4.0');
  });
});
