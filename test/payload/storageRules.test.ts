import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { expectPayloadError } from './expectPayloadError.ts';

const withStorage = (storage: Record<string, unknown>, version = '3.4.0') => ({
  ignition: { version },
  storage,
});

describe('storage node paths', () => {
  it.each(['etc/hosts', '', './etc/hosts'])('refuse the relative path %j', (path) => {
    const error = expectPayloadError(
      () => validateIgnition(withStorage({ files: [{ path }] })),
      'semantic',
      'storage.files[0].path',
    );
    expect(error.message).toContain('is not an absolute path');
  });

  it.each([
    ['/etc/../hosts', '/hosts'],
    ['/etc//hosts', '/etc/hosts'],
    ['/etc/./hosts', '/etc/hosts'],
    ['/etc/kubernetes/', '/etc/kubernetes'],
  ])('refuse the unnormalised path %j, naming the normal form', (path, clean) => {
    const config = withStorage({ directories: [{ path }] });
    const error = expectPayloadError(
      () => validateIgnition(config),
      'semantic',
      'storage.directories[0].path',
    );
    expect(error.message).toContain(`is not normalised (Ignition wants "${clean}")`);
  });

  it('refuse a link path with a dot-dot segment', () => {
    const config = withStorage({ links: [{ path: '/usr/../bin/sh', target: '/bin/bash' }] });
    expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.links[0].path');
  });

  it('accept paths with spaces, dots in names and the root', () => {
    const config = withStorage({
      files: [{ path: '/etc/my file.conf.d/x..y' }],
      directories: [{ path: '/' }],
    });
    expect(validateIgnition(config).version).toBe('3.4.0');
  });

  it('refuse a path declared twice across files, directories and links', () => {
    const config = withStorage({
      files: [{ path: '/etc/a' }],
      directories: [{ path: '/etc/b' }],
      links: [{ path: '/etc/a', target: '/x' }],
    });
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.links[0].path');
    expect(error.message).toContain('is already declared at storage.files[0].path');
  });

  it('refuse a path declared twice in the same list', () => {
    const config = withStorage({ directories: [{ path: '/etc/a' }, { path: '/etc/a' }] });
    expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.directories[1].path');
  });

  it('refuse a node beneath a declared link', () => {
    const config = withStorage({
      links: [{ path: '/opt', target: '/var/opt' }],
      files: [{ path: '/opt/app/run.sh' }],
    });
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.files[0].path');
    expect(error.message).toContain('goes through the link storage.links[0]');
  });

  it('accept a node whose name merely starts like a link', () => {
    const config = withStorage({
      links: [{ path: '/opt', target: '/var/opt' }],
      files: [{ path: '/optional' }],
    });
    expect(validateIgnition(config).version).toBe('3.4.0');
  });
});

describe('modes and owners', () => {
  it.each(['0', '644', '1755', '7777'])('accept the mode 0%s', (octal) => {
    const mode = Number.parseInt(octal, 8);
    expect(
      validateIgnition(withStorage({ files: [{ path: '/a', mode }], directories: [{ path: '/b', mode }] }))
        .version,
    ).toBe('3.4.0');
  });

  it.each([0o10000, 0o20644, -1])('refuse the mode %i', (mode) => {
    const error = expectPayloadError(
      () => validateIgnition(withStorage({ files: [{ path: '/a', mode }] })),
      'semantic',
      'storage.files[0].mode',
    );
    expect(error.message).toContain('outside 0–07777');
  });

  it('refuse an out-of-range directory mode', () => {
    expectPayloadError(
      () => validateIgnition(withStorage({ directories: [{ path: '/a', mode: 0o20000 }] })),
      'semantic',
      'storage.directories[0].mode',
    );
  });

  it('refuse an owner given by both id and name', () => {
    const config = withStorage({ files: [{ path: '/a', group: { id: 0, name: 'root' } }] });
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.files[0].group');
    expect(error.message).toContain('both id and name');
  });

  it('accept an owner with an id and an empty name, as Ignition does', () => {
    expect(
      validateIgnition(withStorage({ directories: [{ path: '/a', user: { id: 0, name: '' } }] })).version,
    ).toBe('3.4.0');
  });
});

describe('files', () => {
  it('refuse overwrite without a source', () => {
    const config = withStorage({
      files: [{ path: '/a', overwrite: true, contents: { compression: 'gzip' } }],
    });
    expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.files[0].overwrite');
  });

  it('accept overwrite with an empty source, which truncates the file', () => {
    expect(
      validateIgnition(withStorage({ files: [{ path: '/a', overwrite: true, contents: { source: '' } }] }))
        .version,
    ).toBe('3.4.0');
  });
});

describe('links', () => {
  it.each([
    ['3.4.0', {}],
    ['3.3.0', { target: null }],
    ['3.0.0', { target: '' }],
  ])('refuse a spec %s link without a target', (version, target) => {
    const config = withStorage({ links: [{ path: '/a', ...target }] }, version);
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.links[0].target');
    expect(error.message).toContain('needs a target');
  });

  // Ignition resolves a relative hard-link target against the link's own path: /srv/link + ../data = /srv/data.
  it.each([
    ['an absolute', '/srv/data'],
    ['a relative', '../data'],
  ])('refuse a hard link with %s target that is a declared directory', (_kind, target) => {
    const config = withStorage({
      directories: [{ path: '/srv/data' }],
      links: [{ path: '/srv/link', target, hard: true }],
    });
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', 'storage.links[0].target');
    expect(error.message).toContain('storage.directories[0]');
  });

  it('accept a symbolic link to a declared directory', () => {
    const config = withStorage({
      directories: [{ path: '/srv/data' }],
      links: [{ path: '/srv/link', target: '/srv/data' }],
    });
    expect(validateIgnition(config).version).toBe('3.4.0');
  });
});
