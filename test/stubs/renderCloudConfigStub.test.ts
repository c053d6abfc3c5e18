import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLIED_MODULES } from '../../src/stubs/cloudConfigFetchScript.ts';
import { renderCloudConfigStub } from '../../src/stubs/renderCloudConfigStub.ts';
import { cleanUp, runFetchScript, writeFilesOf, type FetchRun } from './runFetchScript.ts';

const CA = readFileSync(new URL('../fixtures/tls/ca.crt', import.meta.url), 'utf8');
const TOKEN = '2f1c2b7e-51a5-4a43-9a2e-0c8f3b8f2b11';
const JWS = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrZXItNyJ9.c2lnbmF0dXJl';
const SERVER = 'https://kindling.example:8443';
const stub = renderCloudConfigStub({ server: SERVER, token: TOKEN, caPem: CA });

const cloudInit = spawnSync('cloud-init', ['--version'], { encoding: 'utf8' });
const hasCloudInit = cloudInit.error === undefined && cloudInit.status === 0;
if (!hasCloudInit) {
  const why =
    'cloud-init is not installed (apt-get install -y cloud-init): the `cloud-init schema` checks are skipped';
  if (process.env.CI === 'true') throw new Error(`${why}, which CI does not allow`);
  console.warn(why);
}

function withRun(run: FetchRun, check: (run: FetchRun) => void): void {
  try {
    check(run);
  } finally {
    cleanUp(run);
  }
}

describe('renderCloudConfigStub: the userdata', () => {
  it.skipIf(!hasCloudInit)('passes `cloud-init schema --config-file`, with and without a CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-schema-'));
    try {
      for (const [name, text] of [
        ['with-ca', stub],
        ['without-ca', renderCloudConfigStub({ server: 'http://10.0.0.5:8080', token: JWS })],
      ] as const) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const result = spawnSync('cloud-init', ['schema', '--config-file', file], { encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toMatch(/Valid cloud-config/);
        expect(result.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the header to a root-only file on /run, the CA, and a once-per-instance script', () => {
    expect(stub.startsWith('#cloud-config\n')).toBe(true);
    expect(writeFilesOf(stub)).toEqual([
      {
        path: '/run/kindling/authorization',
        owner: 'root:root',
        permissions: '0600',
        content: `Authorization: Bearer ${TOKEN}\n`,
      },
      { path: '/run/kindling/ca.pem', owner: 'root:root', permissions: '0644', content: CA.trim() + '\n' },
      {
        path: '/var/lib/cloud/scripts/per-instance/kindling-fetch',
        owner: 'root:root',
        permissions: '0700',
        content: expect.stringMatching(/^#!\/bin\/sh\n/),
      },
    ]);
  });

  it('holds the token once, in the header file, and in no script, URL or command line', () => {
    expect(stub.split(TOKEN)).toHaveLength(2);
    const script = writeFilesOf(stub).find((f) => f.path.endsWith('kindling-fetch'))?.content ?? '';
    expect(script).not.toContain(TOKEN);
    expect(script).toContain(`url=${SERVER}/cloud-config`);
  });

  it('is a script sh can parse', () => {
    const script = writeFilesOf(stub).find((f) => f.path.endsWith('kindling-fetch'))?.content ?? '';
    const result = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('renderCloudConfigStub: the fetch script, run', () => {
  it('sends the token only from the header file, with the CA and https only', () => {
    withRun(runFetchScript(stub, { statuses: ['200'] }), ({ curlArgs, dir, exitCode }) => {
      expect(exitCode).toBe(0);
      expect(curlArgs).toHaveLength(1);
      const args = curlArgs[0] ?? [];
      expect(args.join(' ')).not.toContain(TOKEN);
      expect(args).toEqual(
        expect.arrayContaining(['--header', `@${dir}/authorization`, '--cacert', `${dir}/ca.pem`]),
      );
      expect(args).toEqual(expect.arrayContaining(['--proto', '=https']));
      expect(args.at(-1)).toBe(`${SERVER}/cloud-config`);
      expect(args).not.toContain('--location');
    });
  });

  it('retries like Ignition on 5xx and network errors: 0.2, 0.4, 0.8, 1.6, 3.2 s, then every 5 s', () => {
    const statuses = ['000', '503', '500', '502', '000', '503', '504', '200'];
    withRun(runFetchScript(stub, { statuses }), ({ exitCode, sleeps, curlArgs, stderr }) => {
      expect(exitCode).toBe(0);
      expect(curlArgs).toHaveLength(8);
      expect(sleeps).toEqual(['0.2', '0.4', '0.8', '1.6', '3.2', '5', '5']);
      expect(stderr).toMatch(/HTTP 503; retrying/);
      expect(stderr).toMatch(/did not answer/);
    });
  });

  it.each(['401', '403', '404', '406', '429', '301'])('gives up at once on HTTP %s, saying so', (status) => {
    withRun(runFetchScript(stub, { statuses: ['503', status] }), (run) => {
      expect(run.exitCode).toBe(1);
      expect(run.sleeps).toEqual(['0.2']);
      expect(run.stderr).toContain(`answered HTTP ${status}: giving up`);
      expect(run.cloudInit).toEqual([]);
      expect(run.leftovers).toEqual([]);
    });
  });

  it('applies the root-only config with cloud-init (usual umask): schema, each module, runcmd last', () => {
    withRun(
      runFetchScript(stub, { statuses: ['200'] }),
      ({ exitCode, cloudInit, dir, leftovers, stderr, payloadMode, umasks }) => {
        expect(exitCode).toBe(0);
        const payload = `${dir}/cloud-config`;
        expect(cloudInit).toEqual([
          `schema --config-file ${payload}`,
          ...APPLIED_MODULES.map((m) => `--file ${payload} single --name ${m} --frequency always`),
        ]);
        expect(APPLIED_MODULES.at(-1)).toBe('runcmd');
        expect(leftovers).toEqual([]);
        expect(stderr).toMatch(/config applied/);
        expect(payloadMode).toBe('600');
        expect(umasks).toEqual(['0022']);
      },
    );
  });

  it('refuses an answer that is not a #cloud-config', () => {
    withRun(runFetchScript(stub, { statuses: ['200'], body: '#!/bin/sh\nreboot\n' }), (run) => {
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/not a #cloud-config/);
      expect(run.cloudInit).toEqual([]);
    });
  });

  it('stops at the first module that fails, before runcmd is written', () => {
    withRun(runFetchScript(stub, { statuses: ['200'], failModule: 'users_groups' }), (run) => {
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/module users_groups failed/);
      expect(run.cloudInit.at(-1)).toContain('--name users_groups');
      expect(run.cloudInit.join('\n')).not.toContain('--name runcmd');
      expect(run.leftovers).toEqual([]);
    });
  });

  it('uses the system trust store and plain http only when told', () => {
    const plain = renderCloudConfigStub({ server: 'http://10.0.0.5:8080/', token: TOKEN });
    expect(writeFilesOf(plain).map((f) => f.path)).not.toContain('/run/kindling/ca.pem');
    withRun(runFetchScript(plain, { statuses: ['200'] }), ({ curlArgs }) => {
      expect(curlArgs[0]).not.toContain('--cacert');
      expect(curlArgs[0]).toEqual(expect.arrayContaining(['--proto', '=http']));
      expect(curlArgs[0]?.at(-1)).toBe('http://10.0.0.5:8080/cloud-config');
    });
  });
});
