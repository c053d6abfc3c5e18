import type { z } from 'zod';
import { MachineFactsSchema, type MachineFacts } from './MachineFacts.ts';

export type ParsedFacts = { ok: true; facts: MachineFacts } | { ok: false; problem: string };

const SHOWN_ISSUES = 5;

/**
 * Checks a report body against MachineFactsSchema. The problem names each offending field by its path and
 * what was expected, never the value sent (a report is machine data, but an error message is no place to
 * echo input).
 */
export function parseMachineFacts(body: unknown): ParsedFacts {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problem: 'the report must be a JSON object' };
  }
  const result = MachineFactsSchema.safeParse(body);
  if (result.success) return { ok: true, facts: result.data };
  const issues = result.error.issues.map(describeIssue);
  const more = issues.length > SHOWN_ISSUES ? ` (and ${issues.length - SHOWN_ISSUES} more)` : '';
  return { ok: false, problem: `${issues.slice(0, SHOWN_ISSUES).join('; ')}${more}` };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
  const message =
    issue.code === 'invalid_type' && issue.message.includes('received undefined')
      ? 'is required'
      : issue.message;
  return `${path === '' ? 'report' : path}: ${message}`;
}
