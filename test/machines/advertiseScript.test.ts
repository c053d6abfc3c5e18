import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdvertiseRoutes } from '../../src/http/advertise/createAdvertiseRoutes.ts';
import type { AppEnv } from '../../src/http/AppEnv.ts';
import type { Authentication } from '../../src/http/auth/createAuthenticator.ts';
import { createErrorAnswers } from '../../src/http/errors/createErrorAnswers.ts';
import { advertiseScript, type AdvertisedNodeName } from '../../src/machines/advertiseScript.ts';
import { createMemoryReportStore } from '../../src/machines/createMemoryReportStore.ts';
import type { TokenSecret } from '../../src/tokens/TokenSecret.ts';
import { fakeMachine } from './fakeMachine.ts';

// The script as a machine runs it: real sh (dash here) and coreutils, real curl, against a real /advertise
// over HTTP; only what describes the machine (its files, uname, lspci, ip) and sleep are faked.

const TOKEN = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const reports = createMemoryReportStore();
let unavailable = 0;
let url = '';
const server = (() => {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    if (unavailable > 0) {
      unavailable--;
      return c.json({ error: 'ERR_NOT_READY' }, 503);
    }
    return next();
  });
  const authenticate = (header: string | undefined): Authentication =>
    header === `Bearer ${TOKEN}`
      ? {
          ok: true,
          found: { ok: true, secret: { pool: 'workers' } as TokenSecret, role: 'current' } as Extract<
            Authentication,
            { ok: true }
          >['found'],
          tokenHash: 'f'.repeat(64),
          tokenFingerprint: 'ffffffff',
        }
      : { ok: false, code: 'ERR_TOKEN_REVOKED' };
  app.route(
    '/',
    createAdvertiseRoutes({ authenticate, errors: createErrorAnswers({ retryAfterSeconds: 5 }), reports }),
  );
  return createServer(getRequestListener(app.fetch));
})();

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/advertise`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Runs the script on a fresh fake machine; asynchronously, since the server answering it is in this process. */
async function run(nodeName: AdvertisedNodeName, { token = TOKEN, advertise = true } = {}) {
  const machine = fakeMachine({ url, token, advertise });
  try {
    const child = spawn('sh', ['-c', advertiseScript(nodeName)], {
      env: { PATH: `${machine.bin}:/usr/bin:/bin`, KINDLING_ADVERTISE_ROOT: machine.root },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 20_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stderr, curl: machine.log('curl'), sleeps: machine.log('sleep') };
  } finally {
    machine.remove();
  }
}

describe('the advertise script', () => {
  it('is a script sh parses', () => {
    for (const name of [
      undefined,
      { fixed: 'worker-7' },
      { machineIdPrefix: 'node-' },
    ] as AdvertisedNodeName[]) {
      const result = spawnSync('sh', ['-n'], { input: advertiseScript(name), encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it("reports the machine's facts, which the server accepts and stores as sent", async () => {
    const { code, stderr } = await run({ machineIdPrefix: 'node-' });
    expect(stderr).toBe(`kindling-advertise: reported to ${url}\n`);
    expect(code).toBe(0);
    const report = await reports.get('node-0a1b2c3d4e5f');
    expect(report).toMatchObject({ pool: 'workers', identity: 'reported' });
    expect(report?.facts).toEqual({
      hostname: 'Worker-7',
      nodeName: 'node-0a1b2c3d4e5f',
      machineId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      architecture: 'x86_64',
      kernel: '6.8.0-45-generic',
      cpu: { count: 4, model: 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz' },
      memory: { totalBytes: 16_777_216_000 },
      gpus: [
        { vendor: 'amd', model: 'pci-0x73bf', count: 1 },
        { vendor: 'nvidia', model: 'GA100 [A100 PCIe 80GB]', count: 2 },
      ],
      disks: [
        { name: 'nvme0n1', sizeBytes: 3_840_755_982_336, rotational: false, model: 'SAMSUNG MZQL23T8HCLS' },
        { name: 'sda', sizeBytes: 1_000_204_886_016, rotational: true },
      ],
      interfaces: [
        { name: 'eth0', mac: '52:54:00:12:34:56', addresses: ['10.0.0.5/24', 'fe80::5054:ff:fe12:3456/64'] },
        { name: 'wg0', addresses: [] },
      ],
      os: { id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS "Noble"' },
      bootTime: '2025-11-21T08:00:00Z',
    });
  });

  it('leaves the name to the server (the hostname) unless the payload knows it', async () => {
    expect((await run(undefined)).code).toBe(0);
    expect((await reports.get('worker-7'))?.facts.nodeName).toBeUndefined();
    expect((await run({ fixed: 'rack1-u12' })).code).toBe(0);
    expect((await reports.get('rack1-u12'))?.facts.hostname).toBe('Worker-7');
  });

  it('sends the token only from the root-only header file, never on a command line', async () => {
    const { curl } = await run(undefined);
    expect(curl).toHaveLength(1);
    expect(curl[0]).not.toContain(TOKEN);
    expect(curl[0]).toMatch(/--header @\S+\/etc\/kindling\/authorization /);
    expect(curl[0]).toContain('--header Content-Type: application/json');
  });

  it('retries 5xx with a doubling pause, then reports', async () => {
    unavailable = 3;
    const { code, sleeps, curl, stderr } = await run(undefined);
    expect(code).toBe(0);
    expect(curl).toHaveLength(4);
    expect(sleeps).toEqual(['2', '4', '8']);
    expect(stderr).toContain('answered HTTP 503; retrying in 2 s');
  });

  it('gives up at once on a refusal (4xx), saying why', async () => {
    const { code, sleeps, stderr } = await run(undefined, { token: '00000000-0000-4000-8000-000000000000' });
    expect(code).toBe(1);
    expect(sleeps).toEqual([]);
    expect(stderr).toContain(
      'refused the report (HTTP 403): {"error":"ERR_TOKEN_REVOKED","message":"token revoked"}',
    );
  });

  it('does nothing on a machine whose stub does not advertise', async () => {
    const { code, curl, stderr } = await run(undefined, { advertise: false });
    expect(code).toBe(0);
    expect(curl).toEqual([]);
    expect(stderr).toMatch(/stub does not advertise/);
  });
});
