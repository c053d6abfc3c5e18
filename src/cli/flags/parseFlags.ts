import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { z } from 'zod';
import { suggestKey } from '../../payload/suggestKey.ts';
import { usageError } from '../CommandError.ts';

export interface FlagDefinition {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help text (`NAME`, `FILE`); string flags only. */
  value?: string;
  help: string;
}

export type FlagDefinitions = Record<string, FlagDefinition>;

/**
 * Reads a command's flags: node:util parseArgs for the syntax (strict: an unknown flag or a positional
 * argument is an error, never ignored), then a zod schema for the values and the rules between flags. Every
 * problem is a usage error (exit 2) naming the flag; all of them are reported at once.
 */
export function parseFlags<Schema extends z.ZodType>(
  args: readonly string[],
  flags: FlagDefinitions,
  schema: Schema,
): z.output<Schema> {
  return readCommandLine(args, flags, schema, false).flags;
}

export interface CommandLine<Flags> {
  flags: Flags;
  positionals: string[];
}

/** parseFlags for a command that also takes positional arguments (`node remove NAME`); it checks them. */
export function parseCommandLine<Schema extends z.ZodType>(
  args: readonly string[],
  flags: FlagDefinitions,
  schema: Schema,
): CommandLine<z.output<Schema>> {
  return readCommandLine(args, flags, schema, true);
}

function readCommandLine<Schema extends z.ZodType>(
  args: readonly string[],
  flags: FlagDefinitions,
  schema: Schema,
  allowPositionals: boolean,
): CommandLine<z.output<Schema>> {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, { type, short }] of Object.entries(flags)) {
    options[name] = short === undefined ? { type } : { type, short };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw usageError(describeSyntaxError(error, flags));
  }
  const result = schema.safeParse(parsed.values);
  if (result.success) return { flags: result.data, positionals: parsed.positionals };
  const problems = result.error.issues.map(({ path, message }) => {
    const [flag] = path;
    return flag === undefined ? message : `--${String(flag)} ${message}`;
  });
  throw usageError(problems.join('; '));
}

/** parseArgs' own messages are written for developers; these name the flag the way the user typed it. */
function describeSyntaxError(error: unknown, flags: FlagDefinitions): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const quoted = /'(-{1,2}[^' ]+)/.exec(text)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${quoted ?? ''}${suggest(quoted, flags)}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return quoted === undefined ? text : `${quoted} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'takes no positional arguments: every value follows its flag (--pool NAME)';
    default:
      return text;
  }
}

function suggest(typed: string | undefined, flags: FlagDefinitions): string {
  if (typed === undefined) return '';
  const close = suggestKey(typed.replace(/^-+/, '').split('=')[0] ?? '', Object.keys(flags));
  return close === undefined ? '' : ` (did you mean --${close}?)`;
}

/** `--pool NAME    the pool …` lines for help text. */
export function describeFlags(flags: FlagDefinitions): string {
  const lines = Object.entries(flags).map(([name, { type, short, value, help }]) => {
    const spelled = `${short === undefined ? '' : `-${short}, `}--${name}${type === 'string' ? ` ${value ?? 'VALUE'}` : ''}`;
    return `  ${spelled.padEnd(26)} ${help}`;
  });
  return `${lines.join('\n')}\n`;
}
