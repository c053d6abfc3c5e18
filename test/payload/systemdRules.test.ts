import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { expectPayloadError } from './expectPayloadError.ts';

const withUnits = (units: unknown[], storage?: Record<string, unknown>) => ({
  ignition: { version: '3.4.0' },
  systemd: { units },
  ...(storage === undefined ? {} : { storage }),
});

describe('systemd units', () => {
  it.each([
    'kubelet.service',
    'getty@tty1.service',
    'var-lib-data.mount',
    'x.socket',
    'x.device',
    'x.automount',
    'x.swap',
    'x.target',
    'x.path',
    'x.timer',
    'x.slice',
    'x.scope',
  ])('accept the unit name %j', (name) => {
    expect(validateIgnition(withUnits([{ name }])).version).toBe('3.4.0');
  });

  it.each([
    'kubelet',
    'kubelet.services',
    'kubelet.service.d',
    '.service',
    'system/kubelet.service',
    'old.snapshot',
  ])('refuse the unit name %j', (name) => {
    const error = expectPayloadError(
      () => validateIgnition(withUnits([{ name }])),
      'semantic',
      'systemd.units[0].name',
    );
    expect(error.message).toContain('is not a unit name with a known type');
  });

  it('refuse a unit declared twice', () => {
    const error = expectPayloadError(
      () => validateIgnition(withUnits([{ name: 'a.service' }, { name: 'a.service', mask: true }])),
      'semantic',
      'systemd.units[1].name',
    );
    expect(error.message).toContain('already declared at systemd.units[0]');
  });

  it('accept enabling a unit without contents (one the OS ships) and masking one', () => {
    expect(
      validateIgnition(
        withUnits([
          { name: 'chronyd.service', enabled: true },
          { name: 'b.service', mask: true },
        ]),
      ).version,
    ).toBe('3.4.0');
  });

  it.each(['10-override', 'override.conf.bak', 'a/b.conf', '.conf'])('refuse the drop-in name %j', (name) => {
    const units = [{ name: 'a.service', dropins: [{ name, contents: '[Service]\n' }] }];
    const error = expectPayloadError(
      () => validateIgnition(withUnits(units)),
      'semantic',
      'systemd.units[0].dropins[0].name',
    );
    expect(error.message).toContain('must end in .conf');
  });

  it('refuse a drop-in declared twice in a unit, but not across units', () => {
    const dropins = [{ name: 'a.conf' }, { name: 'a.conf' }];
    expectPayloadError(
      () => validateIgnition(withUnits([{ name: 'a.service', dropins }])),
      'semantic',
      'systemd.units[0].dropins[1].name',
    );
    const spread = [
      { name: 'a.service', dropins: [{ name: 'a.conf' }] },
      { name: 'b.service', dropins: [{ name: 'a.conf' }] },
    ];
    expect(validateIgnition(withUnits(spread)).version).toBe('3.4.0');
  });
});

describe('storage and systemd writing the same path', () => {
  it('refuse a file where a unit with contents is written', () => {
    const config = withUnits([{ name: 'a.service', contents: '[Service]\n' }], {
      files: [{ path: '/etc/systemd/system/a.service' }],
    });
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.files[0].path');
    expect(error.message).toContain('also written by systemd.units[0]');
  });

  it('refuse a link where a drop-in with contents is written', () => {
    const config = withUnits(
      [{ name: 'a.service', dropins: [{ name: 'b.conf', contents: '[Service]\n' }] }],
      {
        links: [{ path: '/etc/systemd/system/a.service.d/b.conf', target: '/x' }],
      },
    );
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.links[0].path');
    expect(error.message).toContain('systemd.units[0].dropins[0]');
  });

  it('accept a file for a unit that has no contents', () => {
    const config = withUnits([{ name: 'a.service', enabled: true }], {
      files: [{ path: '/etc/systemd/system/a.service' }],
    });
    expect(validateIgnition(config).version).toBe('3.4.0');
  });
});
