import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../src/errors/KindlingError.ts';
import { elideDataUrls } from '../../src/payload/elideDataUrls.ts';
import { isValidDataUrl } from '../../src/payload/isValidDataUrl.ts';
import { SPEC_VERSIONS } from '../../src/payload/SpecVersion.ts';
import { parseIgnition } from '../../src/payload/validateIgnition.ts';
import { parseElided, validateIgnitionBytes } from '../../src/payload/validateIgnitionBytes.ts';
import { commonConfig, fullConfig } from './samples.ts';

const bigBase64 = (bytes = 96 * 1024) => randomBytes(bytes).toString('base64');
const dataUrl = (body = bigBase64(), header = 'data:;base64') => `${header},${body}`;

function ignition(extra: Record<string, unknown> = {}, version = '3.4.0'): Record<string, unknown> {
  return { ignition: { version }, ...extra };
}

const file = (path: string, source: string) => ({ path, contents: { source } });

/** A sample config, as far as these tests change it. */
interface Editable {
  ignition: Record<string, unknown>;
  storage?: { files?: unknown[] };
}

/** Either verdict as plain data: the version, or the error's code, rule, path and message. */
function verdict(check: () => string): unknown {
  try {
    return { version: check() };
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    return { code: error.code, rule: error.rule, path: error.path, message: error.message };
  }
}

function expectSameVerdict(bytes: Buffer): unknown {
  const expected = verdict(() => parseIgnition(bytes).version);
  expect(verdict(() => validateIgnitionBytes(bytes))).toEqual(expected);
  return expected;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('elideDataUrls', () => {
  it('cuts large base64 data: URL bodies to short valid ones under the same header, and nothing else', () => {
    const body = bigBase64();
    const bytes = json(
      ignition({
        storage: {
          files: [
            file('/a', dataUrl(body, 'data:text/plain;charset=utf-8;base64')),
            file('/b', dataUrl(body)),
            file('/c', `data:,${'x'.repeat(80 * 1024)}`),
          ],
        },
      }),
    );
    const elided = elideDataUrls(bytes);
    expect(elided).toBeDefined();
    const config = JSON.parse(elided?.compact.toString() ?? '') as {
      storage: { files: { contents: { source: string } }[] };
    };
    const [a, b, c] = config.storage.files.map((f) => f.contents.source);
    expect(a?.startsWith('data:text/plain;charset=utf-8;base64,')).toBe(true);
    expect(b?.startsWith('data:;base64,')).toBe(true);
    expect(a && a.length < 100 && isValidDataUrl(a)).toBe(true);
    expect(b && isValidDataUrl(b)).toBe(true);
    // Percent-encoded data is not base64: kept as it is.
    expect(c).toBe(`data:,${'x'.repeat(80 * 1024)}`);
    expect([...(elided?.placeholders ?? [])].sort()).toEqual([a, b].sort());
  });

  it('gives equal URLs one placeholder and different ones two', () => {
    const [one, two] = [dataUrl(), dataUrl()];
    const elided = elideDataUrls(
      json(ignition({ storage: { files: [file('/a', one), file('/b', two), file('/c', one)] } })),
    );
    const sources = (
      JSON.parse(elided?.compact.toString() ?? '') as {
        storage: { files: { contents: { source: string } }[] };
      }
    ).storage.files.map((f) => f.contents.source);
    expect(sources[0]).toBe(sources[2]);
    expect(sources[0]).not.toBe(sources[1]);
    expect(elided?.placeholders.size).toBe(2);
  });

  it('keeps its place across strings holding escaped quotes and backslashes', () => {
    const url = dataUrl();
    const bytes = json(
      ignition({
        storage: {
          files: [file('/a', 'data:,say%20%22hi%22'), file('/b', url)],
          directories: [{ path: '/x\\"y"' }],
        },
      }),
    );
    expect(bytes.includes('\\"')).toBe(true);
    const compact = JSON.parse(elideDataUrls(bytes)?.compact.toString() ?? '') as {
      storage: { files: { contents: { source: string } }[]; directories: { path: string }[] };
    };
    expect(compact.storage.directories[0]?.path).toBe('/x\\"y"');
    expect(compact.storage.files[1]?.contents.source.length).toBeLessThan(100);
  });

  it('finds every large URL among many strings, escaped or not, in one pass', () => {
    const files = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? file(`/big/${i}`, dataUrl(bigBase64(6 * 1024))) : file(`/x\\"${i}"`, 'data:,a%22b'),
    );
    const elided = elideDataUrls(json(ignition({ storage: { files } })));
    const compact = JSON.parse(elided?.compact.toString() ?? '') as {
      storage: { files: { path: string; contents: { source: string } }[] };
    };
    expect(compact.storage.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    expect(compact.storage.files.filter((f) => f.contents.source.length < 100)).toHaveLength(60);
    expect(elided?.placeholders.size).toBe(20);
  });

  it('leaves a small payload, a URL with an invalid body, and one with escapes as they are', () => {
    expect(
      elideDataUrls(json(ignition({ storage: { files: [file('/a', dataUrl(bigBase64(3 * 1024)))] } }))),
    ).toBeUndefined();
    const invalid = `${dataUrl()}-`.replace(/=*-$/, '-AAA');
    expect(elideDataUrls(json(ignition({ storage: { files: [file('/a', invalid)] } })))).toBeUndefined();
    const escaped = Buffer.from(
      JSON.stringify(ignition({ storage: { files: [file('/a', dataUrl())] } })).replace(
        'data:',
        'data\\u003a',
      ),
    );
    expect(elideDataUrls(escaped)).toBeUndefined();
  });
});

describe('validateIgnitionBytes: the verdict of parseIgnition, on the bytes', () => {
  it.each(SPEC_VERSIONS)(
    'accepts a spec %s config with large data: URLs in every kind of resource',
    (version) => {
      const config = fullConfig(version) as unknown as Editable;
      config.storage ??= {};
      config.storage.files = [...(config.storage.files ?? []), file('/big/one', dataUrl())];
      config.ignition['config'] = { merge: [{ source: dataUrl() }] };
      expect(expectSameVerdict(json(config))).toEqual({ version });
    },
  );

  it('finds the same error in a large config whichever way it is read', () => {
    const cases: Record<string, unknown>[] = [
      // The same URL twice where sources must be unique.
      ignition({
        ignition: {
          version: '3.4.0',
          config: {
            merge: [{ source: dataUrl('AAAA'.repeat(20_000)) }, { source: dataUrl('AAAA'.repeat(20_000)) }],
          },
        },
      }),
      // An invalid body: not cut, refused as before.
      ignition({ storage: { files: [file('/a', `${dataUrl()}*AAA`)] } }),
      // A data: URL scheme the spec does not know: spec 3.0 has it, so a header problem instead.
      ignition({ storage: { files: [file('/a', dataUrl(bigBase64(), 'data:text;base64'))] } }),
      // A data: URL where no source is: in a unit’s contents (accepted), and as a key.
      ignition({
        systemd: { units: [{ name: 'a.service', contents: dataUrl() }] },
        storage: { files: [file('/a', dataUrl())] },
      }),
      ignition({ storage: { files: [file('/a', dataUrl())] }, [dataUrl()]: 1 }),
      // Another rule broken next to a large URL.
      ignition({ storage: { files: [file('relative', dataUrl())] } }),
      ignition({ storage: { files: [{ ...file('/a', dataUrl()), mode: 'rw' }] } }),
    ];
    // The stand-ins of the last four cases are all sources: read compact; the two before are not.
    expect(cases.map((config) => parseElided(json(config)) !== undefined)).toEqual([
      true,
      false,
      true,
      false,
      false,
      true,
      true,
    ]);
    const rules = cases.map(
      (config) => (expectSameVerdict(json(config)) as { rule?: string }).rule ?? 'valid',
    );
    expect(rules).toEqual(['semantic', 'semantic', 'semantic', 'valid', 'unknown-key', 'semantic', 'schema']);
  });

  it('reports malformed JSON and invalid UTF-8 exactly as parseIgnition does', () => {
    const text = JSON.stringify(ignition({ storage: { files: [file('/a', dataUrl())] } }));
    for (const bytes of [
      Buffer.from(`${text.slice(0, -1)},}`),
      Buffer.from(`{x${text.slice(1)}`),
      Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from([0xff]), Buffer.from(text.slice(-2))]),
      Buffer.from(text.replace('"/a"', '"/a')),
    ]) {
      expect((expectSameVerdict(bytes) as { rule?: string }).rule).toBe('invalid-json');
    }
  });

  it('accepts what parseIgnition accepts in common configs of every spec', () => {
    for (const version of SPEC_VERSIONS) {
      const config = commonConfig(version) as unknown as Editable;
      config.storage = {
        ...config.storage,
        files: [...(config.storage?.files ?? []), file('/big', dataUrl())],
      };
      expect(expectSameVerdict(json(config))).toEqual({ version });
    }
  });
});
