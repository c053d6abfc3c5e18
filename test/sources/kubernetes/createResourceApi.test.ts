import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResourceApi } from '../../../src/sources/kubernetes/createResourceApi.ts';
import { getApiPage } from '../../../src/sources/kubernetes/getApiPage.ts';
import { decodeSecretList } from '../../../src/sources/kubernetes/protobuf/decodeSecretList.ts';
import { PROTOBUF_MEDIA_TYPE } from '../../../src/sources/kubernetes/protobuf/unwrapEnvelope.ts';
import { toSecretObject } from '../../../src/sources/kubernetes/toSecretObject.ts';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';
import { entry, envelope, type Field } from '../../support/protobufWriter.ts';

let api: FakeApiServer;
beforeEach(async () => {
  api = await startFakeApiServer();
});
afterEach(async () => {
  await api.close();
});

const listApi = (pageSize: number, fetchPage?: typeof getApiPage) =>
  createResourceApi({
    fetchPage,
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
    const counting: typeof getApiPage = (...args) => {
      requested++;
      return getApiPage(...args);
    };
    const seen: { names: string[]; requestedBefore: number }[] = [];
    const list = await listApi(2, counting).list(new AbortController().signal, (items) => {
      seen.push({ names: items.map((s) => s.metadata.name), requestedBefore: requested });
      return items;
    });
    expect(list.items.map((s) => s.metadata.name)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    // Applied one item at a time, in order.
    expect(seen.map((call) => call.names)).toEqual([['s0'], ['s1'], ['s2'], ['s3'], ['s4']]);
    // While page n is applied, page n + 1 has been asked for already; the last page asks for nothing more.
    expect(seen.map((call) => call.requestedBefore)).toEqual([2, 2, 3, 3, 3]);
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

  it('reads protobuf pages into one reused buffer; what each item keeps is its own copy', async () => {
    // Three pages of two Secrets each, served as protobuf by a fetchPage that writes into the list's buffer.
    const page = (index: number) =>
      envelope('SecretList', [
        { n: 1, bytes: [{ n: 2, bytes: '7' }, ...(index < 2 ? [{ n: 3, bytes: `page-${index + 1}` }] : [])] },
        ...[0, 1].map((j): Field => {
          const name = `s${index * 2 + j}`;
          return {
            n: 2,
            bytes: [{ n: 1, bytes: [{ n: 1, bytes: name }] }, entry(2, 'token', `value-of-${name}`)],
          };
        }),
      ]);
    const buffers = new Set<unknown>();
    const accepts: string[] = [];
    const protobufPages: typeof getApiPage = async (_kubeConfig, path, _signal, options) => {
      const into = options?.into;
      if (!into) throw new Error('the list gave no buffer');
      buffers.add(into);
      accepts.push(options.accept ?? '');
      const index = Number(new URL(path, 'http://x').searchParams.get('continue')?.slice(5) ?? 0);
      into.reset();
      into.append(page(index));
      return { contentType: PROTOBUF_MEDIA_TYPE, body: into.view() };
    };
    const list = await createResourceApi({
      fetchPage: protobufPages,
      decodeProtobuf: decodeSecretList,
      kubeConfig: api.kubeConfig(),
      target: { resource: 'secrets', namespace: 'ns' },
      toObject: toSecretObject,
      watchTimeoutSeconds: 60,
      watchIdleTimeoutMs: 90_000,
    }).list(new AbortController().signal, (items) => items);
    expect(buffers.size).toBe(1);
    expect(accepts[0]).toBe(`${PROTOBUF_MEDIA_TYPE}, application/json;q=0.9`);
    expect(list.resourceVersion).toBe('7');
    expect(
      list.items.map((s) => `${s.metadata.name}=${Buffer.from(s.dataBytes?.token ?? []).toString()}`),
    ).toEqual(['s0', 's1', 's2', 's3', 's4', 's5'].map((name) => `${name}=value-of-${name}`));
  });

  it('asks for JSON only when it cannot read protobuf, and reads JSON when the server answers so', async () => {
    putSecrets(3);
    const accepts: string[] = [];
    const recording: typeof getApiPage = (kubeConfig, path, signal, options) => {
      accepts.push(options?.accept ?? '');
      return getApiPage(kubeConfig, path, signal, options);
    };
    const plain = await listApi(2, recording).list(new AbortController().signal);
    expect(accepts).toEqual(['application/json', 'application/json']);
    // A server that does not offer protobuf (the fake API server) answers JSON to a list that asks for both.
    const both = await createResourceApi({
      fetchPage: recording,
      decodeProtobuf: decodeSecretList,
      kubeConfig: api.kubeConfig(),
      target: { resource: 'secrets', namespace: 'ns', labelSelector: 'kindling.dev/token-secret=true' },
      toObject: toSecretObject,
      pageSize: 2,
      watchTimeoutSeconds: 60,
      watchIdleTimeoutMs: 90_000,
    }).list(new AbortController().signal);
    expect(accepts.slice(2)).toEqual([
      `${PROTOBUF_MEDIA_TYPE}, application/json;q=0.9`,
      `${PROTOBUF_MEDIA_TYPE}, application/json;q=0.9`,
    ]);
    expect(both.items.map((s) => s.metadata.name)).toEqual(plain.items.map((s) => s.metadata.name));
    expect(both.items.map((s) => s.data?.token)).toEqual(['dDA=', 'dDE=', 'dDI=']);
  });
});
