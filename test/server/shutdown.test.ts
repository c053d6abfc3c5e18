import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, FIXTURE_SERVE_ARGS, startKindling } from '../support/startKindling.ts';
import { waitFor } from '../support/waitFor.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

describe('graceful shutdown', () => {
  it('turns readiness off first, keeps serving during the delay, then closes the listener', async () => {
    let releaseDelay!: () => void;
    const delayed = new Promise<void>((resolve) => (releaseDelay = resolve));
    const { kindling } = await startKindling(['--shutdown-delay', '5s'], { sleep: () => delayed });
    const url = kindling.url;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const done = kindling.shutdown();
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    const during = await fetch(`${url}/ignition`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
    expect(during.status).toBe(200);
    expect(((await during.json()) as { ignition: { version: string } }).ignition.version).toBe('3.4.0');
    releaseDelay();
    await done;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(kindling.shutdown()).toBe(done);
  });

  it('cuts a connection still busy at the deadline and completes', async () => {
    const { kindling } = await startKindling(['--shutdown-timeout', '200ms']);
    const { port } = new URL(kindling.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // Half a request: the connection is busy, not idle, so close() alone would wait for it.
    socket.write('GET /ignition HTTP/1.1\r\nHost: x\r\n');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await kindling.shutdown();
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it('the CLI exits 0 on SIGTERM after finishing, and logs the shutdown', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', ...FIXTURE_SERVE_ARGS, '--plain-http'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await waitFor(() => /"msg":"listening","url":"([^"]+)"/.exec(out)?.[1], {
      timeoutMs: 15_000,
      what: 'the listening line',
    });
    const response = await fetch(`${url}/ignition`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/"msg":"shut down"/);
    expect(out).not.toContain(DEMO_TOKEN);
  });

  it('the CLI exits 2 on bad configuration, naming the field', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--source', 'dir:x', '--listen', 'nowhere'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/listen/);
  });

  it('`kindling demo` prints a URL and a curl command whose token fetches the demo payload', async () => {
    const child = spawn(
      process.execPath,
      [MAIN, 'demo', '--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const [, token, url] = await waitFor(() => /curl -H 'Authorization: Bearer ([^']+)' (\S+)/.exec(err), {
      timeoutMs: 15_000,
      what: 'the curl line',
    });
    const response = await fetch(url!, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ignition: { version: string } }).ignition.version).toBe('3.4.0');
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });
});
