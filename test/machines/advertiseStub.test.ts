import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPEC_VERSIONS } from '../../src/payload/SpecVersion.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { renderCloudConfigStub } from '../../src/stubs/renderCloudConfigStub.ts';
import { renderIgnitionStub } from '../../src/stubs/renderIgnitionStub.ts';
import { decodeDataUrl } from '../../src/templates/dataUrl.ts';
import { writeFilesOf } from '../stubs/runFetchScript.ts';
import { findTool } from '../templates/templateFixtures.ts';

// `advertise: true` on a stub: the files the payload's advertise unit reads (src/stubs/advertiseFiles.ts).
const CA = readFileSync(new URL('../fixtures/tls/ca.crt', import.meta.url), 'utf8');
const TOKEN = '2f1c2b7e-51a5-4a43-9a2e-0c8f3b8f2b11';
const SERVER = 'https://proxy.example/kindling/';
const EXPECTED = [
  { path: '/etc/kindling/advertise-url', mode: 0o644, text: 'https://proxy.example/kindling/advertise\n' },
  { path: '/etc/kindling/authorization', mode: 0o600, text: `Authorization: Bearer ${TOKEN}\n` },
  { path: '/etc/kindling/ca.pem', mode: 0o644, text: `${CA.trim()}\n` },
];

type StubFile = { path: string; mode: number; overwrite: boolean; contents: { source: string } };

describe('an Ignition stub that advertises', () => {
  it('writes the URL, the root-only header file and the CA, and still validates as every spec', () => {
    for (const specVersion of SPEC_VERSIONS.filter((v) => v !== '3.0.0')) {
      const stub = renderIgnitionStub({
        server: SERVER,
        token: TOKEN,
        caPem: CA,
        advertise: true,
        specVersion,
      });
      expect(validateIgnition(JSON.parse(JSON.stringify(stub))).version).toBe(specVersion);
      const files = (stub as unknown as { storage: { files: StubFile[] } }).storage.files;
      expect(
        files.map(({ path, mode, contents }) => ({
          path,
          mode,
          text: Buffer.from(decodeDataUrl(contents.source)).toString('utf8'),
        })),
      ).toEqual(EXPECTED);
    }
  });

  it('holds the token in the fetch header and the header file only; without advertise, writes nothing', () => {
    const stub = JSON.stringify(renderIgnitionStub({ server: SERVER, token: TOKEN, advertise: true }));
    // A UUID needs no %-escaping in a data URL: it is there as it is, twice.
    expect(stub.split(TOKEN)).toHaveLength(3);
    expect(renderIgnitionStub({ server: SERVER, token: TOKEN })).not.toHaveProperty('storage');
  });
});

describe('a cloud-config stub that advertises', () => {
  const stub = renderCloudConfigStub({ server: SERVER, token: TOKEN, caPem: CA, advertise: true });

  it('writes the same three files, root-owned, after what the fetch needs', () => {
    const files = writeFilesOf(stub).slice(3);
    expect(files).toEqual(
      EXPECTED.map(({ path, mode, text }) => ({
        path,
        owner: 'root:root',
        permissions: `0${mode.toString(8)}`,
        content: text,
      })),
    );
    expect(
      writeFilesOf(renderCloudConfigStub({ server: SERVER, token: TOKEN })).map((f) => f.path),
    ).not.toContain('/etc/kindling/authorization');
  });

  it.skipIf(findTool('cloud-init') === undefined)('passes `cloud-init schema`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-stub-'));
    try {
      writeFileSync(join(dir, 'stub'), stub);
      const result = spawnSync('cloud-init', ['schema', '--config-file', join(dir, 'stub')], {
        encoding: 'utf8',
      });
      expect(`${result.stdout}${result.stderr}`).toMatch(/Valid cloud-config/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
