import type { MachineReport } from './MachineReport.ts';

/**
 * The latest report per machine: in memory (directory source), or a ConfigMap per machine (Kubernetes).
 * Failures reject; the route answers them with a 503 so the machine retries.
 */
export interface MachineReportStore {
  get(machine: string): Promise<MachineReport | undefined>;
  /** Stores the report, replacing the machine's previous one. */
  put(report: MachineReport): Promise<void>;
  list(): Promise<MachineReport[]>;
  /** True when there was a report to remove. */
  remove(machine: string): Promise<boolean>;
}
