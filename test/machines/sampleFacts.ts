import type { MachineFactsInput } from '../../src/machines/MachineFacts.ts';

/** What the advertise script sends from a GPU worker. */
export function sampleFacts(overrides: Partial<MachineFactsInput> = {}): MachineFactsInput {
  return {
    hostname: 'gpu-worker-1',
    machineId: '0123456789abcdef0123456789abcdef',
    architecture: 'x86_64',
    cpu: { model: 'AMD EPYC 7763 64-Core Processor', count: 128 },
    memory: { totalBytes: 540_000_000_000 },
    gpus: [{ vendor: 'nvidia', model: 'GA100 [A100 SXM4 80GB]', count: 8 }],
    disks: [
      { name: 'nvme0n1', sizeBytes: 3_840_755_982_336, model: 'SAMSUNG MZQL23T8HCLS', rotational: false },
    ],
    interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:56', addresses: ['10.0.0.5/24', 'fe80::1/64'] }],
    os: { id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
    kernel: '6.8.0-45-generic',
    bootTime: '2026-11-21T08:00:00Z',
    ...overrides,
  };
}
