import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, FIXTURES } from '../support/startKindling.ts';
import { waitFor } from '../support/waitFor.ts';
import { buildImageLayout } from './imageLayout.ts';
import { imageNodeFlags } from './imageNodeFlags.ts';
import { ROOT } from './kubectl.ts';

// The image as it will run, short of a container: /app built the Dockerfile's way, started with the
// entrypoint's arguments, the Deployment's TLS flags, and Node's permission model granting no file writes at
// all, which is what a read-only root filesystem (and no /tmp use) demands.
const TLS = join(ROOT, 'test/fixtures/tls');
const ca = readFileSync(join(TLS, 'ca.crt'));

let work = '';
let app = '';
let server: ChildProcess | undefined;
let url = '';
const logs: Record<string, unknown>[] = [];
let stderr = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kindling-image-'));
  ({ app } = buildImageLayout(ROOT, work));
  server = spawn(
    process.execPath,
    [
      ...imageNodeFlags(),
      '--permission',
      '--allow-fs-read=*',
      'dist/cli/main.js',
      'serve',
      `--source=dir:${FIXTURES}`,
      '--listen=127.0.0.1:0',
      '--metrics-listen=127.0.0.1:0',
      `--tls-cert=${join(TLS, 'server-a.crt')}`,
      `--tls-key=${join(TLS, 'server-a.key')}`,
    ],
    // A bare environment, as in the image: PATH only, no HOME to write into.
    { cwd: app, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: server?.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      logs.push(record);
      if (record['msg'] === 'listening') resolve(String(record['url']));
    });
    server?.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${stderr}`)));
  });
  url = await listening;
}, 120_000);

afterAll(async () => {
  if (server?.exitCode === null) {
    server.kill('SIGKILL');
    await new Promise((resolve) => server?.once('exit', resolve));
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

function fetchTls(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      get(`${url}${path}`, { ca, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      }).on('error', reject);
    },
  );
}

describe('the image layout runs', () => {
  it('holds only dist/, package.json and production packages', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json']);
    const packages = readdirSync(join(app, 'node_modules'));
    for (const dev of ['vitest', 'typescript', 'eslint', 'prettier']) expect(packages).not.toContain(dev);
    expect(readdirSync(join(app, 'dist/payload/schemas'))).toContain('v3.4.json');
  });

  it('serves over TLS from the entrypoint’s command, writing no file', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetchTls('/readyz')).status).toBe(200);
    const payload = await fetchTls('/ignition', { authorization: `Bearer ${DEMO_TOKEN}` });
    expect(payload.status).toBe(200);
    expect(JSON.parse(payload.body.toString())).toMatchObject({ ignition: { version: '3.4.0' } });
    // Gzip is made in the background; identity answers gzip clients until then.
    await waitFor(
      async () => {
        const gzip = await fetchTls('/ignition', {
          authorization: `Bearer ${DEMO_TOKEN}`,
          'accept-encoding': 'gzip',
        });
        return gzip.headers['content-encoding'] === 'gzip';
      },
      { what: 'a gzip answer' },
    );
    expect((await fetchTls('/ignition')).status).toBe(401);
  });

  it('shuts down cleanly on SIGTERM, having logged no error and hit no permission check', async () => {
    const exited = new Promise<number | null>((resolve) => server?.once('exit', resolve));
    server?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/ERR_ACCESS_DENIED|Error/);
    // pino levels: 50 error, 60 fatal.
    expect(logs.filter((record) => Number(record['level']) >= 50)).toEqual([]);
    expect(logs.map((record) => record['msg'])).toContain('listening');
  });
});
