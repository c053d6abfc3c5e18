import { KubeConfig } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, hashToken } from '../../../src/tokens/hashToken.ts';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';
import { ignitionConfig, tokenSecret, type TokenSecretInit } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn, type KindlingOnOptions } from './startKindlingOn.ts';

// The source against the in-process fake API server, through client-node and a whole kindling server.

let api: FakeApiServer;
const servers: KindlingOn[] = [];

beforeEach(async () => {
  api = await startFakeApiServer();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await api.close();
});

async function serve(options: Partial<KindlingOnOptions> & { user?: string; kubeConfig?: KubeConfig } = {}) {
  const { user = 'admin', kubeConfig = api.kubeConfig(user), ...rest } = options;
  const server = await startKindlingOn(kubeConfig, { namespace: 'ns', recordFirstFetch: false, ...rest });
  servers.push(server);
  return server;
}

const put = (init: TokenSecretInit & { marker?: string }) =>
  api.put(tokenSecret({ namespace: 'ns', ...init, payload: ignitionConfig('3.4.0', init.marker ?? 'one') }));

const serves = (server: KindlingOn, token: string, marker: string, what = `${marker} served`) =>
  waitFor(async () => (await server.ignition(token)).marker === marker, { what });
const answers = (server: KindlingOn, token: string, status: number, what = `HTTP ${status}`) =>
  waitFor(async () => (await server.ignition(token)).status === status, { what });
// The token Secrets' requests, not those of the cluster data watches beside them.
const TOKEN_SECRETS = '/api/v1/namespaces/ns/secrets';
const ofTokenSecrets = (record: Record<string, unknown>) => record.watch === 'token secrets';

describe('kubernetes source (fake API server)', () => {
  it('is not ready until the first list is applied, then follows create, update, rotation and delete', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    put({ name: 'a', token: a });
    api.fail('list', 500, 2, 'ns');
    const server = await serve();
    expect(await server.readyz()).toBe(503);
    await waitFor(async () => (await server.readyz()) === 200, { what: 'ready' });
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });

    put({ name: 'b', token: b, marker: 'created' });
    await serves(server, b, 'created');
    put({ name: 'b', token: b, marker: 'updated' });
    await serves(server, b, 'updated');
    put({ name: 'b', token: c, previousToken: b, marker: 'rotated' });
    await serves(server, c, 'rotated');
    expect(await server.ignition(b)).toEqual({ status: 200, marker: 'rotated' });
    put({
      name: 'b',
      token: c,
      previousToken: b,
      marker: 'rotated',
      annotations: { 'kindling.dev/previous-token-expires-at': '2020-01-01T00:00:00Z' },
    });
    await answers(server, b, 403, 'the previous token expired');
    api.remove('ns', 'b');
    await answers(server, c, 403, 'the deleted token revoked');
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
  });

  it('selects on the label: a Secret that loses it stops being served (a filtered watch sends DELETED)', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    put({ name: 'a', token: a });
    put({ name: 'b', token: b, labels: { 'kindling.dev/token-secret': 'false' } });
    const server = await serve();
    await serves(server, a, 'one');
    expect((await server.ignition(b)).status).toBe(503);
    put({ name: 'a', token: a, labels: { 'kindling.dev/token-secret': 'no' } });
    await answers(server, a, 403);
  });

  it('lists in pages, watches with bookmarks and a server timeout, and re-watches from the bookmark', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) put({ name, token: randomUUID() });
    await serve({ pageSize: 2, watchIdleTimeoutMs: 1_500 });
    // Not the per-machine tokens' keys and revocations, watched in the same namespace by other labels.
    const tokenSecrets = () =>
      api.requests.filter(
        (r) => r.path === TOKEN_SECRETS && r.query.get('labelSelector') === 'kindling.dev/token-secret=true',
      );
    const lists = () => tokenSecrets().filter((r) => r.query.get('watch') !== 'true');
    const watches = () => tokenSecrets().filter((r) => r.query.get('watch') === 'true');
    await waitFor(() => watches().length >= 1, { what: 'a watch' });
    expect(lists().map((r) => [r.query.get('limit'), r.query.get('continue') !== null])).toEqual([
      ['2', false],
      ['2', true],
      ['2', true],
    ]);
    const [first] = watches();
    expect(first?.query.get('allowWatchBookmarks')).toBe('true');
    expect(first?.query.get('timeoutSeconds')).toBe('1');
    expect(first?.query.get('labelSelector')).toBe('kindling.dev/token-secret=true');
    api.bumpResourceVersion(50);
    await waitFor(() => watches().length >= 2, { what: 'the re-watch after the server timeout' });
    expect(watches()[1]?.query.get('resourceVersion')).toBe(
      String(Number(first?.query.get('resourceVersion')) + 50),
    );
    expect(lists()).toHaveLength(3);
  });

  it('survives an API server restart: keeps serving and ready, then serves changes made after it within 5 s', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    put({ name: 'a', token: a });
    put({ name: 'b', token: b });
    const server = await serve();
    await serves(server, a, 'one');
    await api.stop();
    await waitFor(async () => (await server.metric('kindling_source_reconnects_total')) >= 4, {
      what: 'several failed reconnects',
      timeoutMs: 10_000,
    });
    expect(await server.readyz()).toBe(200);
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
    expect(
      await server.metric('kindling_source_errors_total', { kind: 'unreachable' }),
    ).toBeGreaterThanOrEqual(4);
    await api.start();
    const changedAt = Date.now();
    put({ name: 'a', token: a, marker: 'after restart' });
    api.remove('ns', 'b');
    await serves(server, a, 'after restart');
    await answers(server, b, 403);
    expect(Date.now() - changedAt).toBeLessThan(5_000);
    expect(await server.metric('kindling_source_staleness_seconds')).toBeLessThan(5);
  });

  it('catches up after a cut connection, by replaying the watch or, when history is gone, by relisting', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    put({ name: 'a', token: a });
    put({ name: 'b', token: b });
    const server = await serve();
    await serves(server, a, 'one');
    api.dropConnections();
    put({ name: 'a', token: a, marker: 'replayed' });
    await serves(server, a, 'replayed');
    api.dropConnections();
    api.remove('ns', 'b');
    put({ name: 'c', token: c });
    api.compact();
    await answers(server, b, 403, 'b, deleted while disconnected, revoked');
    await serves(server, c, 'one');
    const expired = server.log.records().filter((r) => r.kind === 'expired' && ofTokenSecrets(r));
    expect(expired).toHaveLength(1);
    expect(await server.metric('kindling_source_reconnects_total')).toBeGreaterThanOrEqual(2);
  });

  it('restarts a watch that went silent (a cut without FIN or RST) after the idle limit, and catches up', async () => {
    const a = randomUUID();
    put({ name: 'a', token: a });
    const server = await serve({ watchIdleTimeoutMs: 3_000 });
    await serves(server, a, 'one');
    api.stallOpenWatches();
    put({ name: 'a', token: a, marker: 'during the cut' });
    await serves(server, a, 'during the cut', 'the change, after the idle restart');
    const idle = server.log.records().filter((r) => r.kind === 'idle' && ofTokenSecrets(r));
    expect(idle).toHaveLength(1);
  });

  it('repairs what the watch missed at the periodic relist', async () => {
    const a = randomUUID();
    put({ name: 'a', token: a });
    const server = await serve({ relistIntervalMs: 1_000 });
    await serves(server, a, 'one');
    api.put(
      tokenSecret({ name: 'a', namespace: 'ns', token: a, payload: ignitionConfig('3.4.0', 'missed') }),
      {
        missed: true,
      },
    );
    await serves(server, a, 'missed', 'the missed change, after a relist');
  });

  it('without RBAC permission: not ready, one clear log line naming verb, resource and namespace; ready once granted', async () => {
    const a = randomUUID();
    put({ name: 'a', token: a });
    const server = await serve({ user: 'kindling' });
    const denied = () => api.requests.filter((r) => r.path === TOKEN_SECRETS && r.user === 'kindling');
    await waitFor(() => denied().length >= 3, { what: 'three list attempts' });
    expect(await server.readyz()).toBe(503);
    expect(server.kindling.ready).toBe(false);
    const lines = server.log.records().filter((r) => r.kind === 'forbidden' && ofTokenSecrets(r));
    expect(lines.map((r) => r.msg)).toEqual([
      'missing RBAC permission: cannot list secrets in namespace "ns"; grant get, list and watch on secrets with a Role and RoleBinding in namespace "ns" (API server: secrets is forbidden: User "kindling" cannot list resource "secrets" in API group "" in the namespace "ns")',
    ]);
    expect(await server.metric('kindling_source_errors_total', { kind: 'forbidden' })).toBeGreaterThanOrEqual(
      3,
    );
    api.grant('kindling', ['list', 'watch'], 'ns');
    await waitFor(async () => (await server.readyz()) === 200, { what: 'ready once granted' });
    expect(await server.ignition(a)).toEqual({ status: 200, marker: 'one' });
    expect(
      server.log.records().some((r) => r.msg === 'kubernetes source recovered' && ofTokenSecrets(r)),
    ).toBe(true);
  });

  it('names a 401 as rejected credentials', async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'fake', server: api.url, skipTLSVerify: true }],
      users: [{ name: 'stranger', token: 'not-a-known-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'stranger' }],
      currentContext: 'fake',
    });
    const server = await serve({ kubeConfig });
    // The token Secrets' own line: the source's other lists (cluster data) may be refused first.
    await waitFor(() => server.log.records().some((r) => r.kind === 'unauthorized' && ofTokenSecrets(r)), {
      what: "the token Secrets' 401 log line",
    });
    expect(server.log.records().find((r) => r.kind === 'unauthorized' && ofTokenSecrets(r))?.msg).toMatch(
      /^the API server rejected the credentials \(401 Unauthorized\) to list secrets in namespace "ns"/,
    );
    expect(await server.readyz()).toBe(503);
  });

  it('two replicas watch on their own: each serves, whichever the other is doing', async () => {
    const a = randomUUID();
    put({ name: 'a', token: a });
    const [one, two] = [await serve(), await serve()];
    await Promise.all([serves(one, a, 'one'), serves(two, a, 'one')]);
    await one.stop();
    put({ name: 'a', token: a, marker: 'two' });
    await serves(two, a, 'two');
  });

  it('leaves no watch open after shutdown', async () => {
    put({ name: 'a', token: randomUUID() });
    const server = await serve();
    // The token Secrets', cluster-info's, the bootstrap-token Secrets', the verification keys' and the
    // revocations'.
    await waitFor(() => api.openWatches() === 5, { what: 'the watches' });
    await server.stop();
    await waitFor(() => api.openWatches() === 0, { what: 'the watch closed' });
  });
});

describe('first-fetch record (fake API server)', () => {
  const annotations = (name: string) => api.get('ns', name)?.metadata.annotations ?? {};

  it('annotates the Secret once per token, off the request path, with the time, address and token fingerprint', async () => {
    const [a, rotated] = [randomUUID(), randomUUID()];
    put({ name: 'a', token: a });
    const server = await serve({ recordFirstFetch: true });
    const before = Date.now();
    await serves(server, a, 'one');
    await waitFor(() => annotations('a')['kindling.dev/first-fetch-at'], { what: 'the annotation' });
    expect(annotations('a')).toMatchObject({
      'kindling.dev/first-fetch-from': '127.0.0.1',
      'kindling.dev/first-fetch-token': fingerprint(hashToken(a)),
    });
    expect(Date.parse(annotations('a')['kindling.dev/first-fetch-at'] ?? '')).toBeGreaterThanOrEqual(
      before - 1,
    );
    for (let i = 0; i < 3; i++) expect((await server.ignition(a)).status).toBe(200);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);

    put({ name: 'a', token: rotated, previousToken: a, annotations: annotations('a') });
    await serves(server, rotated, 'one');
    await waitFor(
      () => annotations('a')['kindling.dev/first-fetch-token'] === fingerprint(hashToken(rotated)),
      {
        what: 'the rotated token recorded',
      },
    );
    await waitFor(
      async () => (await server.metric('kindling_first_fetch_writes_total', { result: 'written' })) === 2,
      {
        what: 'two records counted',
      },
    );
    expect(await server.metric('kindling_first_fetch_writes_total')).toBe(2);
  });

  it('a replica that sees the record another wrote does not write it again', async () => {
    const a = randomUUID();
    put({ name: 'a', token: a });
    const [one, two] = [await serve({ recordFirstFetch: true }), await serve({ recordFirstFetch: true })];
    await serves(one, a, 'one');
    await waitFor(() => annotations('a')['kindling.dev/first-fetch-at'], { what: 'the first record' });
    const recordedAt = annotations('a')['kindling.dev/first-fetch-at'];
    await waitFor(
      async () =>
        (await two.ignition(a)).status === 200 &&
        (await two.metric('kindling_first_fetch_writes_total')) === 1,
      {
        what: "the second replica's outcome",
      },
    );
    expect(await two.metric('kindling_first_fetch_writes_total', { result: 'exists' })).toBe(1);
    expect(annotations('a')['kindling.dev/first-fetch-at']).toBe(recordedAt);
  });

  it('a write that fails (no patch permission) is logged once and counted, and the answers stay 200', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    put({ name: 'a', token: a });
    put({ name: 'b', token: b });
    api.grant('reader', ['list', 'watch', 'get'], 'ns');
    const server = await serve({ user: 'reader', recordFirstFetch: true });
    await serves(server, a, 'one');
    expect((await server.ignition(b)).status).toBe(200);
    await waitFor(
      async () => (await server.metric('kindling_first_fetch_writes_total', { result: 'failed' })) === 2,
      {
        what: 'two failed writes',
      },
    );
    const lines = server.log.records().filter((r) => r.kind === 'first-fetch');
    expect(lines.map((r) => r.msg)).toEqual([
      expect.stringMatching(
        /^cannot record the first fetch: missing RBAC permission: cannot patch secrets in namespace "ns"; grant patch on secrets/,
      ),
    ]);
    expect(annotations('a')['kindling.dev/first-fetch-at']).toBeUndefined();
    expect((await server.ignition(a)).status).toBe(200);
  });
});
