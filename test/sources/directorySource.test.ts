import { randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createDirectorySource } from '../../src/sources/directory/createDirectorySource.ts';
import type { Source } from '../../src/sources/Source.ts';
import { createPayloadStore, type PayloadStore } from '../../src/store/createPayloadStore.ts';
import { hashToken } from '../../src/tokens/hashToken.ts';
import { ignitionConfig, tokenSecret } from '../support/tokenSecret.ts';
import { waitFor } from '../support/waitFor.ts';

let dir: string;
let source: Source | undefined;
let store: PayloadStore;
let errors: { kind: string; message: string }[];

async function start(options: { pollIntervalMs?: number } = {}) {
  store = createPayloadStore();
  source = createDirectorySource({
    path: dir,
    observer: { error: (kind, message) => errors.push({ kind, message }) },
    ...options,
  });
  await source.start(store);
}

const marker = (token: string) => {
  const found = store.lookup(hashToken(token));
  return found.ok
    ? JSON.parse(found.payloads.ignition.bytes.toString()).storage.files[0].contents.source
    : found.code;
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-dir-'));
  errors = [];
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('directory source', () => {
  it('reads JSON, YAML with several documents and Lists, and ignores dotfiles and other names', async () => {
    const [a, b, c, d, hidden, other] = Array.from({ length: 6 }, () => randomUUID()) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    await writeFile(join(dir, 'a.json'), JSON.stringify(tokenSecret({ name: 'a', token: a })));
    await writeFile(
      join(dir, 'b.yaml'),
      `${stringify(tokenSecret({ name: 'b', token: b, plain: true }))}---\n${stringify(tokenSecret({ name: 'c', token: c }))}`,
    );
    await writeFile(
      join(dir, 'd.yml'),
      stringify({ apiVersion: 'v1', kind: 'List', items: [tokenSecret({ name: 'd', token: d })] }),
    );
    await writeFile(join(dir, '.hidden.yaml'), stringify(tokenSecret({ name: 'h', token: hidden })));
    await writeFile(join(dir, 'notes.txt'), stringify(tokenSecret({ name: 'o', token: other })));
    await start();
    expect(store.ready).toBe(true);
    for (const token of [a, b, c, d]) expect(store.lookup(hashToken(token)).ok).toBe(true);
    for (const token of [hidden, other])
      expect(store.lookup(hashToken(token))).toMatchObject({ code: 'ERR_TOKEN_UNKNOWN' });
  });

  it('selects on the label: unlabelled Secrets are not served', async () => {
    const token = randomUUID();
    await writeFile(
      join(dir, 'x.json'),
      JSON.stringify(tokenSecret({ token, labels: { 'kindling.dev/token-secret': 'false' } })),
    );
    await start();
    expect(store.lookup(hashToken(token))).toMatchObject({ code: 'ERR_TOKEN_UNKNOWN' });
  });

  it('a file added, changed or removed takes effect within a second', async () => {
    await start({ pollIntervalMs: 60_000 });
    const token = randomUUID();
    const file = join(dir, 'w.yaml');
    await writeFile(file, stringify(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'one') })));
    await waitFor(() => marker(token) === 'data:,one', { timeoutMs: 1000, what: 'the added file' });
    await writeFile(file, stringify(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'two') })));
    await waitFor(() => marker(token) === 'data:,two', { timeoutMs: 1000, what: 'the changed file' });
    await rm(file);
    await waitFor(() => marker(token) === 'ERR_TOKEN_REVOKED', { timeoutMs: 1000, what: 'the removed file' });
  });

  it('sees an atomic rename into place (how editors and Kubernetes volumes write)', async () => {
    await start({ pollIntervalMs: 60_000 });
    const token = randomUUID();
    await writeFile(join(dir, '.tmp-write'), JSON.stringify(tokenSecret({ token })));
    await rename(join(dir, '.tmp-write'), join(dir, 'renamed.json'));
    await waitFor(() => store.lookup(hashToken(token)).ok, { timeoutMs: 1000, what: 'the renamed file' });
  });

  it('a half-written file never replaces a good payload; the problem is reported', async () => {
    const token = randomUUID();
    const file = join(dir, 'w.json');
    const good = JSON.stringify(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'good') }));
    await writeFile(file, good);
    await start({ pollIntervalMs: 60_000 });
    expect(marker(token)).toBe('data:,good');
    await writeFile(file, good.slice(0, good.length / 2));
    await waitFor(() => errors.some((e) => e.kind === 'parse' && e.message.includes('w.json')), {
      timeoutMs: 1000,
      what: 'the parse error',
    });
    expect(errors.find((e) => e.kind === 'parse')?.message).toMatch(/keeping the 1 object/);
    expect(marker(token)).toBe('data:,good');
    // Once written in full, the new content wins.
    await writeFile(file, JSON.stringify(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'fixed') })));
    await waitFor(() => marker(token) === 'data:,fixed', { timeoutMs: 1000, what: 'the repaired file' });
  });

  it('an invalid Secret in a file does not affect the other Secrets of the same file', async () => {
    const [good, bad] = [randomUUID(), randomUUID()];
    await writeFile(
      join(dir, 'mixed.yaml'),
      `${stringify(tokenSecret({ name: 'good', token: good }))}---\n${stringify(tokenSecret({ name: 'bad', token: bad, payload: '{}' }))}`,
    );
    await start();
    expect(store.lookup(hashToken(good)).ok).toBe(true);
    expect(store.lookup(hashToken(bad))).toMatchObject({ code: 'ERR_SECRET_REFUSED' });
  });

  it('reports a Secret defined twice and keeps the first (by file name)', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await writeFile(join(dir, '1.json'), JSON.stringify(tokenSecret({ token: first })));
    await writeFile(join(dir, '2.json'), JSON.stringify(tokenSecret({ token: second })));
    await start();
    expect(store.lookup(hashToken(first)).ok).toBe(true);
    expect(store.lookup(hashToken(second)).ok).toBe(false);
    expect(errors).toContainEqual({
      kind: 'duplicate',
      message: expect.stringMatching(
        /2\.json#0: Secret kindling\/token-workers is already defined in 1\.json#0/,
      ),
    });
  });

  it('when the first definition of a Secret goes, the duplicate takes over with its own payload', async () => {
    const token = randomUUID();
    await writeFile(
      join(dir, '1.json'),
      JSON.stringify(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'first') })),
    );
    await writeFile(
      join(dir, '2.json'),
      JSON.stringify(tokenSecret({ token, payload: ignitionConfig('3.4.0', 'second') })),
    );
    await start({ pollIntervalMs: 60_000 });
    expect(marker(token)).toBe('data:,first');
    // 2.json was read once and its data dropped since; taking over needs it read again.
    await rm(join(dir, '1.json'));
    await waitFor(() => marker(token) === 'data:,second', {
      timeoutMs: 1000,
      what: 'the duplicate taking over',
    });
  });

  it('a refused Secret in an unchanged file is reported once, not at every scan', async () => {
    const reported: string[] = [];
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify(tokenSecret({ token: randomUUID(), payload: '{' })),
    );
    await writeFile(
      join(dir, 'good.json'),
      JSON.stringify(tokenSecret({ name: 'good', token: randomUUID() })),
    );
    store = createPayloadStore({ observer: { secretRefused: (key) => reported.push(key) } });
    source = createDirectorySource({ path: dir, pollIntervalMs: 60_000 });
    await source.start(store);
    // Another file changing causes a full rescan.
    await writeFile(
      join(dir, 'good.json'),
      JSON.stringify(tokenSecret({ name: 'good', token: randomUUID() })),
    );
    await writeFile(
      join(dir, 'third.json'),
      JSON.stringify(tokenSecret({ name: 'third', token: randomUUID() })),
    );
    await waitFor(() => store.stats().secrets === 2, { timeoutMs: 1000, what: 'the rescans' });
    expect(reported).toEqual(['kindling/token-workers']);
  });

  it('reports objects that are not Secrets', async () => {
    await writeFile(
      join(dir, 'cm.yaml'),
      stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
    );
    await start();
    expect(errors).toContainEqual({ kind: 'not-a-secret', message: 'cm.yaml#0: not a Secret; ignored' });
  });

  it('refuses to start on a missing directory, naming it', async () => {
    const missing = join(dir, 'nope');
    source = createDirectorySource({ path: missing });
    await expect(source.start(createPayloadStore())).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: expect.stringContaining(missing),
    });
  });
});
