import { describe, expect, it } from 'vitest';
import { SPEC_VERSIONS } from '../../src/payload/SpecVersion.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { expectPayloadError } from './expectPayloadError.ts';
import { commonConfig, fullConfig, minimalConfig } from './samples.ts';

describe('validateIgnition accepts', () => {
  it.each(SPEC_VERSIONS)('a realistic spec %s config using the features of that spec', (version) => {
    const config = fullConfig(version);
    const result = validateIgnition(config);
    expect(result.version).toBe(version);
    expect(result.config).toBe(config);
  });

  it.each(SPEC_VERSIONS)('the minimal spec %s config', (version) => {
    expect(validateIgnition(minimalConfig(version)).version).toBe(version);
  });

  it.each(SPEC_VERSIONS)('the common-features config labelled %s', (version) => {
    expect(validateIgnition(commonConfig(version)).version).toBe(version);
  });

  it('nulls wherever the schema allows them', () => {
    const config = {
      ignition: { version: '3.4.0', timeouts: { httpTotal: null }, config: { replace: { source: null } } },
      storage: {
        files: [
          {
            path: '/a',
            mode: null,
            overwrite: null,
            user: { id: null, name: null },
            contents: { source: null },
          },
        ],
        links: [{ path: '/b', target: '/a', hard: null }],
      },
      systemd: { units: [{ name: 'a.service', enabled: null, mask: null, contents: null }] },
    };
    expect(validateIgnition(config).version).toBe('3.4.0');
  });
});

describe('validateIgnition refuses what is not an object', () => {
  it.each([null, [], 'config', 42, true, undefined])('%j', (value) => {
    const error = expectPayloadError(() => validateIgnition(value), 'not-an-object', '');
    expect(error.message).toMatch(/must be a JSON object/);
  });
});

describe('validateIgnition refuses an unsupported version', () => {
  it('without an ignition section', () => {
    expectPayloadError(() => validateIgnition({ storage: {} }), 'unsupported-version', 'ignition');
  });

  it('with an ignition section that is not an object', () => {
    expectPayloadError(() => validateIgnition({ ignition: '3.4.0' }), 'unsupported-version', 'ignition');
  });

  it('without a version', () => {
    const error = expectPayloadError(
      () => validateIgnition({ ignition: {} }),
      'unsupported-version',
      'ignition.version',
    );
    expect(error.message).toMatch(/missing.*3\.0\.0 to 3\.6\.0/);
  });

  it.each(['2.3.0', '3.7.0', '3.4.0-experimental', '3.4', ''])('version %j', (version) => {
    const error = expectPayloadError(
      () => validateIgnition({ ignition: { version } }),
      'unsupported-version',
      'ignition.version',
    );
    expect(error.message).toContain(JSON.stringify(version));
  });

  it('a version that is not a string', () => {
    expectPayloadError(
      () => validateIgnition({ ignition: { version: 3 } }),
      'unsupported-version',
      'ignition.version',
    );
  });
});

describe('validateIgnition refuses unknown keys', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['at the top level', { ignition: { version: '3.4.0' }, storag: {} }, 'storag'],
    ['in ignition', { ignition: { version: '3.4.0', confg: {} } }, 'ignition.confg'],
    [
      'in a file',
      { ignition: { version: '3.4.0' }, storage: { files: [{ path: '/a', contnts: {} }] } },
      'storage.files[0].contnts',
    ],
    [
      'in file contents',
      {
        ignition: { version: '3.4.0' },
        storage: { files: [{ path: '/a' }, { path: '/b', contents: { sorce: 'data:,' } }] },
      },
      'storage.files[1].contents.sorce',
    ],
    [
      'in a verification',
      {
        ignition: { version: '3.0.0' },
        storage: { files: [{ path: '/a', contents: { verification: { hsh: null } } }] },
      },
      'storage.files[0].contents.verification.hsh',
    ],
    [
      'in a file owner',
      { ignition: { version: '3.2.0' }, storage: { files: [{ path: '/a', user: { nam: 'core' } }] } },
      'storage.files[0].user.nam',
    ],
    [
      'a file key on a directory',
      { ignition: { version: '3.4.0' }, storage: { directories: [{ path: '/a', contents: {} }] } },
      'storage.directories[0].contents',
    ],
    [
      'a file key on a link',
      { ignition: { version: '3.4.0' }, storage: { links: [{ path: '/a', target: '/b', mode: 420 }] } },
      'storage.links[0].mode',
    ],
    [
      'in a drop-in',
      {
        ignition: { version: '3.4.0' },
        systemd: { units: [{ name: 'a.service', dropins: [{ name: 'a.conf', content: '' }] }] },
      },
      'systemd.units[0].dropins[0].content',
    ],
    [
      'in a user',
      { ignition: { version: '3.1.0' }, passwd: { users: [{ name: 'core', sshAuthorisedKeys: [] }] } },
      'passwd.users[0].sshAuthorisedKeys',
    ],
    [
      'deep in luks',
      {
        ignition: { version: '3.5.0' },
        storage: { luks: [{ name: 'd', clevis: { tang: [{ url: 'http://t', thumbprnt: 'x' }] } }] },
      },
      'storage.luks[0].clevis.tang[0].thumbprnt',
    ],
    [
      'named like a prototype key',
      JSON.parse('{"ignition":{"version":"3.4.0"},"__proto__":{}}') as Record<string, unknown>,
      '__proto__',
    ],
    ['that needs quoting', { ignition: { version: '3.4.0' }, 'my key': 1 }, '["my key"]'],
  ];
  it.each(cases)('%s', (_name, config, path) => {
    const error = expectPayloadError(() => validateIgnition(config), 'unknown-key', path);
    expect(error.message).toMatch(/unknown key, not part of Ignition spec 3\.\d\.0/);
  });

  it('and suggests the key probably meant', () => {
    const config = { ignition: { version: '3.4.0' }, kernelArguments: { shouldexist: ['quiet'] } };
    const error = expectPayloadError(
      () => validateIgnition(config),
      'unknown-key',
      'kernelArguments.shouldexist',
    );
    expect(error.message).toContain('did you mean "shouldExist"?');
  });

  it('that a newer spec knows', () => {
    const config = { ignition: { version: '3.2.0' }, kernelArguments: { shouldExist: ['quiet'] } };
    const error = expectPayloadError(() => validateIgnition(config), 'unknown-key', 'kernelArguments');
    expect(error.message).toContain('spec 3.2.0');
  });
});

describe('validateIgnition refuses what the official schema refuses', () => {
  it('a wrong type, naming the expected and the actual one', () => {
    const config = { ignition: { version: '3.4.0' }, storage: { files: [{ path: '/a', mode: '0644' }] } };
    const error = expectPayloadError(() => validateIgnition(config), 'schema', 'storage.files[0].mode');
    expect(error.message).toBe('storage.files[0].mode: must be integer or null, not a string');
  });

  it('a fractional number where an integer is expected', () => {
    const config = { ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'a', uid: 1.5 }] } };
    const error = expectPayloadError(() => validateIgnition(config), 'schema', 'passwd.users[0].uid');
    expect(error.message).toContain('not a fractional number');
  });

  it('a missing required key, at the path of that key', () => {
    const config = { ignition: { version: '3.4.0' }, storage: { files: [{ mode: 420 }] } };
    const error = expectPayloadError(() => validateIgnition(config), 'schema', 'storage.files[0].path');
    expect(error.message).toContain('required key is missing');
  });

  it('an object where an array is expected', () => {
    const config = { ignition: { version: '3.4.0' }, systemd: { units: { name: 'a.service' } } };
    expectPayloadError(() => validateIgnition(config), 'schema', 'systemd.units');
  });

  it('what only an older spec allowed (null certificate authority after 3.0.0)', () => {
    expect(
      validateIgnition({
        ignition: { version: '3.0.0', security: { tls: { certificateAuthorities: [null] } } },
      }).version,
    ).toBe('3.0.0');
    const config = { ignition: { version: '3.1.0', security: { tls: { certificateAuthorities: [null] } } } };
    expectPayloadError(
      () => validateIgnition(config),
      'schema',
      'ignition.security.tls.certificateAuthorities[0]',
    );
  });
});
