import { describe, expect, it } from 'vitest';
import { createClusterApi } from '../../../src/cli/token/kube/createClusterApi.ts';
import { KubeCallError } from '../../../src/cli/token/kube/KubeCallError.ts';
import type { KubeRequest, KubeResponse } from '../../../src/kube/KubeApi.ts';

const SERVER = 'https://k8s.example:6443';

/** The commands' calls over a raw client that answers `answer` and records what was asked. */
function cluster(answer: (request: KubeRequest) => KubeResponse | Error) {
  const asked: KubeRequest[] = [];
  const api = createClusterApi({
    server: SERVER,
    api: {
      request: async (request) => {
        asked.push(request);
        const response = answer(request);
        if (response instanceof Error) throw response;
        return response;
      },
    },
  });
  return { api, asked };
}

const status = (code: number, message: string): KubeResponse => ({
  status: code,
  body: { kind: 'Status', code, message },
});

async function failure(run: Promise<unknown>): Promise<KubeCallError> {
  const error: unknown = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KubeCallError);
  return error as KubeCallError;
}

describe('createClusterApi (the token commands over the raw client)', () => {
  it('asks what client-node asked: paths, label selector, merge patch', async () => {
    const { api, asked } = cluster(() => ({
      status: 200,
      body: { items: [], metadata: { name: 's', creationTimestamp: '2026-01-02T03:04:05Z' } },
    }));
    await api.listSecrets('kindling', 'kindling.dev/token-secret=true');
    await api.patchSecret({ namespace: 'kindling', name: 'token-w' }, { data: { a: null } });
    const created = await api.createSecret({ metadata: { name: 'token-w', namespace: 'kindling' } });
    await api.createNamespace('kindling-keys');
    expect(asked).toEqual([
      {
        method: 'GET',
        path: '/api/v1/namespaces/kindling/secrets',
        query: { labelSelector: 'kindling.dev/token-secret=true' },
      },
      {
        method: 'PATCH',
        path: '/api/v1/namespaces/kindling/secrets/token-w',
        body: { data: { a: null } },
        contentType: 'application/merge-patch+json',
      },
      {
        method: 'POST',
        path: '/api/v1/namespaces/kindling/secrets',
        body: { metadata: { name: 'token-w', namespace: 'kindling' }, apiVersion: 'v1', kind: 'Secret' },
      },
      { method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: 'kindling-keys' } } },
    ]);
    expect(created.metadata.creationTimestamp).toBe('2026-01-02T03:04:05.000Z');
  });

  it('reads a 404 as "not there" where the call allows it', async () => {
    const { api } = cluster(() => status(404, 'not found'));
    expect(await api.getSecret({ namespace: 'kindling', name: 'x' })).toBeUndefined();
    expect(await api.deleteSecret({ namespace: 'kindling', name: 'x' })).toBe(false);
    expect(await api.namespaceExists('x')).toBe(false);
    expect(await api.getConfigMapData({ namespace: 'kube-public', name: 'cluster-info' })).toBeUndefined();
  });

  it('names verb, object and namespace of a failure, as an operator fixes it', async () => {
    const refused = await failure(cluster(() => status(403, 'nope')).api.listSecrets('kindling', 'a=b'));
    expect(refused).toMatchObject({ status: 403, exitCode: 1 });
    expect(refused.message).toBe(
      'forbidden: cannot list secrets in namespace "kindling"; your credentials need "list" on secrets in namespace "kindling" (API server: nope)',
    );
    const conflict = await failure(
      cluster(() => status(409, 'changed')).api.patchSecret({ namespace: 'kindling', name: 'token-w' }, {}),
    );
    expect(conflict.message).toBe(
      'secrets "token-w" in namespace "kindling" was changed by someone else while this command ran (409 Conflict); run the command again (API server: changed)',
    );
    const unauthorized = await failure(cluster(() => status(401, 'no')).api.createNamespace('keys'));
    expect(unauthorized.message).toBe(
      `the API server at ${SERVER} rejected the credentials (401 Unauthorized); check the kubeconfig`,
    );
    const down = await failure(
      cluster(() => Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).api.namespaceExists(
        'keys',
      ),
    );
    expect(down).toMatchObject({ status: undefined });
    expect(down.message).toBe(
      `cannot reach the API server at ${SERVER} to get namespaces "keys": ECONNREFUSED`,
    );
    const slow = await failure(
      cluster(() =>
        Object.assign(new Error('aborted'), {
          name: 'AbortError',
          cause: new DOMException('t', 'TimeoutError'),
        }),
      ).api.getSecret({ namespace: 'kindling', name: 'x' }),
    );
    expect(slow.message).toBe(
      `get secrets "x" in namespace "kindling": the API server at ${SERVER} did not answer in time`,
    );
  });
});
