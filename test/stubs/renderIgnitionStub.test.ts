import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../src/errors/KindlingError.ts';
import { isValidDataUrl } from '../../src/payload/isValidDataUrl.ts';
import { SPEC_VERSIONS } from '../../src/payload/SpecVersion.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { payloadPinHash } from '../../src/stubs/payloadPinHash.ts';
import { renderIgnitionStub, type IgnitionStubOptions } from '../../src/stubs/renderIgnitionStub.ts';

const CA = readFileSync(new URL('../fixtures/tls/ca.crt', import.meta.url), 'utf8');
const TOKEN = '2f1c2b7e-51a5-4a43-9a2e-0c8f3b8f2b11';
const PIN = payloadPinHash(Buffer.from('{"ignition":{"version":"3.4.0"}}'));
const base: IgnitionStubOptions = { server: 'https://kindling.example:8443', token: TOKEN };
const everything: IgnitionStubOptions = {
  ...base,
  caPem: CA,
  gzip: true,
  pinHash: PIN,
  httpTotalSeconds: 600,
};

type Merge = { source: string; httpHeaders: { name: string; value: string }[]; compression?: string };
function mergeOf(stub: ReturnType<typeof renderIgnitionStub>): Merge {
  return (stub.ignition as unknown as { config: { merge: Merge[] } }).config.merge[0] as Merge;
}

function configError(run: () => unknown): KindlingError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KindlingError);
    expect((error as KindlingError).code).toBe('ERR_CONFIG_INVALID');
    return error as KindlingError;
  }
  throw new Error('expected ERR_CONFIG_INVALID');
}

describe('renderIgnitionStub', () => {
  const supported = SPEC_VERSIONS.filter((v) => v !== '3.0.0');
  it.each(supported)('passes validateIgnition as spec %s, bare and with every option', (specVersion) => {
    for (const options of [base, everything]) {
      const stub = renderIgnitionStub({ ...options, specVersion });
      expect(validateIgnition(JSON.parse(JSON.stringify(stub))).version).toBe(specVersion);
    }
  });

  it('is spec 3.4.0 by default, fetching <server>/ignition with the token in an Authorization header', () => {
    expect(renderIgnitionStub(base)).toEqual({
      ignition: {
        version: '3.4.0',
        config: {
          merge: [
            {
              source: 'https://kindling.example:8443/ignition',
              httpHeaders: [{ name: 'Authorization', value: `Bearer ${TOKEN}` }],
            },
          ],
        },
      },
    });
  });

  it('refuses spec 3.0.0, which has no httpHeaders, with a TypeError saying why', () => {
    expect(() => renderIgnitionStub({ ...base, specVersion: '3.0.0' })).toThrow(TypeError);
    expect(() => renderIgnitionStub({ ...base, specVersion: '3.0.0' })).toThrow(
      /3\.1\.0 or newer.*httpHeaders/,
    );
    expect(() => renderIgnitionStub({ ...base, specVersion: '2.2.0' as never })).toThrow(TypeError);
  });

  it('asks for gzip with both compression and the Accept-Encoding header', () => {
    const merge = mergeOf(renderIgnitionStub({ ...base, gzip: true }));
    expect(merge.compression).toBe('gzip');
    expect(merge.httpHeaders).toContainEqual({ name: 'Accept-Encoding', value: 'gzip' });
    const plain = mergeOf(renderIgnitionStub(base));
    expect(plain).not.toHaveProperty('compression');
    expect(plain.httpHeaders.map((h) => h.name)).toEqual(['Authorization']);
  });

  it('pins sha512-<128 hex> of the decompressed payload', () => {
    const bytes = Buffer.from('{"ignition":{"version":"3.4.0"}}');
    expect(payloadPinHash(bytes)).toMatch(/^sha512-[0-9a-f]{128}$/);
    expect(payloadPinHash(bytes)).toBe(`sha512-${createHash('sha512').update(bytes).digest('hex')}`);
    const stub = renderIgnitionStub({ ...base, gzip: true, pinHash: payloadPinHash(bytes) });
    expect(mergeOf(stub)).toMatchObject({ verification: { hash: payloadPinHash(bytes) } });
    for (const pinHash of ['sha512-abc', `md5-${'0'.repeat(32)}`, PIN.toUpperCase()]) {
      expect(configError(() => renderIgnitionStub({ ...base, pinHash })).path).toBe('pinHash');
    }
  });

  it('carries the CA as a data URL Ignition accepts, and refuses anything but certificates', () => {
    const stub = renderIgnitionStub({ ...base, caPem: CA });
    const [ca] = (
      stub.ignition as unknown as { security: { tls: { certificateAuthorities: { source: string }[] } } }
    ).security.tls.certificateAuthorities;
    expect(ca?.source.startsWith('data:text/plain;charset=utf-8;base64,')).toBe(true);
    expect(isValidDataUrl(ca?.source ?? '')).toBe(true);
    const pem = Buffer.from(ca?.source.split(',')[1] ?? '', 'base64').toString();
    expect(pem.trim()).toBe(CA.trim());
    const key = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n';
    expect(configError(() => renderIgnitionStub({ ...base, caPem: `${CA}${key}` })).message).toMatch(
      /PRIVATE KEY/,
    );
    expect(configError(() => renderIgnitionStub({ ...base, caPem: 'not a pem' })).path).toBe('ca');
  });

  it('sets ignition.timeouts.httpTotal only when asked', () => {
    expect(renderIgnitionStub({ ...base, httpTotalSeconds: 600 }).ignition.timeouts).toEqual({
      httpTotal: 600,
    });
    expect(renderIgnitionStub(base).ignition).not.toHaveProperty('timeouts');
    expect(configError(() => renderIgnitionStub({ ...base, httpTotalSeconds: -1 })).path).toBe(
      'httpTotalSeconds',
    );
  });

  it('puts the token in the Authorization header value and nowhere else', () => {
    const stub = renderIgnitionStub(everything);
    const json = JSON.stringify(stub);
    expect(json.split(TOKEN)).toHaveLength(2);
    const merge = mergeOf(stub);
    expect(merge.source).not.toContain(TOKEN);
    expect(merge.httpHeaders.filter((h) => h.value.includes(TOKEN))).toEqual([
      { name: 'Authorization', value: `Bearer ${TOKEN}` },
    ]);
  });

  it('joins the route to a server URL with a path prefix; refuses URLs that would leak or lose it', () => {
    const source = (server: string) => mergeOf(renderIgnitionStub({ ...base, server })).source;
    expect(source('https://kindling.example:8443/')).toBe('https://kindling.example:8443/ignition');
    expect(source('https://proxy.example/kindling//')).toBe('https://proxy.example/kindling/ignition');
    expect(source('http://10.0.0.5:8080')).toBe('http://10.0.0.5:8080/ignition');
    for (const server of [
      'kindling.example',
      'ftp://kindling.example',
      'https://u:p@kindling.example',
      'https://k.example/?a=1',
      'https://k.example/#x',
    ]) {
      expect(configError(() => renderIgnitionStub({ ...base, server })).path).toBe('server');
    }
  });

  it('refuses a token that is no bearer token, without quoting it', () => {
    const token = 'abc"def\nX-Evil: 1';
    const error = configError(() => renderIgnitionStub({ ...base, token }));
    expect(error.path).toBe('token');
    expect(error.message).not.toContain('abc');
  });
});
