import { describe, expect, it } from 'vitest';
import type { SpecVersion } from '../../src/payload/SpecVersion.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { expectPayloadError } from './expectPayloadError.ts';
import { SHA256_OF_SETUP_SCRIPT, SHA512_OF_SETUP_SCRIPT } from './samples.ts';

const withContents = (contents: Record<string, unknown>, version: SpecVersion = '3.4.0') => ({
  ignition: { version },
  storage: { files: [{ path: '/etc/a', contents }] },
});
const at = 'storage.files[0].contents';

describe('sources', () => {
  it.each([
    ['3.0.0', 'data:,plain%20text'],
    ['3.0.0', 'data:text/plain;charset=utf-8;base64,aGVsbG8='],
    ['3.0.0', 'http://example.com/a'],
    ['3.0.0', 'HTTPS://example.com/a?x=1#f'],
    ['3.0.0', 'tftp://example.com:69/foobar.txt'],
    ['3.0.0', 's3://bucket/key?versionId=aVersionHash'],
    ['3.2.0', 'gs://bucket/object'],
    ['3.4.0', 'arn:aws:s3:::bucket-name/object-key'],
    ['3.4.0', 'arn:aws:s3:us-west-2:123456789012:accesspoint/name/some/object?versionId=v1'],
    ['3.4.0', ''],
    ['3.4.0', null],
  ] as const)('spec %s accepts %j', (version, source) => {
    expect(validateIgnition(withContents({ source }, version)).version).toBe(version);
  });

  it.each([
    ['/etc/hosts', 'is not an absolute URL'],
    [
      'ftp://example.com/a',
      'URL scheme "ftp" is not one Ignition fetches (data, http, https, tftp, s3, gs, arn in spec 3.4.0)',
    ],
    ['oem:///a', 'URL scheme "oem"'],
    [' https://example.com/a', 'control characters or surrounding spaces'],
    ['https://exa\nmple.com/a', 'control characters or surrounding spaces'],
    ['https://exa mple.com/a', 'is not a valid https: URL'],
    ['s3://bucket/key?versionId=', 'empty S3 versionId'],
    ['arn:aws:iam:us-west-2:123456789012:resource', 'is not an S3 ARN'],
    ['arn:aws:s3:::bucket-name-but-no-key', 'without an object key'],
    ['arn:aws:s3:us-west-2:123456789012:accesspoint/name-but-no-object', 'without an object key'],
    ['data:hello', 'not a valid RFC 2397 data URL'],
    ['data:;base64,aGVsbG8', 'not a valid RFC 2397 data URL'],
    ['data:,héllo', 'not a valid RFC 2397 data URL'],
    ['DATA:,hello', 'not a valid RFC 2397 data URL'],
    ['data:text/pl\u0001ain,hello', 'control characters or surrounding spaces'],
    ['data:,hel\u0001lo', 'not a valid RFC 2397 data URL'],
    ['data:;base64,aGVs\nbG8=', 'not a valid RFC 2397 data URL'],
  ])('refuse %j', (source, problem) => {
    const error = expectPayloadError(
      () => validateIgnition(withContents({ source })),
      'semantic',
      `${at}.source`,
    );
    expect(error.message).toContain(problem);
  });

  it.each([
    ['3.1.0', 'gs://bucket/object', 'gs: URLs need spec 3.2.0 or newer'],
    ['3.3.0', 'arn:aws:s3:::bucket/key', 'arn: URLs need spec 3.4.0 or newer'],
  ] as const)('spec %s refuses %j', (version, source, problem) => {
    const error = expectPayloadError(
      () => validateIgnition(withContents({ source }, version)),
      'semantic',
      `${at}.source`,
    );
    expect(error.message).toContain(problem);
  });

  it('never repeat the URL, which may hold credentials', () => {
    const source = 'https://user:hunter2@exa mple.com/a?token=s3cr3t';
    const error = expectPayloadError(
      () => validateIgnition(withContents({ source })),
      'semantic',
      `${at}.source`,
    );
    expect(error.message).not.toMatch(/hunter2|s3cr3t/);
  });

  it('are checked in every resource: merge, CA, append, LUKS key file', () => {
    const bad = 'ftp://x/y';
    const cases: [Record<string, unknown>, string][] = [
      [
        { ignition: { version: '3.4.0', config: { merge: [{ source: bad }] } } },
        'ignition.config.merge[0].source',
      ],
      [
        { ignition: { version: '3.4.0', config: { replace: { source: bad } } } },
        'ignition.config.replace.source',
      ],
      [
        { ignition: { version: '3.4.0', security: { tls: { certificateAuthorities: [{ source: bad }] } } } },
        'ignition.security.tls.certificateAuthorities[0].source',
      ],
      [
        {
          ignition: { version: '3.4.0' },
          storage: { files: [{ path: '/a', append: [{ source: 'data:,x' }, { source: bad }] }] },
        },
        'storage.files[0].append[1].source',
      ],
      [
        { ignition: { version: '3.4.0' }, storage: { luks: [{ name: 'a', keyFile: { source: bad } }] } },
        'storage.luks[0].keyFile.source',
      ],
    ];
    for (const [config, path] of cases) expectPayloadError(() => validateIgnition(config), 'semantic', path);
  });
});

describe('compression', () => {
  it.each(['gzip', '', null])('accept %j', (compression) => {
    expect(validateIgnition(withContents({ source: 'https://a/b', compression })).version).toBe('3.4.0');
  });

  it('refuse anything else', () => {
    const error = expectPayloadError(
      () => validateIgnition(withContents({ source: 'https://a/b', compression: 'xz' })),
      'semantic',
      `${at}.compression`,
    );
    expect(error.message).toContain('unsupported compression "xz"');
  });
});

describe('verification hashes', () => {
  const hashAt = `${at}.verification.hash`;
  const withHash = (hash: string, version: SpecVersion = '3.4.0') =>
    withContents({ source: 'https://a/b', verification: { hash } }, version);

  it('accept sha512 in every spec and sha256 from 3.1.0', () => {
    expect(validateIgnition(withHash(SHA512_OF_SETUP_SCRIPT, '3.0.0')).version).toBe('3.0.0');
    expect(validateIgnition(withHash(SHA256_OF_SETUP_SCRIPT, '3.1.0')).version).toBe('3.1.0');
    expect(
      validateIgnition(withHash(SHA512_OF_SETUP_SCRIPT.toUpperCase().replace('SHA512', 'sha512'))).version,
    ).toBe('3.4.0');
  });

  it('refuse sha256 in spec 3.0.0', () => {
    const error = expectPayloadError(
      () => validateIgnition(withHash(SHA256_OF_SETUP_SCRIPT, '3.0.0')),
      'semantic',
      hashAt,
    );
    expect(error.message).toContain('sha256 hashes need spec 3.1.0 or newer');
  });

  it.each([
    ['sha512:0123', 'malformed hash'],
    ['', 'malformed hash'],
    [`md5-${'0'.repeat(32)}`, 'unrecognised hash function "md5" (spec 3.4.0 knows sha512, sha256)'],
    ['sha512-0123', 'sha512 digest must be 128 hexadecimal digits'],
    [`sha256-${'g'.repeat(64)}`, 'sha256 digest must be 64 hexadecimal digits'],
    [`sha256-${'0'.repeat(128)}`, 'sha256 digest must be 64 hexadecimal digits'],
  ])('refuse %j', (hash, problem) => {
    const error = expectPayloadError(() => validateIgnition(withHash(hash)), 'semantic', hashAt);
    expect(error.message).toContain(problem);
  });

  it('refuse a hash without a source', () => {
    const config = withContents({ verification: { hash: SHA512_OF_SETUP_SCRIPT } });
    const error = expectPayloadError(() => validateIgnition(config), 'semantic', hashAt);
    expect(error.message).toContain('needs a source');
  });
});

describe('HTTP headers', () => {
  const withHeaders = (httpHeaders: unknown[], source = 'https://a/b') =>
    withContents({ source, httpHeaders });

  it('accept distinct names, and a null value that removes a header', () => {
    expect(
      validateIgnition(
        withHeaders([
          { name: 'Authorization', value: 'Bearer x' },
          { name: 'Accept-Encoding', value: null },
        ]),
      ).version,
    ).toBe('3.4.0');
  });

  it('refuse an empty name', () => {
    expectPayloadError(
      () => validateIgnition(withHeaders([{ name: '', value: 'x' }])),
      'semantic',
      `${at}.httpHeaders[0].name`,
    );
  });

  it('refuse an empty value', () => {
    expectPayloadError(
      () => validateIgnition(withHeaders([{ name: 'X-A', value: '' }])),
      'semantic',
      `${at}.httpHeaders[0].value`,
    );
  });

  it('refuse a header set twice, whatever the case', () => {
    const headers = [
      { name: 'Authorization', value: 'a' },
      { name: 'authorization', value: 'b' },
    ];
    const error = expectPayloadError(
      () => validateIgnition(withHeaders(headers)),
      'semantic',
      `${at}.httpHeaders[1].name`,
    );
    expect(error.message).not.toMatch(/"a"|"b"/);
  });

  it.each(['data:,x', 's3://bucket/key', ''])('refuse headers on the source %j', (source) => {
    const error = expectPayloadError(
      () => validateIgnition(withHeaders([{ name: 'X-A', value: 'x' }], source)),
      'semantic',
      `${at}.httpHeaders`,
    );
    expect(error.message).toContain('need an http or https source');
  });
});
