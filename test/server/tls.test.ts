import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kindling } from '../../src/server/createKindling.ts';
import { DEMO_TOKEN, startKindling } from '../support/startKindling.ts';
import { waitFor } from '../support/waitFor.ts';

const TLS = new URL('../fixtures/tls/', import.meta.url).pathname;
const ca = readFileSync(`${TLS}ca.crt`);

let kindling: Kindling | undefined;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindling-tls-'));
  use('a');
});
afterEach(async () => {
  await kindling?.shutdown();
  kindling = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function use(pair: 'a' | 'b', { only }: { only?: 'cert' | 'key' } = {}) {
  if (only !== 'key') copyFileSync(`${TLS}server-${pair}.crt`, join(dir, 'tls.crt'));
  if (only !== 'cert') copyFileSync(`${TLS}server-${pair}.key`, join(dir, 'tls.key'));
}

function get(url: string): Promise<{ status: number; subject: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/ignition`,
      { ca, agent: false, headers: { authorization: `Bearer ${DEMO_TOKEN}` } },
      (res) => {
        const subject = (
          res.socket as unknown as { getPeerCertificate(): PeerCertificate }
        ).getPeerCertificate().subject.CN as string;
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, subject, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const tlsArgs = () => ['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')];

describe('TLS', () => {
  it('serves HTTPS with the given pair and refuses TLS older than 1.2', async () => {
    ({ kindling } = await startKindling(tlsArgs()));
    expect(kindling.url).toMatch(/^https:/);
    const response = await get(kindling.url);
    expect(response.status).toBe(200);
    expect(response.subject).toBe('kindling-a');
    const { port } = new URL(kindling.url);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: Number(port),
        ca,
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
      });
      socket.on('secureConnect', () => resolve('connected'));
      socket.on('error', (error) => resolve(error.message));
    });
    expect(outcome).not.toBe('connected');
  });

  it('reloads a renewed pair without dropping the listener, and never applies a half-written one', async () => {
    ({ kindling } = await startKindling(tlsArgs(), { tlsPollIntervalMs: 50 }));
    expect((await get(kindling.url)).subject).toBe('kindling-a');
    // Certificate renewed, key not written yet: the pair does not match and must not be applied.
    use('b', { only: 'cert' });
    expect(kindling.reloadTls()).toBe(false);
    expect((await get(kindling.url)).subject).toBe('kindling-a');
    use('b', { only: 'key' });
    await waitFor(async () => (await get(kindling!.url)).subject === 'kindling-b', {
      what: 'the new certificate',
    });
    expect((await get(kindling.url)).status).toBe(200);
  });

  it('refuses to start with a key that does not match the certificate', async () => {
    use('b', { only: 'key' });
    await expect(startKindling(tlsArgs())).rejects.toThrow(/key values mismatch|does not match|private key/i);
  });
});
