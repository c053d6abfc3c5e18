import { LABEL_POOL } from '../tokens/labels.ts';
import type { MachineReport } from './MachineReport.ts';

/** Selects report ConfigMaps: `kindling machines list` and any human with kubectl. */
export const REPORT_LABEL = 'kindling.dev/machine-report';
const DATA_KEY = 'report.json';
const PREFIX = 'machine-';
/** A ConfigMap name is at most 253 characters; the prefix takes 8 of them. */
export const MAX_MACHINE_NAME = 253 - PREFIX.length;

export interface ReportConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: Record<string, string>;
}

export function reportConfigMapName(machine: string): string {
  return `${PREFIX}${machine}`;
}

/** One ConfigMap per machine, labelled with its pool; the report as indented JSON, readable in kubectl. */
export function toReportConfigMap(report: MachineReport, namespace: string): ReportConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: reportConfigMapName(report.machine),
      namespace,
      labels: { [REPORT_LABEL]: 'true', [LABEL_POOL]: report.pool },
    },
    data: { [DATA_KEY]: `${JSON.stringify(report, null, 2)}\n` },
  };
}

/** The report a ConfigMap holds; undefined for one that is not (or no longer) a readable report. */
export function fromReportConfigMap(configMap: {
  metadata?: { name?: string };
  data?: Record<string, string>;
}): MachineReport | undefined {
  const text = configMap.data?.[DATA_KEY];
  if (text === undefined) return undefined;
  try {
    const report = JSON.parse(text) as Partial<MachineReport>;
    const named = `${PREFIX}${String(report.machine)}` === configMap.metadata?.name;
    return named && typeof report.facts === 'object' && report.facts !== null
      ? (report as MachineReport)
      : undefined;
  } catch {
    return undefined;
  }
}
