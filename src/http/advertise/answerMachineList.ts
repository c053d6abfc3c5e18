import type { MachineReportStore } from '../../machines/MachineReportStore.ts';
import type { HttpAnswer } from '../HttpAnswer.ts';

/**
 * `GET /machines` for the metrics port: the reports the server holds in memory (directory source), which
 * `kindling machines list --metrics-url URL` reads. Not on the payload port: machines have no business reading
 * each other's facts.
 */
export async function answerMachineList(reports: MachineReportStore): Promise<HttpAnswer> {
  const body = Buffer.from(`${JSON.stringify(await reports.list())}\n`);
  return {
    status: 200,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
    },
    body,
  };
}
