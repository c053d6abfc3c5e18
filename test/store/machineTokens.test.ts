import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { isClusterObject } from '../../src/sources/ClusterObject.ts';
import { createDirectorySource } from '../../src/sources/directory/createDirectorySource.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';
import type { StoreObserver } from '../../src/store/StoreObserver.ts';
import { createSigningKey, type SigningKey } from '../../src/tokens/jws/createSigningKey.ts';
import {
  AUDIENCE,
  bootstrapToken,
  clusterInfo,
  keysSecret,
  MACHINE_NAME_TEMPLATE,
  mint,
  revocationsSecret,
  templateTokenSecret,
} from '../support/machineTokens.ts';
import { tokenSecret } from '../support/tokenSecret.ts';

const T0 = Date.parse('2026-11-21T12:00:00Z');
let key: SigningKey;

beforeAll(async () => {
  key = await createSigningKey();
});

function setup({ machineRenderingsMax }: { machineRenderingsMax?: number } = {}) {
  const events: string[] = [];
  const observer: StoreObserver = {
    renderFailed: (secret, error) => events.push(`render failed ${secret} ${error.rule}`),
    rendered: (secret, { perMachine }) => events.push(`rendered ${secret} ${perMachine === true}`),
    machineRenderFailed: (secret, machine, error) =>
      events.push(`machine render failed ${secret} ${machine} ${error.rule}`),
    poolConflict: (pool, keys) => events.push(`pool conflict ${pool} ${keys.join(',')}`),
  };
  const store = createPayloadStore({
    now: () => T0,
    machineTokenAudience: AUDIENCE,
    observer,
    ...(machineRenderingsMax === undefined ? {} : { machineRenderingsMax }),
  });
  return { store, events };
}

/** A store holding the machine-name template for pool `cp`, and its cluster data. */
function templateSetup(options: { machineRenderingsMax?: number } = {}) {
  const context = setup(options);
  context.store.cluster.upsert(clusterInfo());
  context.store.cluster.upsert(bootstrapToken());
  context.store.replace([templateTokenSecret(MACHINE_NAME_TEMPLATE, { name: 'token-cp', pool: 'cp' })]);
  const ignitionOf = (machine: string) => {
    const found = context.store.lookupPool('cp', { machine });
    if (!found.ok) throw new Error(`lookup failed: ${found.code}`);
    return found.payloads.ignition;
  };
  return { ...context, ignitionOf };
}

describe('the format the CLI writes', () => {
  it('makes the keys and revocations Secrets cluster objects, in any namespace', () => {
    expect(isClusterObject(keysSecret(key))).toBe(true);
    expect(
      isClusterObject({ ...revocationsSecret([]), metadata: { name: 'r', namespace: 'elsewhere' } }),
    ).toBe(true);
    expect(
      isClusterObject({ kind: 'Secret', type: 'Opaque', metadata: { name: 'x', namespace: 'kindling' } }),
    ).toBe(false);
  });
});

describe('lookupPool', () => {
  it("serves the pool's Secret with the machine named, and refuses a pool claimed twice", () => {
    const { store, events } = setup();
    store.replace([tokenSecret({ name: 'a', pool: 'workers' })]);
    expect(store.lookupPool('workers', { machine: 'm-1' })).toMatchObject({
      ok: true,
      role: 'machine',
      machine: 'm-1',
      secret: { name: 'a' },
    });
    expect(store.lookupPool('gpu', { machine: 'm-1' })).toEqual({ ok: false, code: 'ERR_TOKEN_UNKNOWN' });
    // A refused Secret naming the pool counts: which of the two was meant cannot be known.
    store.upsert(tokenSecret({ name: 'b', pool: 'workers', payload: '{' }));
    expect(store.lookupPool('workers', { machine: 'm-1' })).toEqual({
      ok: false,
      code: 'ERR_TOKEN_CONFLICT',
    });
    store.remove({ namespace: 'kindling', name: 'a' });
    expect(store.lookupPool('workers', { machine: 'm-1' })).toEqual({
      ok: false,
      code: 'ERR_SECRET_REFUSED',
    });
    expect(events).toEqual(['pool conflict workers kindling/a,kindling/b', 'pool conflict workers ']);
  });
});

describe('per-machine renderings', () => {
  it('are made on first request, kept, and bounded: an evicted machine renders again', () => {
    const { store, ignitionOf, events } = templateSetup({ machineRenderingsMax: 2 });
    expect(events).toContain('rendered kindling/token-cp true');
    // Nothing is held until a machine asks: the placeholder rendering is not kept.
    expect(store.stats().payloads).toBe(0);
    const a = ignitionOf('node-a');
    expect(ignitionOf('node-a')).toBe(a);
    ignitionOf('node-b');
    expect(store.stats().payloads).toBe(4);
    ignitionOf('node-c');
    // node-a was the least recent: dropped, its payloads released.
    expect(store.stats().payloads).toBe(4);
    const again = ignitionOf('node-a');
    expect(again).not.toBe(a);
    expect(again.bytes.equals(a.bytes)).toBe(true);
  });

  it('share bytes with identical renderings through the payload holder', () => {
    const { store, ignitionOf } = templateSetup();
    store.upsert(templateTokenSecret(MACHINE_NAME_TEMPLATE, { name: 'token-cp-2', pool: 'cp2' }));
    const first = ignitionOf('node-a');
    const found = store.lookupPool('cp2', { machine: 'node-a' });
    expect(found.ok && found.payloads.ignition).toBe(first);
    expect(store.stats().payloads).toBe(2);
  });

  it('render again when the cluster data they read changes', () => {
    const { store, ignitionOf } = templateSetup();
    const before = ignitionOf('node-a');
    expect(before.bytes.toString()).toMatch(/abcdef\.0123456789abcdef/);
    const rotated = bootstrapToken();
    rotated.data = { ...rotated.data, 'token-secret': Buffer.from('fedcba9876543210').toString('base64') };
    store.cluster.upsert(rotated);
    const after = ignitionOf('node-a');
    expect(after.bytes.toString()).toMatch(/abcdef\.fedcba9876543210/);
    expect(store.stats().payloads).toBe(2);
  });

  it('a machine whose name cannot be a hostname fails alone (503), logged once', () => {
    const { store, ignitionOf, events } = templateSetup();
    const long = `${'a'.repeat(60)}.example`;
    expect(store.lookupPool('cp', { machine: long })).toMatchObject({ ok: false, code: 'ERR_RENDER_FAILED' });
    expect(store.lookupPool('cp', { machine: long })).toMatchObject({ ok: false, code: 'ERR_RENDER_FAILED' });
    expect(events.filter((event) => event.startsWith('machine render failed'))).toEqual([
      `machine render failed kindling/token-cp ${long} cluster-data`,
    ]);
    expect(ignitionOf('node-a').bytes.length).toBeGreaterThan(0);
  });

  it('a template whose cluster data is missing fails when it changes, for every machine', () => {
    const { store, events } = setup();
    store.replace([templateTokenSecret(MACHINE_NAME_TEMPLATE, { name: 'token-cp', pool: 'cp' })]);
    expect(events.some((event) => event.startsWith('render failed kindling/token-cp'))).toBe(true);
    expect(store.lookupPool('cp', { machine: 'node-a' })).toMatchObject({ code: 'ERR_RENDER_FAILED' });
  });
});

describe('keys and revocations from sources', () => {
  it('any revocations Secret revokes; removing it un-revokes', async () => {
    const { store } = setup();
    store.replace([tokenSecret({ pool: 'workers' })]);
    store.cluster.replace('Secret', [keysSecret(key), revocationsSecret(['j-2'], 'more-revocations')]);
    const token = (jti: string) => mint({ key, jti, now: T0 });
    expect(await store.verifyMachineToken(await token('j-1'))).toMatchObject({ ok: true });
    expect(await store.verifyMachineToken(await token('j-2'))).toEqual({
      ok: false,
      code: 'ERR_TOKEN_REVOKED',
    });
    store.cluster.upsert(revocationsSecret(['j-1']));
    expect(await store.verifyMachineToken(await token('j-1'))).toEqual({
      ok: false,
      code: 'ERR_TOKEN_REVOKED',
    });
    store.cluster.remove({ kind: 'Secret', namespace: 'kindling', name: 'more-revocations' });
    expect(await store.verifyMachineToken(await token('j-2'))).toMatchObject({ ok: true });
    // A relist without the keys Secret: it is gone, and machine tokens wait for it.
    store.cluster.replace('Secret', [revocationsSecret(['j-1'])]);
    expect(await store.verifyMachineToken(await token('j-3'))).toEqual({
      ok: false,
      code: 'ERR_TOKEN_UNKNOWN',
    });
  });

  it('the directory source delivers keys beside the token Secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kindling-keys-'));
    const { store } = setup();
    const source = createDirectorySource({ path: dir, pollIntervalMs: 60_000 });
    try {
      await writeFile(join(dir, 'token.yaml'), stringify(tokenSecret({ pool: 'workers' })));
      await writeFile(join(dir, 'keys.yaml'), stringify({ apiVersion: 'v1', ...keysSecret(key) }));
      await source.start(store);
      const token = await mint({ key, now: T0 });
      expect(await store.verifyMachineToken(token)).toMatchObject({ ok: true, pool: 'workers' });
      expect(store.lookupPool('workers', { machine: 'worker-7' }).ok).toBe(true);
    } finally {
      await source.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
