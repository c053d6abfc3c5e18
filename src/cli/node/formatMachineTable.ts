import type { MachineReport } from '../../machines/MachineReport.ts';

const GIB = 1024 ** 3;

/** One line per machine, in columns, for a terminal. `-o json` has everything. */
export function formatMachineTable(reports: readonly MachineReport[]): string {
  if (reports.length === 0) return 'no machine has reported yet\n';
  const rows = [
    ['MACHINE', 'POOL', 'NAMED BY', 'ARCH', 'CPUS', 'MEMORY', 'GPUS', 'OS', 'KERNEL', 'REPORTED'],
    ...reports.map(({ machine, pool, identity, receivedAt, facts }) => [
      machine,
      pool,
      identity === 'token' ? 'token' : 'machine',
      facts.architecture,
      String(facts.cpu?.count ?? '-'),
      facts.memory === undefined ? '-' : `${(facts.memory.totalBytes / GIB).toFixed(1)}Gi`,
      facts.gpus.length === 0 ? '-' : facts.gpus.map((gpu) => `${gpu.count}x ${gpu.model}`).join(', '),
      facts.os?.prettyName ?? facts.os?.id ?? '-',
      facts.kernel,
      receivedAt,
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}
