import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { KindlingError } from '../errors/KindlingError.ts';
import { formatJsonPath } from '../payload/JsonPath.ts';
import { NodeTemplateSchema, type NodeTemplate } from './NodeTemplate.ts';

interface Problem {
  path: string;
  message: string;
  fromFragment: boolean;
}

/**
 * Reads a node template from YAML (or JSON) text, as stored in a Secret's `data.template`. Throws
 * ERR_TEMPLATE_INVALID: rule `yaml` when the text does not parse, else `schema` (or `fragment`, when the first
 * problem is in ignition.fragment) with a message listing every problem by path; `path` is the first one's.
 */
export function parseNodeTemplate(text: string): NodeTemplate {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    // YAML's own messages quote the offending source, which may hold the token: only code and position.
    const { line, column } = position(text, error.pos[0]);
    const what = error.code.toLowerCase().replaceAll('_', ' ');
    throw new KindlingError(
      'ERR_TEMPLATE_INVALID',
      `node template: YAML ${what} at line ${line}, column ${column}`,
      {
        rule: 'yaml',
        path: `line ${line}`,
      },
    );
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch {
    throw new KindlingError('ERR_TEMPLATE_INVALID', 'node template: YAML aliases expand too far', {
      rule: 'yaml',
    });
  }
  return checkNodeTemplate(value);
}

/** Validates an already-decoded template; the same errors as parseNodeTemplate, without rule `yaml`. */
export function checkNodeTemplate(value: unknown): NodeTemplate {
  const result = NodeTemplateSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap(describeIssue);
  const [first] = problems;
  const list = problems.map(({ path, message }) => `${path === '' ? '(template)' : path}: ${message}`);
  throw new KindlingError('ERR_TEMPLATE_INVALID', `node template is invalid: ${list.join('; ')}`, {
    rule: first?.fromFragment === true ? 'fragment' : 'schema',
    path: first?.path ?? '',
  });
}

function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  const segments = issue.path.map(redact);
  const path = formatJsonPath(segments);
  const at = (message: string, where = path): Problem => ({ path: where, message, fromFragment: false });
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        at(
          'is not a field here (misspelt, or in the wrong section?)',
          formatJsonPath([...segments, redact(key)]),
        ),
      );
    case 'invalid_type':
      return [
        at(
          issue.message.endsWith('received undefined') ? 'is required' : `must be ${article(issue.expected)}`,
        ),
      ];
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value));
      return [
        at(values.length > 2 ? `must be one of ${values.join(', ')}` : `must be ${values.join(' or ')}`),
      ];
    }
    case 'invalid_key':
      // The key of a map (a label, a flag, a sysctl): its own checks say what is wrong with it.
      return issue.issues.map((inner) => at(`key ${inner.message}`));
    case 'invalid_union':
      return [
        at('options' in issue ? `must be one of ${(issue.options as unknown[]).join(', ')}` : issue.message),
      ];
    case 'custom': {
      const fragmentPath = (issue.params as { fragmentPath?: string } | undefined)?.fragmentPath;
      if (fragmentPath === undefined) return [at(issue.message)];
      return [{ path: join(path, fragmentPath), message: issue.message, fromFragment: true }];
    }
    default:
      return [at(issue.message)];
  }
}

/**
 * Keys are named in messages (that is how a typo is found), but a key can be a secret pasted one line too
 * high (`bootstrapToken: { abcdef.0123456789abcdef }` is a map with that key): such keys are not repeated.
 */
function redact(segment: PropertyKey): string | number {
  if (typeof segment === 'number') return segment;
  const text = String(segment);
  return /[a-z0-9]{6}\.[a-z0-9]{16}|[0-9a-f]{32}/i.test(text) ? '<a key that looks like a secret>' : text;
}

function join(path: string, tail: string): string {
  if (tail === '') return path;
  if (path === '') return tail;
  return tail.startsWith('[') ? `${path}${tail}` : `${path}.${tail}`;
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
