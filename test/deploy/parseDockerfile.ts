/**
 * Just enough of the Dockerfile grammar to check ours without a Docker engine: parser directives and comments,
 * `\` line continuations (comment lines inside them are dropped, as BuildKit does), exec (JSON) and shell forms,
 * `--flag=value` options, and stages. Heredocs and a custom escape character are not supported; the test fails
 * on them rather than misreading.
 */
export interface Instruction {
  /** Upper case: FROM, RUN, COPY… */
  keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  raw: string;
  /** The exec form's array, when the arguments are one JSON array of strings. */
  exec: string[] | undefined;
  /** `--name=value` options before the arguments (COPY --from, --chown, RUN --mount…). */
  flags: Record<string, string>;
  /** The arguments after the options, split on white space (shell form). */
  args: string[];
  line: number;
}

export interface Stage {
  image: string;
  alias: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  directives: Record<string, string>;
  /** Instructions before the first FROM (global ARGs). */
  preamble: Instruction[];
  stages: Stage[];
}

function parseExec(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

function parseInstruction(keyword: string, raw: string, line: number): Instruction {
  const words = raw.split(/\s+/).filter(Boolean);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [name = '', value = ''] = (words.shift() ?? '').slice(2).split(/=(.*)/s);
    flags[name] = value;
  }
  return { keyword, raw, exec: parseExec(raw), flags, args: words, line };
}

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split('\n');
  const directives: Record<string, string> = {};
  let index = 0;
  // Parser directives: `# key=value` lines at the very top, before any comment, blank line or instruction.
  for (; index < lines.length; index++) {
    const match = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(lines[index] ?? '');
    if (!match?.[1] || !match[2]) break;
    directives[match[1].toLowerCase()] = match[2];
  }
  if (directives['escape'] !== undefined && directives['escape'] !== '\\') {
    throw new Error('parseDockerfile: only the default escape character is supported');
  }

  const instructions: Instruction[] = [];
  while (index < lines.length) {
    const start = index;
    let text = (lines[index++] ?? '').trim();
    if (text === '' || text.startsWith('#')) continue;
    while (text.endsWith('\\')) {
      text = text.slice(0, -1).trimEnd();
      // Comment lines inside a continuation are removed; a blank line does not end it.
      let next = (lines[index++] ?? '').trim();
      while (index < lines.length && (next.startsWith('#') || next === ''))
        next = (lines[index++] ?? '').trim();
      text = `${text} ${next}`;
    }
    if (/<<-?["']?[A-Z]/.test(text)) throw new Error(`parseDockerfile: heredoc on line ${start + 1}`);
    const match = /^(\S+)\s*(.*)$/s.exec(text);
    instructions.push(parseInstruction((match?.[1] ?? '').toUpperCase(), match?.[2] ?? '', start + 1));
  }

  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, alias] = instruction.args;
      stages.push({
        image,
        alias: as?.toUpperCase() === 'AS' ? alias : undefined,
        instructions: [instruction],
      });
    } else {
      (stages.at(-1)?.instructions ?? preamble).push(instruction);
    }
  }
  return { directives, preamble, stages };
}

/** `KEY=value KEY2="a b"` (LABEL, ENV, ARG): quoted values may hold spaces; quotes are removed. */
export function parseKeyValues(raw: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const pattern = /([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (const [, key = '', value = ''] of raw.matchAll(pattern)) {
    pairs[key] = /^["']/.test(value) ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
  }
  return pairs;
}
