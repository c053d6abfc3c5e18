import { describe, expect, it } from 'vitest';
import { createMemoryReportStore } from '../../src/machines/createMemoryReportStore.ts';
import type { MachineReport } from '../../src/machines/MachineReport.ts';
import { nameReport } from '../../src/machines/nameReport.ts';
import { parseMachineFacts } from '../../src/machines/parseMachineFacts.ts';
import { replacementProblem } from '../../src/machines/replacementProblem.ts';
import { fromReportConfigMap, toReportConfigMap } from '../../src/machines/reportConfigMap.ts';
import { sampleFacts } from './sampleFacts.ts';

const parsed = parseMachineFacts(sampleFacts());
const facts = parsed.ok ? parsed.facts : (undefined as never);
const report = (machine: string, overrides: Partial<MachineReport> = {}): MachineReport => ({
  machine,
  pool: 'workers',
  identity: 'reported',
  receivedAt: '2026-11-21T12:00:00.000Z',
  tokenFingerprint: 'abcdef01',
  remoteAddress: '192.0.2.7',
  facts,
  ...overrides,
});

describe('the memory report store', () => {
  it('stores, replaces, lists by name and removes; what it hands out is a copy', async () => {
    const store = createMemoryReportStore();
    await store.put(report('b'));
    await store.put(report('a'));
    await store.put(report('b', { pool: 'gpu' }));
    expect((await store.list()).map((r) => [r.machine, r.pool])).toEqual([
      ['a', 'workers'],
      ['b', 'gpu'],
    ]);
    const copy = await store.get('a');
    if (copy) copy.pool = 'changed';
    expect((await store.get('a'))?.pool).toBe('workers');
    expect(await store.remove('a')).toBe(true);
    expect(await store.remove('a')).toBe(false);
  });

  it('refuses a machine more than its bound, and still replaces a known one', async () => {
    const store = createMemoryReportStore({ maxReports: 1 });
    await store.put(report('a'));
    await expect(store.put(report('b'))).rejects.toThrow(/full \(1 machines\)/);
    await expect(store.put(report('a', { pool: 'gpu' }))).resolves.toBeUndefined();
  });
});

describe('the report ConfigMap', () => {
  it('is machine-<name>, labelled as a report and with the pool, and reads back as the report', () => {
    const configMap = toReportConfigMap(report('gpu-1'), 'kindling');
    expect(configMap.metadata).toEqual({
      name: 'machine-gpu-1',
      namespace: 'kindling',
      labels: { 'kindling.dev/machine-report': 'true', 'kindling.dev/pool': 'workers' },
    });
    expect(fromReportConfigMap(configMap)).toEqual(report('gpu-1'));
  });

  it('reads as no report when its data is not one of ours, or names another machine', () => {
    expect(
      fromReportConfigMap({ metadata: { name: 'machine-a' }, data: { 'report.json': '{' } }),
    ).toBeUndefined();
    const other = toReportConfigMap(report('b'), 'kindling');
    expect(fromReportConfigMap({ ...other, metadata: { name: 'machine-a' } })).toBeUndefined();
  });
});

describe('naming and replacing reports', () => {
  it("names by the token's machine, else nodeName, else the hostname in lower case", () => {
    expect(nameReport('rack1-u12', facts)).toEqual({ ok: true, machine: 'rack1-u12', identity: 'token' });
    expect(nameReport(undefined, { ...facts, nodeName: 'gpu-0a1b' })).toMatchObject({ machine: 'gpu-0a1b' });
    expect(nameReport(undefined, { ...facts, hostname: 'Node-1.Example.COM' })).toMatchObject({
      machine: 'node-1.example.com',
      identity: 'reported',
    });
    expect(nameReport(undefined, { ...facts, nodeName: 'a'.repeat(246) })).toMatchObject({ ok: false });
  });

  it('lets a machine token replace anything, a pool token only a report of its pool made with a pool token', () => {
    const pooled = report('a');
    const owned = report('a', { identity: 'token' });
    expect(replacementProblem(undefined, { identity: 'reported', pool: 'workers' })).toBeUndefined();
    expect(replacementProblem(pooled, { identity: 'reported', pool: 'workers' })).toBeUndefined();
    expect(replacementProblem(owned, { identity: 'token', pool: 'other' })).toBeUndefined();
    expect(replacementProblem(owned, { identity: 'reported', pool: 'workers' })).toMatch(/own token/);
    expect(replacementProblem(pooled, { identity: 'reported', pool: 'gpu' })).toMatch(/another pool/);
  });
});
