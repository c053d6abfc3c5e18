import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';
import { tokenSecret } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';

// The fake must behave as ../shared/notes/kubernetes-watch.md says the real API server does; these tests pin
// each point, so the source's tests against it mean something.

let api: FakeApiServer;
beforeEach(async () => {
  api = await startFakeApiServer();
  api.kubeConfig('nobody');
});
afterEach(() => api.close());

const auth = (token = 'admin-token') => ({ authorization: `Bearer ${token}` });
const path = '/api/v1/namespaces/ns/secrets';
const selector = 'labelSelector=kindling.dev%2Ftoken-secret%3Dtrue';

interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  items: {
    kind?: string;
    apiVersion?: string;
    type: string;
    metadata: { name: string; resourceVersion: unknown };
    data: Record<string, string>;
    stringData?: unknown;
  }[];
}

const getList = async (query: string) =>
  (await (await fetch(`${api.url}${path}?${query}`, { headers: auth() })).json()) as ListBody;

interface Stream {
  status: number;
  events: { type: string; object: Record<string, unknown> & { metadata?: Record<string, unknown> } }[];
  closed: Promise<void>;
  abort(): void;
}

async function stream(query: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${api.url}${path}?watch=true&${query}`, {
    headers: auth(),
    signal: controller.signal,
  });
  const events: Stream['events'] = [];
  const closed = (async () => {
    let buffer = '';
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffer += Buffer.from(chunk).toString();
        for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
          events.push(JSON.parse(buffer.slice(0, at)));
          buffer = buffer.slice(at + 1);
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return { status: response.status, events, closed, abort: () => controller.abort() };
}

describe('fake API server (the behaviours of the notes)', () => {
  it('lists in the real shape: items without kind, string resourceVersions, stringData folded, type defaulted', async () => {
    api.put(tokenSecret({ name: 'a', namespace: 'ns', plain: true }));
    api.put({ metadata: { name: 'b', namespace: 'ns', labels: { 'kindling.dev/token-secret': 'true' } } });
    api.put(tokenSecret({ name: 'c', namespace: 'ns', labels: { 'kindling.dev/token-secret': 'false' } }));
    const list = await getList(selector);
    expect(list).toMatchObject({
      kind: 'SecretList',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.any(String) },
    });
    expect(list.items.map((item) => item.metadata.name)).toEqual(['a', 'b']);
    const [a, b] = list.items;
    expect(a?.kind).toBeUndefined();
    expect(a?.apiVersion).toBeUndefined();
    expect(typeof a?.metadata.resourceVersion).toBe('string');
    expect(a?.stringData).toBeUndefined();
    expect(Buffer.from(a?.data.payload ?? '', 'base64').toString()).toContain('"ignition"');
    expect(b?.type).toBe('Opaque');
  });

  it('pages a list with limit/continue from one snapshot; an unknown continue is 410', async () => {
    for (const name of ['a', 'b', 'c']) api.put(tokenSecret({ name, namespace: 'ns' }));
    const first = await getList('limit=2');
    expect(first.items).toHaveLength(2);
    api.put(tokenSecret({ name: 'd', namespace: 'ns' }));
    const second = await getList(`limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`);
    expect(second.items.map((item) => item.metadata.name)).toEqual(['c']);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect((await fetch(`${api.url}${path}?limit=2&continue=gone:2`, { headers: auth() })).status).toBe(410);
  });

  it('one resourceVersion counter for everything: it jumps with unrelated writes', async () => {
    const first = Number(api.put(tokenSecret({ name: 'a', namespace: 'ns' })));
    api.bumpResourceVersion(7);
    expect(Number(api.put(tokenSecret({ name: 'b', namespace: 'ns' })))).toBe(first + 8);
  });

  it('a watch sends only newer changes; DELETED carries a new resourceVersion; a no-op update sends nothing', async () => {
    const secret = tokenSecret({ name: 'a', namespace: 'ns' });
    const from = api.put(secret);
    const watch = await stream(`resourceVersion=${from}&${selector}`);
    expect(watch.status).toBe(200);
    expect(api.put(secret)).toBe(from);
    api.put({ ...secret, metadata: { ...secret.metadata, annotations: { x: 'y' } } });
    api.remove('ns', 'a');
    await waitFor(() => watch.events.length === 2, { what: 'two events' });
    expect(watch.events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(watch.events[0]?.object).toMatchObject({ kind: 'Secret', apiVersion: 'v1' });
    const [modified, deleted] = watch.events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect(deleted).toBeGreaterThan(modified ?? Infinity);
    watch.abort();
  });

  it('from "", "0" or unset, a watch first sends a synthetic ADDED per existing object', async () => {
    api.put(tokenSecret({ name: 'a', namespace: 'ns' }));
    api.put(tokenSecret({ name: 'b', namespace: 'ns' }));
    for (const query of ['resourceVersion=0', 'resourceVersion=', selector]) {
      const watch = await stream(query);
      await waitFor(() => watch.events.length === 2, { what: `synthetic events for ${query}` });
      expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
      watch.abort();
    }
  });

  it('ends a watch cleanly at timeoutSeconds; a bookmark only when asked for', async () => {
    const from = api.put(tokenSecret({ name: 'a', namespace: 'ns' }));
    const plain = await stream(`resourceVersion=${from}&timeoutSeconds=1`);
    const bookmarked = await stream(`resourceVersion=${from}&timeoutSeconds=1&allowWatchBookmarks=true`);
    await Promise.all([plain.closed, bookmarked.closed]);
    expect(plain.events).toEqual([]);
    expect(bookmarked.events).toEqual([
      { type: 'BOOKMARK', object: { kind: 'Secret', apiVersion: 'v1', metadata: { resourceVersion: from } } },
    ]);
  });

  it('a too old resourceVersion is HTTP 200, then one ERROR 410 event, then the end of the stream', async () => {
    const from = api.put(tokenSecret({ name: 'a', namespace: 'ns' }));
    api.put(tokenSecret({ name: 'b', namespace: 'ns' }));
    api.compact();
    const watch = await stream(`resourceVersion=${from}`);
    await watch.closed;
    expect(watch.status).toBe(200);
    expect(watch.events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) },
    ]);
  });

  it('401 without a known token and 403 without the permission, both as Status JSON', async () => {
    const unauthorized = await fetch(`${api.url}${path}`, { headers: auth('wrong') });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ kind: 'Status', code: 401 });
    const forbidden = await fetch(`${api.url}${path}`, { headers: auth('nobody-token') });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { message: string }).message).toBe(
      'secrets is forbidden: User "nobody" cannot list resource "secrets" in API group "" in the namespace "ns"',
    );
    api.grant('nobody', ['list'], 'ns');
    expect((await fetch(`${api.url}${path}`, { headers: auth('nobody-token') })).status).toBe(200);
  });

  it('drops connections mid-stream, refuses connections while stopped, and can stall a stream', async () => {
    const watch = await stream('resourceVersion=1');
    api.dropConnections();
    await watch.closed;
    await api.stop();
    await expect(fetch(`${api.url}${path}`, { headers: auth() })).rejects.toThrow();
    await api.start();
    expect((await fetch(`${api.url}${path}`, { headers: auth() })).status).toBe(200);
    const from = api.put(tokenSecret({ name: 'a', namespace: 'ns' }));
    const open = await stream(`resourceVersion=${from}&timeoutSeconds=1`);
    api.stallOpenWatches();
    api.stall(['watch']);
    const stalled = await stream(`resourceVersion=${from}&timeoutSeconds=1`);
    api.put(tokenSecret({ name: 'b', namespace: 'ns' }));
    // Past the timeoutSeconds both would have ended at: neither did, neither sent anything.
    const outcome = await Promise.race([
      Promise.race([open.closed, stalled.closed]).then(() => 'ended'),
      new Promise((resolve) => setTimeout(resolve, 1_500, 'still open')),
    ]);
    expect(outcome).toBe('still open');
    expect([open.events, stalled.events]).toEqual([[], []]);
    open.abort();
    stalled.abort();
  });
});
