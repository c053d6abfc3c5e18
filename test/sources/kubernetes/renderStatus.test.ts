import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/tokens/hashToken.ts';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn, type KindlingOnOptions } from './startKindlingOn.ts';
import {
  bootstrapToken,
  clusterInfo,
  getIgnition,
  rotatedBootstrapToken,
  sha256,
  templateSecret,
} from './templateFixtures.ts';

// Render status written back on template Secrets, against the fake API server.

const STATUS = 'kindling.dev/render-status';
const HASH = 'kindling.dev/config-hash';

let api: FakeApiServer;
const servers: KindlingOn[] = [];
beforeEach(async () => {
  api = await startFakeApiServer();
  api.put(clusterInfo());
  api.put(bootstrapToken());
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await api.close();
});

async function serve(options: Partial<KindlingOnOptions> = {}) {
  const server = await startKindlingOn(api.kubeConfig(), {
    namespace: 'ns',
    recordFirstFetch: false,
    ...options,
  });
  servers.push(server);
  return server;
}

const annotations = (name = 'token-workers') => api.get('ns', name)?.metadata.annotations ?? {};
const statusIs = (expected: string | RegExp, name?: string) =>
  waitFor(
    () => {
      const status = annotations(name)[STATUS];
      return typeof expected === 'string' ? status === expected : expected.test(status ?? '');
    },
    { what: `render status ${String(expected)}` },
  );
const patches = () => api.requests.filter((r) => r.method === 'PATCH');

describe('render status (fake API server)', () => {
  it('writes ok with the hash of the bytes served; failed, without a hash, while the template cannot render', async () => {
    const token = randomUUID();
    api.put(templateSecret({ namespace: 'ns', token }));
    const server = await serve();
    await statusIs('ok');
    const served = await getIgnition(server.kindling.url, token);
    expect(annotations()[HASH]).toBe(sha256(served.body));

    api.put(rotatedBootstrapToken());
    await waitFor(async () => annotations()[HASH] !== sha256(served.body), { what: 'a new hash' });
    expect(annotations()[HASH]).toBe(sha256((await getIgnition(server.kindling.url, token)).body));

    api.remove('kube-system', 'bootstrap-token-abcdef');
    await statusIs(
      'failed: render-cluster-data: bootstrapToken: not supplied from the Secret bootstrap-token-abcdef',
    );
    expect(annotations()[HASH]).toBeUndefined();
    expect((await getIgnition(server.kindling.url, token)).status).toBe(503);
    expect(await server.metric('kindling_render_status_writes_total', { result: 'written' })).toBe(3);
  });

  it('writes once: its own write, a relist and another annotation change bring no second write', async () => {
    const token = randomUUID();
    api.put(templateSecret({ namespace: 'ns', token }));
    const server = await serve({ relistIntervalMs: 300 });
    await statusIs('ok');
    const listed = () => server.log.records().filter((r) => r.msg === 'token secrets listed').length;
    await waitFor(() => listed() >= 3, { what: 'two relists' });
    const secret = api.get('ns', 'token-workers') as NonNullable<ReturnType<typeof api.get>>;
    api.put({
      ...secret,
      metadata: { ...secret.metadata, annotations: { ...annotations(), 'example.com/note': 'x' } },
    });
    await waitFor(() => listed() >= 5, { what: 'two more relists' });
    expect(patches()).toHaveLength(1);
  });

  it('a refused template says why; fixed, it says ok', async () => {
    const token = randomUUID();
    api.put(
      templateSecret({
        namespace: 'ns',
        token,
        template: 'apiVersion: kindling.dev/v1\nkind: NodeTemplate\nclustr: {}\n',
      }),
    );
    await serve();
    await statusIs(/^failed: template-schema: template/);
    expect(annotations()[STATUS]).not.toMatch(/\n/);
    expect(annotations()[HASH]).toBeUndefined();
    api.put(templateSecret({ namespace: 'ns', token }));
    await statusIs('ok');
  });

  it('two replicas: one write between them, the other sees it', async () => {
    const token = randomUUID();
    api.put(templateSecret({ namespace: 'ns', token }));
    const [one, two] = [await serve(), await serve()];
    await statusIs('ok');
    const version = (server: KindlingOn) => {
      const found = server.kindling.store.lookup(hashToken(token));
      return found.ok ? found.secret.resourceVersion : undefined;
    };
    // Both stores have judged the version that carries the status: whatever either does next, it knows.
    const latest = api.get('ns', 'token-workers')?.metadata.resourceVersion;
    await waitFor(() => version(one) === latest && version(two) === latest, {
      what: 'both replicas current',
    });
    const written = async () =>
      (await one.metric('kindling_render_status_writes_total', { result: 'written' })) +
      (await two.metric('kindling_render_status_writes_total', { result: 'written' }));
    expect(await written()).toBe(1);
    expect(api.get('ns', 'token-workers')?.metadata.resourceVersion).toBe(latest);
  });

  it('--record-status=false writes nothing', async () => {
    const token = randomUUID();
    api.put(templateSecret({ namespace: 'ns', token }));
    const server = await serve({ recordStatus: false });
    await waitFor(async () => (await getIgnition(server.kindling.url, token)).status === 200, {
      what: '200',
    });
    expect(patches()).toEqual([]);
  });
});
