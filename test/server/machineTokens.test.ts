import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Kindling } from '../../src/server/createKindling.ts';
import { createSigningKey } from '../../src/tokens/jws/createSigningKey.ts';
import { keysSecret, mint } from '../support/machineTokens.ts';
import { FIXTURES, startKindling } from '../support/startKindling.ts';

let kindling: Kindling | undefined;
let dir: string | undefined;
afterEach(async () => {
  await kindling?.shutdown();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  kindling = undefined;
  dir = undefined;
});

function raw(url: string, { method = 'GET', token }: { method?: string; token: string }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { method, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('per-machine tokens over a real socket (the node:http fast path)', () => {
  it('answers when the verification settles: 200 with the payload, HEAD, 401 for a forgery', async () => {
    const key = await createSigningKey();
    dir = await mkdtemp(join(tmpdir(), 'kindling-machine-tokens-'));
    await copyFile(`${FIXTURES}token-workers.yaml`, join(dir, 'token-workers.yaml'));
    await writeFile(join(dir, 'keys.yaml'), stringify({ apiVersion: 'v1', ...keysSecret(key) }));
    let log;
    ({ kindling, log } = await startKindling([
      '--source',
      `dir:${dir}`,
      '--server-url',
      'https://Kindling.example:8443/',
    ]));
    const token = await mint({ key, now: Date.now(), machine: 'worker-9' });
    const get = await raw(`${kindling.url}/ignition`, { token });
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body.toString())).toMatchObject({ ignition: { version: expect.any(String) } });
    const head = await raw(`${kindling.url}/ignition`, { method: 'HEAD', token });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    const forged = await mint({ key: await createSigningKey(), now: Date.now() });
    const refused = await raw(`${kindling.url}/ignition`, { token: forged });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="kindling"');
    const lines = log.records().filter((record) => record.msg === 'request');
    expect(lines.map((line) => [line.status, line.machine, line.pool])).toEqual([
      [200, 'worker-9', 'workers'],
      [200, 'worker-9', 'workers'],
      [401, undefined, undefined],
    ]);
  });
});
