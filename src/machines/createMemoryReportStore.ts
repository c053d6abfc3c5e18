import type { MachineReport } from './MachineReport.ts';
import type { MachineReportStore } from './MachineReportStore.ts';

/**
 * Reports held by the server process (the directory source has nowhere else to write): lost at restart,
 * and each machine sends its report again at its next boot. Bounded, as the server faces the machines.
 */
export function createMemoryReportStore({
  maxReports = 100_000,
}: { maxReports?: number } = {}): MachineReportStore {
  const reports = new Map<string, MachineReport>();
  return {
    get: async (machine) => structuredClone(reports.get(machine)),
    async put(report) {
      if (!reports.has(report.machine) && reports.size >= maxReports) {
        throw new Error(`the in-memory report store is full (${maxReports} machines)`);
      }
      reports.set(report.machine, structuredClone(report));
    },
    list: async () =>
      [...reports.values()]
        .map((report) => structuredClone(report))
        .sort((a, b) => (a.machine < b.machine ? -1 : a.machine > b.machine ? 1 : 0)),
    remove: async (machine) => reports.delete(machine),
  };
}
