import { describe, expect, it } from 'vitest';
import { factLabels, labelValue } from '../../src/machines/factLabels.ts';
import { parseMachineFacts } from '../../src/machines/parseMachineFacts.ts';
import { sampleFacts } from './sampleFacts.ts';

describe('parseMachineFacts', () => {
  it('keeps unknown top-level keys under extra, merged with the extra sent; nested objects keep theirs', () => {
    const parsed = parseMachineFacts({
      ...sampleFacts(),
      cpu: { count: 4, flags: ['avx2'] },
      tpm: { version: '2.0' },
      extra: { site: 'par1' },
    });
    expect(parsed).toMatchObject({
      ok: true,
      facts: { cpu: { count: 4, flags: ['avx2'] }, extra: { site: 'par1', tpm: { version: '2.0' } } },
    });
    if (parsed.ok) expect(parsed.facts).not.toHaveProperty('tpm');
  });

  it('defaults the lists, requires only hostname, architecture and kernel', () => {
    expect(parseMachineFacts({ hostname: 'h', architecture: 'aarch64', kernel: '6.1.0' })).toEqual({
      ok: true,
      facts: { hostname: 'h', architecture: 'aarch64', kernel: '6.1.0', gpus: [], disks: [], interfaces: [] },
    });
  });

  it('names every offending field, at most five, and how many more', () => {
    const parsed = parseMachineFacts({
      hostname: 1,
      architecture: 2,
      kernel: 3,
      bootTime: 'yesterday',
      interfaces: [{ name: 'eth0', mac: 'nope' }],
      gpus: 'none',
      disks: [{ name: 'sda', sizeBytes: -1 }],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem).toMatch(
      /^hostname: Invalid input: expected string, received number; architecture: /,
    );
    expect(parsed.problem).toMatch(/\(and 2 more\)$/);
    expect(parseMachineFacts(sampleFacts({ bootTime: 'yesterday' }))).toEqual({
      ok: false,
      problem: 'bootTime: must be an RFC 3339 time',
    });
    expect(
      parseMachineFacts(sampleFacts({ interfaces: [{ name: 'eth0', mac: 'nope', addresses: [] }] })),
    ).toEqual({
      ok: false,
      problem: 'interfaces[0].mac: must be a MAC address such as 52:54:00:12:34:56',
    });
  });

  it('bounds what one machine can make the server store', () => {
    const many = Array.from({ length: 65 }, (_, i) => ({ vendor: 'nvidia', model: `m${i}`, count: 1 }));
    expect(parseMachineFacts(sampleFacts({ gpus: many }))).toMatchObject({
      ok: false,
      problem: /^gpus: Too big/,
    });
    expect(parseMachineFacts(sampleFacts({ hostname: 'h'.repeat(254) }))).toMatchObject({ ok: false });
  });
});

describe('factLabels', () => {
  const parsed = parseMachineFacts(sampleFacts());
  const facts = parsed.ok ? parsed.facts : (undefined as never);

  it('maps facts to facts.kindling.dev/ labels with valid values', () => {
    expect(
      factLabels(facts, [
        'arch',
        'cpu.count',
        'cpu.model',
        'memory.gib',
        'gpu.count',
        'gpu.vendor',
        'gpu.model',
        'disk.count',
        'os.id',
        'os.version',
        'kernel',
      ]),
    ).toEqual({
      'facts.kindling.dev/arch': 'amd64',
      'facts.kindling.dev/cpu.count': '128',
      'facts.kindling.dev/cpu.model': 'AMD-EPYC-7763-64-Core-Processor',
      'facts.kindling.dev/memory.gib': '502',
      'facts.kindling.dev/gpu.count': '8',
      'facts.kindling.dev/gpu.vendor': 'nvidia',
      'facts.kindling.dev/gpu.model': 'GA100-A100-SXM4-80GB',
      'facts.kindling.dev/disk.count': '1',
      'facts.kindling.dev/os.id': 'ubuntu',
      'facts.kindling.dev/os.version': '24.04',
      'facts.kindling.dev/kernel': '6.8.0-45-generic',
    });
  });

  it('removes the label of a fact the report lacks; says mixed for mixed GPUs; counts 0 GPUs', () => {
    const bare = { ...facts, gpus: [], cpu: undefined };
    expect(factLabels(bare, ['cpu.count', 'gpu.count', 'gpu.vendor'])).toEqual({
      'facts.kindling.dev/cpu.count': null,
      'facts.kindling.dev/gpu.count': '0',
      'facts.kindling.dev/gpu.vendor': null,
    });
    const mixed = { ...facts, gpus: [...facts.gpus, { vendor: 'amd', model: 'MI300X', count: 1 }] };
    expect(factLabels(mixed, ['gpu.vendor', 'gpu.count'])).toEqual({
      'facts.kindling.dev/gpu.vendor': 'mixed',
      'facts.kindling.dev/gpu.count': '9',
    });
    expect(() => factLabels(facts, ['gpu.colour'])).toThrow(/unknown fact "gpu.colour"/);
  });

  it('makes any text a label value: at most 63 characters, alphanumeric at both ends', () => {
    expect(labelValue('Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz')).toBe(
      'Intel-R-Xeon-R-Gold-6248-CPU-2.50GHz',
    );
    expect(labelValue('x'.repeat(70))).toHaveLength(63);
    expect(labelValue('((()))')).toBeNull();
  });
});
