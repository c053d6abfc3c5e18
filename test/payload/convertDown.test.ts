import { describe, expect, it } from 'vitest';
import { convertDown } from '../../src/payload/convertDown.ts';
import type { IgnitionConfig } from '../../src/payload/IgnitionConfig.ts';
import type { JsonObject } from '../../src/payload/JsonValue.ts';
import { compareSpecVersions, SPEC_VERSIONS, type SpecVersion } from '../../src/payload/SpecVersion.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { catchKindlingError, expectPayloadError } from './expectPayloadError.ts';
import { commonConfig, fullConfig, SHA256_OF_SETUP_SCRIPT } from './samples.ts';

const pairs = SPEC_VERSIONS.flatMap((from) =>
  SPEC_VERSIONS.filter((to) => compareSpecVersions(to, from) < 0).map((to) => [from, to] as const),
);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function expectNotAcceptable(
  config: IgnitionConfig,
  from: SpecVersion,
  to: SpecVersion,
  message: string,
): void {
  const error = catchKindlingError(() => convertDown(config, from, to));
  expect({ code: error.code, rule: error.rule, message: error.message }).toEqual({
    code: 'ERR_NOT_ACCEPTABLE',
    rule: 'needs-newer-spec',
    message,
  });
}

describe('convertDown relabels a config that uses only what the target has', () => {
  it.each(pairs)('from %s to %s', (from, to) => {
    const input = deepFreeze(commonConfig(from));
    const converted = convertDown(input, from, to);
    expect(converted).toEqual(commonConfig(to));
    expect(validateIgnition(converted).version).toBe(to);
    expect(input.ignition.version).toBe(from);
  });

  it('and returns a copy that shares nothing with the input', () => {
    const input = fullConfig('3.6.0');
    const snapshot = structuredClone(input);
    const converted = convertDown(input, '3.6.0', '3.5.0');
    expect(input).toEqual(snapshot);
    expect(converted.storage).not.toBe(input.storage);
    expect(converted).toEqual({ ...snapshot, ignition: { ...snapshot.ignition, version: '3.5.0' } });
  });

  it.each(SPEC_VERSIONS.slice(0, -1))('the full config of spec %s from the next spec', (to) => {
    const from = SPEC_VERSIONS[SPEC_VERSIONS.indexOf(to) + 1] as SpecVersion;
    const source = fullConfig(to);
    source.ignition.version = from;
    expect(convertDown(source, from, to)).toEqual(fullConfig(to));
  });
});

describe('convertDown refuses what the target spec lacks, naming it and the spec that has it', () => {
  const withIgnition = (version: SpecVersion, ignition: JsonObject): IgnitionConfig => ({
    ignition: { version, ...ignition },
  });
  const withStorage = (version: SpecVersion, storage: JsonObject): IgnitionConfig => ({
    ignition: { version },
    storage,
  });
  const file = (contents: JsonObject) => ({ files: [{ path: '/etc/a', contents }] });

  const cases: [string, IgnitionConfig, SpecVersion, string][] = [
    [
      'HTTP headers',
      withStorage('3.6.0', file({ source: 'https://a/b', httpHeaders: [{ name: 'A', value: 'b' }] })),
      '3.0.0',
      'storage.files[0].contents.httpHeaders needs spec 3.1.0 or newer',
    ],
    [
      'compression of a merged config',
      withIgnition('3.1.0', { config: { merge: [{ source: 'https://a/b', compression: 'gzip' }] } }),
      '3.0.0',
      'ignition.config.merge[0].compression needs spec 3.1.0 or newer',
    ],
    [
      'a merged config without source',
      withIgnition('3.4.0', { config: { merge: [{}] } }),
      '3.0.0',
      'ignition.config.merge[0] without source needs spec 3.1.0 or newer',
    ],
    [
      'a proxy',
      withIgnition('3.2.0', { proxy: { httpsProxy: 'http://p:3128' } }),
      '3.0.0',
      'ignition.proxy needs spec 3.1.0 or newer',
    ],
    [
      'mount options',
      withStorage('3.3.0', {
        filesystems: [{ device: '/dev/vdb', format: 'ext4', mountOptions: ['noatime'] }],
      }),
      '3.0.0',
      'storage.filesystems[0].mountOptions needs spec 3.1.0 or newer',
    ],
    [
      'a sha256 hash',
      withStorage('3.6.0', file({ source: 'https://a/b', verification: { hash: SHA256_OF_SETUP_SCRIPT } })),
      '3.0.0',
      'storage.files[0].contents.verification.hash (sha256) needs spec 3.1.0 or newer',
    ],
    [
      'LUKS',
      withStorage('3.4.0', { luks: [{ name: 'data', clevis: { tpm2: true } }] }),
      '3.1.0',
      'storage.luks needs spec 3.2.0 or newer',
    ],
    [
      'users that should not exist',
      { ignition: { version: '3.2.0' }, passwd: { users: [{ name: 'old', shouldExist: false }] } },
      '3.1.0',
      'passwd.users[0].shouldExist needs spec 3.2.0 or newer',
    ],
    [
      'partition resizing',
      withStorage('3.5.0', { disks: [{ device: '/dev/vda', partitions: [{ number: 4, resize: true }] }] }),
      '3.1.0',
      'storage.disks[0].partitions[0].resize needs spec 3.2.0 or newer',
    ],
    [
      'a gs:// source',
      withStorage('3.2.0', file({ source: 'gs://bucket/object' })),
      '3.1.0',
      'storage.files[0].contents.source (gs: URL) needs spec 3.2.0 or newer',
    ],
    [
      'kernel arguments',
      { ignition: { version: '3.3.0' }, kernelArguments: { shouldExist: ['quiet'] } },
      '3.2.0',
      'kernelArguments needs spec 3.3.0 or newer',
    ],
    [
      'a RAID array without a level',
      withStorage('3.3.0', { raid: [{ name: 'md0', devices: ['/dev/vdb', '/dev/vdc'] }] }),
      '3.2.0',
      'storage.raid[0] without level needs spec 3.3.0 or newer',
    ],
    [
      'a custom clevis pin without config',
      withStorage('3.3.0', {
        luks: [{ name: 'data', clevis: { custom: { pin: 'sss', needsNetwork: true } } }],
      }),
      '3.2.0',
      'storage.luks[0].clevis.custom without config needs spec 3.3.0 or newer',
    ],
    [
      'a null custom clevis pin',
      withStorage('3.4.0', { luks: [{ name: 'data', clevis: { custom: { pin: null, config: null } } }] }),
      '3.2.0',
      'storage.luks[0].clevis.custom.pin as null needs spec 3.3.0 or newer',
    ],
    [
      'LUKS discard',
      withStorage('3.4.0', { luks: [{ name: 'data', discard: true }] }),
      '3.3.0',
      'storage.luks[0].discard needs spec 3.4.0 or newer',
    ],
    [
      'a tang advertisement',
      withStorage('3.5.0', {
        luks: [{ name: 'd', clevis: { tang: [{ url: 'http://t', advertisement: '{}' }] } }],
      }),
      '3.3.0',
      'storage.luks[0].clevis.tang[0].advertisement needs spec 3.4.0 or newer',
    ],
    [
      'an S3 ARN source',
      withStorage('3.4.0', file({ source: 'arn:aws:s3:::bucket/key' })),
      '3.3.0',
      'storage.files[0].contents.source (arn: URL) needs spec 3.4.0 or newer',
    ],
    [
      'CEX',
      withStorage('3.6.0', { luks: [{ name: 'd', cex: { enabled: true } }] }),
      '3.4.0',
      'storage.luks[0].cex needs spec 3.5.0 or newer',
    ],
  ];
  it.each(cases)('%s', (_name, config, to, message) => {
    const from = config.ignition.version as SpecVersion;
    expect(validateIgnition(config).version).toBe(from);
    expectNotAcceptable(config, from, to, message);
  });

  it('sets the JSON path of the feature on the error', () => {
    const config = withStorage('3.5.0', { luks: [{ name: 'd', cex: { enabled: true } }] });
    expect(catchKindlingError(() => convertDown(config, '3.5.0', '3.4.0')).path).toBe('storage.luks[0].cex');
  });

  it('names the feature even when the target is several specs older', () => {
    expectNotAcceptable(fullConfig('3.6.0'), '3.6.0', '3.2.0', 'kernelArguments needs spec 3.3.0 or newer');
  });
});

describe('convertDown refuses to be misused', () => {
  it.each([
    ['3.4.0', '3.4.0'],
    ['3.3.0', '3.4.0'],
  ] as const)('from %s to %s is not a down-conversion', (from, to) => {
    expect(() => convertDown(commonConfig(from), from, to)).toThrow(TypeError);
  });

  it('the config must declare the source spec', () => {
    expect(() => convertDown(commonConfig('3.4.0'), '3.5.0', '3.3.0')).toThrow(/declares spec 3\.4\.0/);
  });

  it('an invalid input is reported as such, not as a missing feature', () => {
    const config = {
      ignition: { version: '3.4.0' },
      storage: { files: [{ path: '/a', contnts: {} }] },
    } as IgnitionConfig;
    expectPayloadError(
      () => convertDown(config, '3.4.0', '3.3.0'),
      'unknown-key',
      'storage.files[0].contnts',
    );
  });
});
