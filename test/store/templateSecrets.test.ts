import { randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createApp } from '../../src/http/createApp.ts';
import { createDirectorySource } from '../../src/sources/directory/createDirectorySource.ts';
import type { ClusterObject } from '../../src/sources/ClusterObject.ts';
import { createPayloadStore } from '../../src/store/createPayloadStore.ts';
import { captureLogger } from '../support/captureLogger.ts';
import { tokenSecret } from '../support/tokenSecret.ts';
import { waitFor } from '../support/waitFor.ts';

const TEMPLATES = new URL('../../fixtures/templates/', import.meta.url).pathname;
const read = (file: string) => readFileSync(join(TEMPLATES, file), 'utf8');
const clusterInfo = parse(read('cluster/cluster-info.yaml')) as ClusterObject;
const bootstrapToken = parse(read('cluster/bootstrap-token-abcdef.yaml')) as ClusterObject;

function templateSecret(token: string, template = read('worker.yaml')) {
  const secret = tokenSecret({ token });
  delete secret.data!.payload;
  secret.stringData = { template };
  return secret;
}

function setup() {
  const events: string[] = [];
  const store = createPayloadStore({
    observer: {
      renderFailed: (key, error) => events.push(`failed ${key} ${error.code} ${error.rule}`),
      secretRefused: (key, error) => events.push(`refused ${key} ${error.rule}`),
    },
  });
  const app = createApp({ store, logger: captureLogger().logger, remoteAddress: () => '192.0.2.1' });
  const get = (path: string, token: string) =>
    app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { store, app, get, events };
}

describe('template Secrets', () => {
  it('render into the golden Ignition and #cloud-config once their cluster data is there', async () => {
    const { store, get, events } = setup();
    const token = randomUUID();
    store.replace([templateSecret(token)]);
    // No cluster-info, no bootstrap token yet: "not yet", so machines keep retrying.
    const early = await get('/ignition', token);
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ error: 'ERR_RENDER_FAILED' });
    expect(events).toContainEqual(expect.stringMatching(/^failed kindling\/token-workers ERR_RENDER_FAILED/));
    store.cluster.upsert(clusterInfo);
    store.cluster.upsert(bootstrapToken);
    const ignition = await get('/ignition', token);
    expect(ignition.status).toBe(200);
    expect(await ignition.text()).toBe(JSON.stringify(JSON.parse(read('worker.ignition.json'))));
    const cloudConfig = await get('/cloud-config', token);
    expect(cloudConfig.status).toBe(200);
    expect(cloudConfig.headers.get('content-type')).toBe('text/cloud-config; charset=utf-8');
    expect(await cloudConfig.text()).toBe(read('worker.cloud-config.yaml'));
  });

  it('render again when the bootstrap token Secret changes, and the served bytes follow', async () => {
    const { store, get } = setup();
    const token = randomUUID();
    store.cluster.upsert(clusterInfo);
    store.cluster.upsert(bootstrapToken);
    store.replace([templateSecret(token)]);
    const before = await (await get('/ignition', token)).text();
    const etagBefore = (await get('/ignition', token)).headers.get('etag');
    const rotated = structuredClone(bootstrapToken);
    rotated.data!['token-secret'] = Buffer.from('fedcba9876543210').toString('base64');
    store.cluster.upsert(rotated);
    const after = await get('/ignition', token);
    expect(after.status).toBe(200);
    const text = await after.text();
    expect(text).not.toBe(before);
    expect(text).toContain('abcdef.fedcba9876543210');
    expect(after.headers.get('etag')).not.toBe(etagBefore);
    // The Secret going away makes the template unrenderable: 503 until it is back.
    store.cluster.remove({ kind: 'Secret', namespace: 'kube-system', name: 'bootstrap-token-abcdef' });
    expect((await get('/ignition', token)).status).toBe(503);
  });

  it('shares identical renderings between Secrets', () => {
    const { store } = setup();
    store.cluster.upsert(clusterInfo);
    store.cluster.upsert(bootstrapToken);
    const tokens = [randomUUID(), randomUUID(), randomUUID()];
    store.replace(
      tokens.map((token, i) => ({
        ...templateSecret(token),
        metadata: { ...templateSecret(token).metadata, name: `t${i}` },
      })),
    );
    // One Ignition and one #cloud-config for all three.
    expect(store.stats().payloads).toBe(2);
  });

  it('refuses a Secret with both a payload and a template', () => {
    const { store, events } = setup();
    const secret = templateSecret(randomUUID());
    secret.stringData!.payload = '{"ignition":{"version":"3.4.0"}}';
    store.replace([secret]);
    expect(events).toContain('refused kindling/token-workers payload-and-template');
  });

  it('refuses an invalid template naming the field', () => {
    const { store, events } = setup();
    store.replace([
      templateSecret(randomUUID(), 'apiVersion: kindling.dev/v1\nkind: NodeTemplate\nclustr: {}\n'),
    ]);
    expect(events.some((e) => e.startsWith('refused kindling/token-workers template-'))).toBe(true);
  });

  it('a Secret with a finished payload has no #cloud-config: 406', async () => {
    const { store, get } = setup();
    const token = randomUUID();
    store.replace([tokenSecret({ token })]);
    const response = await get('/cloud-config', token);
    expect(response.status).toBe(406);
    expect((await get('/ignition', token)).status).toBe(200);
  });

  it('the directory source reads cluster data from files beside the token Secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kindling-templates-'));
    const { store, get } = setup();
    const source = createDirectorySource({ path: dir, pollIntervalMs: 60_000 });
    try {
      const token = randomUUID();
      await writeFile(join(dir, 'token.yaml'), stringify(templateSecret(token)));
      await source.start(store);
      expect((await get('/ignition', token)).status).toBe(503);
      await copyFile(join(TEMPLATES, 'cluster/cluster-info.yaml'), join(dir, 'cluster-info.yaml'));
      await copyFile(
        join(TEMPLATES, 'cluster/bootstrap-token-abcdef.yaml'),
        join(dir, 'bootstrap-token.yaml'),
      );
      await waitFor(async () => (await get('/ignition', token)).status === 200, {
        what: 'the rendered payload',
      });
    } finally {
      await source.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
