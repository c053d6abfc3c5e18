import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeRecord,
  LABEL_REVOCATIONS,
  LABEL_VERIFICATION_KEYS,
  MACHINE_TOKENS_SECRET_TYPE,
} from '../../../src/tokens/machineRecordsFormat.ts';
import type { ClusterObject } from '../../../src/sources/ClusterObject.ts';
import { createSigningKey, type SigningKey } from '../../../src/tokens/jws/createSigningKey.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { sampleFacts } from '../../machines/sampleFacts.ts';
import { startFakeApiServer, type FakeApiServer } from '../../support/fakeApiServer.ts';
import { AUDIENCE, keysSecret, mint, revocationsSecret } from '../../support/machineTokens.ts';
import { ignitionConfig, tokenSecret } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn, type KindlingOnOptions } from './startKindlingOn.ts';

// Per-machine tokens through the kubernetes source, on the fake API server: the keys and revocations
// Secrets it watches, the first fetches it records, the reports it keeps.

let api: FakeApiServer;
let key: SigningKey;
const servers: KindlingOn[] = [];
beforeEach(async () => {
  api = await startFakeApiServer();
  key = await createSigningKey();
  api.put(tokenSecret({ name: 'workers', namespace: 'ns', payload: ignitionConfig('3.4.0', 'w') }));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await api.close();
});

async function serve(options: Partial<KindlingOnOptions> = {}) {
  const server = await startKindlingOn(api.kubeConfig(), {
    namespace: 'ns',
    recordFirstFetch: false,
    recordStatus: false,
    args: ['--server-url', AUDIENCE],
    ...options,
  });
  servers.push(server);
  return server;
}

/** As `token rotate-key` and `token revoke --machine` write them: labelled, in the server's namespace. */
const labelled = (object: ClusterObject, label: string): SecretObject => ({
  ...object,
  metadata: { ...object.metadata, namespace: 'ns', labels: { [label]: 'true' } },
});
const putKeys = () => api.put(labelled(keysSecret(key), LABEL_VERIFICATION_KEYS));

/** `kindling-machines-<pool>` as `token mint` leaves it, plus any data given. */
function putPool(pool: string, data: Record<string, string>) {
  api.put({
    type: MACHINE_TOKENS_SECRET_TYPE,
    metadata: {
      name: `kindling-machines-${pool}`,
      namespace: 'ns',
      labels: { 'kindling.dev/machine-tokens': 'true', 'kindling.dev/pool': pool },
    },
    data,
  });
}

const firstFetch = (pool: string, jti: string) => {
  const value = api.get('ns', `kindling-machines-${pool}`)?.data[`${jti}.first-fetch`];
  return value === undefined ? undefined : (JSON.parse(Buffer.from(value, 'base64').toString()) as unknown);
};
const patchesOf = (name: string) =>
  api.requests.filter((r) => r.method === 'PATCH' && r.path === `/api/v1/namespaces/ns/secrets/${name}`);

describe('per-machine tokens (kubernetes source, fake API server)', () => {
  it('watches the keys and revocations by label: keys arriving after start serve the token, a revocation refuses it', async () => {
    const server = await serve();
    await waitFor(async () => (await server.readyz()) === 200, { what: 'ready' });
    const jti = randomUUID();
    const token = await mint({ key, jti, now: Date.now() });
    expect((await server.ignition(token)).status).toBe(503);

    putKeys();
    await waitFor(async () => (await server.ignition(token)).marker === 'w', { what: 'the token served' });
    api.put(labelled(revocationsSecret([jti]), LABEL_REVOCATIONS));
    await waitFor(async () => (await server.ignition(token)).status === 403, { what: 'the token refused' });

    const selectors = api.requests
      .filter((r) => r.path === '/api/v1/namespaces/ns/secrets')
      .map((r) => r.query.get('labelSelector'));
    expect(new Set(selectors)).toEqual(
      new Set([
        'kindling.dev/token-secret=true',
        'kindling.dev/verification-keys=true',
        'kindling.dev/revocations=true',
      ]),
    );
  });

  it('lists the keys before the token Secrets apply: ready means per-machine tokens answer at once', async () => {
    putKeys();
    // A bound no loaded test machine reaches: what is shown is the order, not the bound.
    const server = await serve({ clusterDataWaitMs: 30_000 });
    await waitFor(() => server.kindling.ready, { what: 'ready' });
    expect(await server.ignition(await mint({ key, now: Date.now() }))).toEqual({ status: 200, marker: 'w' });
  });

  it('records the first fetch once per jti, off the request path; no pool Secret counts as gone', async () => {
    putKeys();
    api.put(
      tokenSecret({ name: 'lab', namespace: 'ns', pool: 'lab', payload: ignitionConfig('3.4.0', 'l') }),
    );
    const [served, earlier, unminted] = [randomUUID(), randomUUID(), randomUUID()];
    const previous = { at: '2026-11-20T10:00:00.000Z', from: '10.0.0.9' };
    putPool('workers', { [`${earlier}.first-fetch`]: encodeRecord(previous) });
    const server = await serve({ recordFirstFetch: true });
    await waitFor(() => server.kindling.ready, { what: 'ready' });
    const before = Date.now();
    const token = await mint({ key, jti: served, now: before });
    for (let i = 0; i < 3; i++) expect((await server.ignition(token)).status).toBe(200);
    const record = await waitFor(() => firstFetch('workers', served), { what: 'the record' });
    expect(record).toEqual({ at: expect.any(String), from: '127.0.0.1' });
    expect(Date.parse((record as { at: string }).at)).toBeGreaterThanOrEqual(before - 1);

    expect((await server.ignition(await mint({ key, jti: earlier, now: Date.now() }))).status).toBe(200);
    const lab = await mint({ key, jti: unminted, pool: 'lab', now: Date.now() });
    expect((await server.ignition(lab)).status).toBe(200);
    const counted = (result: string) => server.metric('kindling_first_fetch_writes_total', { result });
    await waitFor(async () => (await counted('exists')) === 1 && (await counted('gone')) === 1, {
      what: 'exists and gone counted',
    });
    expect(await server.metric('kindling_first_fetch_writes_total')).toBe(3);
    expect(firstFetch('workers', earlier)).toEqual(previous);
    expect(patchesOf('kindling-machines-workers')).toHaveLength(1);
    expect(patchesOf('kindling-machines-lab')).toHaveLength(0);
    // A token minted elsewhere is not worth a warning.
    expect(server.log.records().filter((r) => r.kind === 'first-fetch')).toEqual([]);
  });

  it('stores reports as ConfigMaps machine-<name> in the server namespace, created then patched', async () => {
    putKeys();
    const server = await serve();
    await waitFor(() => server.kindling.ready, { what: 'ready' });
    const token = await mint({ key, machine: 'worker-7', now: Date.now() });
    const advertise = (facts: object) =>
      fetch(`${server.kindling.url}/advertise`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(facts),
      });
    expect((await advertise(sampleFacts({ hostname: 'worker-7' }))).status).toBe(200);
    const stored = () => api.get('ns', 'machine-worker-7', 'configmaps');
    expect(stored()?.metadata.labels).toMatchObject({ 'kindling.dev/machine-report': 'true' });
    expect((await advertise(sampleFacts({ hostname: 'worker-7', kernel: '6.9.0' }))).status).toBe(200);
    expect(JSON.stringify(stored()?.data)).toContain('6.9.0');
    expect(
      api.requests
        .filter((r) => r.path.endsWith('/configmaps/machine-worker-7') && r.method !== 'GET')
        .map((r) => r.method),
    ).toEqual(['PATCH']);
  });
});
