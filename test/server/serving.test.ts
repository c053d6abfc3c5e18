import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Kindling } from '../../src/server/createKindling.ts';
import { sampleFacts } from '../machines/sampleFacts.ts';
import { DEMO_TOKEN, FIXTURES, startKindling } from '../support/startKindling.ts';
import { waitFor } from '../support/waitFor.ts';

let kindling: Kindling | undefined;
afterEach(async () => {
  await kindling?.shutdown();
  kindling = undefined;
});

const demoPayload = () =>
  JSON.parse(parse(readFileSync(`${FIXTURES}token-workers.yaml`, 'utf8')).stringData.payload);

function raw(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving over a real socket', () => {
  it('serves the fixtures: the demo token gets the demo payload', async () => {
    ({ kindling } = await startKindling());
    expect(kindling.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${kindling.url}/ignition`, {
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(demoPayload());
    expect((await fetch(`${kindling.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${kindling.url}/healthz`)).status).toBe(200);
  });

  it('HEAD carries the Content-Length of the body it does not send; gzip arrives compressed', async () => {
    ({ kindling } = await startKindling());
    const headers = { authorization: `Bearer ${DEMO_TOKEN}` };
    const get = await raw(`${kindling.url}/ignition`, { headers });
    const head = await raw(`${kindling.url}/ignition`, { method: 'HEAD', headers });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.headers.etag).toBe(get.headers.etag);
    const url = `${kindling.url}/ignition`;
    // Gzip is made in the background: until it is, a gzip client is answered with identity, the same payload.
    const gzip = await waitFor(
      async () => {
        const answer = await raw(url, { headers: { ...headers, 'accept-encoding': 'gzip' } });
        if (answer.headers['content-encoding'] === undefined) expect(answer.body.equals(get.body)).toBe(true);
        return answer.headers['content-encoding'] === 'gzip' ? answer : undefined;
      },
      { what: 'the gzip representation' },
    );
    expect(gzip.headers['content-length']).toBe(String(gzip.body.length));
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(demoPayload());
  });

  it('the gzip fixture (spec 3.2.0, base64 data) is served decompressed, as stored', async () => {
    ({ kindling } = await startKindling());
    const response = await fetch(`${kindling.url}/ignition`, {
      headers: {
        authorization: 'Bearer 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
        accept: 'application/vnd.coreos.ignition+json;version=3.5.0, */*;q=0.1',
      },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { ignition: { version: string } }).ignition.version).toBe('3.2.0');
  });

  it('exports metrics on their own port, with no label value taken from the client', async () => {
    ({ kindling } = await startKindling());
    await fetch(`${kindling.url}/ignition`, {
      headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'user-agent': 'evil-agent-xyz' },
    });
    await fetch(`${kindling.url}/ignition-evil-path-xyz`);
    await fetch(`${kindling.url}/ignition`, { method: 'POST' });
    const text = await (await fetch(`${kindling.metricsUrl}/metrics`)).text();
    expect(text).toMatch(/kindling_http_requests_total\{route="ignition",method="GET",status="200"\} 1/);
    expect(text).toMatch(/kindling_http_requests_total\{route="other",method="GET",status="404"\} 1/);
    expect(text).toMatch(/kindling_http_requests_total\{route="ignition",method="POST",status="405"\} 1/);
    expect(text).toMatch(/kindling_http_request_duration_seconds_bucket\{le="0.001",route="ignition"\}/);
    expect(text).toMatch(/kindling_store\{kind="secrets"\} 2/);
    expect(text).toMatch(/kindling_store_bytes\{kind="payloads"\} \d+/);
    expect(text).toMatch(/kindling_source_ready 1/);
    expect(text).toMatch(/kindling_source_last_sync_timestamp_seconds \d/);
    expect(text).not.toMatch(/evil/);
    expect(text).not.toContain(DEMO_TOKEN);
    // The metrics port serves nothing else, and the payload port serves no metrics.
    expect((await fetch(`${kindling.metricsUrl}/ignition`)).status).toBe(404);
    expect((await fetch(`${kindling.url}/metrics`)).status).toBe(404);
  });

  it('rejects oversized headers without taking the process down', async () => {
    ({ kindling } = await startKindling(['--max-header-size', '8KiB']));
    const response = await raw(`${kindling.url}/ignition`, { headers: { 'x-big': 'a'.repeat(16 * 1024) } });
    expect(response.status).toBe(431);
    expect((await fetch(`${kindling.url}/healthz`)).status).toBe(200);
  });
});

describe('machine reports over real sockets', () => {
  it('POST /advertise with the demo token stores a report that the metrics port lists', async () => {
    ({ kindling } = await startKindling());
    const response = await fetch(`${kindling.url}/advertise`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEMO_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleFacts({ hostname: 'demo-node-1' })),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ machine: 'demo-node-1' });
    const listed = (await (await fetch(`${kindling.metricsUrl}/machines`)).json()) as {
      machine: string;
      pool: string;
    }[];
    expect(listed).toEqual([expect.objectContaining({ machine: 'demo-node-1', pool: 'workers' })]);
    // The payload port does not list them: machines must not read each other's facts.
    expect((await fetch(`${kindling.url}/machines`)).status).toBe(404);
  });
});

describe('requests without a body', () => {
  it('a POST with neither Content-Length nor Transfer-Encoding is answered at once, and the connection goes on', async () => {
    // node:http hands such requests over already ended (optimizeEmptyRequests): the body reader must see an
    // empty body at once rather than wait for an end that never comes.
    ({ kindling } = await startKindling(['--request-timeout', '20s']));
    const { port } = new URL(kindling.url);
    const { connect } = await import('node:net');
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk));
    socket.write(
      `POST /advertise HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEMO_TOKEN}\r\n` +
        'Content-Type: application/json\r\n\r\n',
    );
    // Well before the request timeout: an empty body is not a report.
    await waitFor(() => received.includes('ERR_BAD_REQUEST'), { timeoutMs: 5_000, what: 'the 400' });
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(received).toMatch(/keep-alive/i);
    socket.write(
      `GET /ignition HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEMO_TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once('close', resolve));
    const second = received.slice(received.indexOf('HTTP/1.1', 1));
    expect(second).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual(demoPayload());
  });
});

describe('slow clients', () => {
  it('a client that never finishes its headers gets 408 and is disconnected at --headers-timeout', async () => {
    ({ kindling } = await startKindling(['--headers-timeout', '300ms', '--request-timeout', '600ms']));
    const { port } = new URL(kindling.url);
    const { connect } = await import('node:net');
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk));
    socket.write('GET /ignition HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    // The server is unharmed.
    expect((await fetch(`${kindling.url}/healthz`)).status).toBe(200);
  });
});
