import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shareHttp1Dispatcher } from '../../src/kube/shareHttp1Dispatcher.ts';
import { ROOT } from '../deploy/kubectl.ts';
import { waitFor } from '../support/waitFor.ts';

const TLS = join(ROOT, 'test/fixtures/tls');
const ca = readFileSync(join(TLS, 'ca.crt'));

/**
 * An API server stand-in that offers HTTP/2 and HTTP/1.1 over TLS, as kube-apiserver does: it records the
 * protocol of each request and the connections opened and still open.
 */
async function startServer() {
  const requests: { version: string; path: string }[] = [];
  const sockets = new Set<Socket>();
  let opened = 0;
  const server: Http2SecureServer = createSecureServer(
    {
      allowHTTP1: true,
      cert: readFileSync(join(TLS, 'server-a.crt')),
      key: readFileSync(join(TLS, 'server-a.key')),
    },
    (req, res) => {
      requests.push({ version: req.httpVersion, path: req.url });
      if (req.url.includes('watch=true')) {
        // A watch that stays open until the client goes away.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '1' } } })}\n`,
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata: {}, items: [] }));
    },
  );
  server.on('secureConnection', (socket: Socket) => {
    opened++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    get opened() {
      return opened;
    },
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // What clients left open would hold the server up.
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function kubeConfigFor(url: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'test', server: url, caData: ca.toString('base64') }],
    users: [{ name: 'test', token: 'not-a-real-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
    currentContext: 'test',
  });
  return kubeConfig;
}

describe('shareHttp1Dispatcher', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('without it, client-node opens one HTTP/2 connection per call and leaves them open (what this guards against)', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const api = kubeConfigFor(server.url).makeApiClient(CoreV1Api);
    for (let i = 0; i < 3; i++) await api.listNamespace();
    expect(server.requests.map((r) => r.version)).toEqual(['2.0', '2.0', '2.0']);
    expect(server.opened).toBe(3);
    expect(server.open).toBe(3);
  });

  it('sends every call over HTTP/1.1 on kept-alive connections it reuses, and close() ends them', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const kubeConfig = kubeConfigFor(server.url);
    const dispatcher = shareHttp1Dispatcher(kubeConfig);
    expect(shareHttp1Dispatcher(kubeConfig)).toBe(dispatcher);
    const api = kubeConfig.makeApiClient(CoreV1Api);
    for (let i = 0; i < 10; i++) await api.listNamespace();
    expect(server.requests.map((r) => r.version)).toEqual(Array(10).fill('1.1'));
    // Reused, not one per call: undici's pool may take a second one while the first is being released.
    expect(server.opened).toBeLessThanOrEqual(2);
    await dispatcher.close();
    await waitFor(() => server.open === 0, { what: 'the connection to close' });
  });

  it("carries client-node's watches too, and close() ends one still streaming", async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const kubeConfig = kubeConfigFor(server.url);
    const dispatcher = shareHttp1Dispatcher(kubeConfig);
    let done: unknown = 'not yet';
    const events: string[] = [];
    await new Watch(kubeConfig).watch(
      '/api/v1/namespaces',
      {},
      (type) => events.push(type),
      (error) => (done = error),
    );
    await waitFor(() => events.length === 1, { what: 'the bookmark' });
    expect(server.requests).toEqual([{ version: '1.1', path: expect.stringContaining('watch=true') }]);
    await dispatcher.close();
    await waitFor(() => done !== 'not yet' && server.open === 0, { what: 'the watch to end' });
  });

  it('opens a new agent when the TLS identity changes (a rotated CA), and closes the superseded one', async () => {
    const server = await startServer();
    cleanup.push(server.close);
    const kubeConfig = kubeConfigFor(server.url);
    const dispatcher = shareHttp1Dispatcher(kubeConfig);
    cleanup.push(() => dispatcher.close());
    const api = kubeConfig.makeApiClient(CoreV1Api);
    await api.listNamespace();
    // The same CA, with a trailing newline: other bytes, so another identity, still trusted.
    const cluster = kubeConfig.getCurrentCluster();
    Object.assign(cluster ?? {}, { caData: Buffer.concat([ca, Buffer.from('\n')]).toString('base64') });
    await api.listNamespace();
    expect(server.opened).toBe(2);
    await waitFor(() => server.open === 1, { what: 'the superseded connection to close' });
  });
});
