import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResourceApi } from '../../../src/sources/kubernetes/createResourceApi.ts';
import { getJson } from '../../../src/sources/kubernetes/getJson.ts';
import { toSecretObject } from '../../../src/sources/kubernetes/toSecretObject.ts';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';

let api: FakeApiServer;
beforeEach(async () => {
  api = await startFakeApiServer();
});
afterEach(async () => {
  await api.close();
});

const listApi = (pageSize: number, fetchJson?: typeof getJson) =>
  createResourceApi({
    fetchJson,
    kubeConfig: api.kubeConfig(),
    target: { resource: 'secrets', namespace: 'ns', labelSelector: 'kindling.dev/token-secret=true' },
    toObject: toSecretObject,
    pageSize,
    watchTimeoutSeconds: 60,
    watchIdleTimeoutMs: 90_000,
  });

function putSecrets(count: number) {
  for (let i = 0; i < count; i++) {
    api.put({
      metadata: { name: `s${i}`, namespace: 'ns', labels: { 'kindling.dev/token-secret': 'true' } },
      data: { token: Buffer.from(`t${i}`).toString('base64') },
    });
  }
}

describe('createResourceApi list', () => {
  it('asks for the next page before applying the current one, and returns every item in order', async () => {
    putSecrets(5);
    let requested = 0;
    const counting: typeof getJson = (...args) => {
      requested++;
      return getJson(...args);
    };
    const seen: { names: string[]; requestedBefore: number }[] = [];
    const list = await listApi(2, counting).list(new AbortController().signal, (items) => {
      seen.push({ names: items.map((s) => s.metadata.name), requestedBefore: requested });
      return items;
    });
    expect(list.items.map((s) => s.metadata.name)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(seen.map((page) => page.names)).toEqual([['s0', 's1'], ['s2', 's3'], ['s4']]);
    // While page n is applied, page n + 1 has been asked for already; the last page asks for nothing more.
    expect(seen.map((page) => page.requestedBefore)).toEqual([2, 3, 3]);
    expect(requested).toBe(3);
    // Each page continued from the one before.
    const pages = api.requests.filter((r) => r.query.get('limit') === '2');
    expect(pages.map((r) => r.query.get('continue') !== null)).toEqual([false, true, true]);
  });

  it('a list given up while the next page is in flight leaves no unhandled rejection behind', async () => {
    putSecrets(4);
    const controller = new AbortController();
    const failing = listApi(2).list(controller.signal, () => {
      // The second page's request is in flight: it is aborted, and this page fails to apply.
      controller.abort();
      throw new Error('the sink failed');
    });
    await expect(failing).rejects.toThrow('the sink failed');
    // vitest fails the run on an unhandled rejection; give the aborted request's a turn to surface.
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('a failing next page fails the list', async () => {
    putSecrets(4);
    api.fail('list', 500, 1);
    await expect(listApi(2).list(new AbortController().signal)).rejects.toMatchObject({ statusCode: 500 });
  });
});
