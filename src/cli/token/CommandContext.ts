import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';

/** Everything a command takes from its surroundings, so that tests can pin time, randomness and output. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** What the command hands over (a stub, a token, a table) and its reports, when it hands nothing over. */
  stdout: (text: string) => void;
  /** Reports of commands whose stdout is the artefact, and failures. */
  stderr: (text: string) => void;
  /** Milliseconds since the epoch. */
  now: () => number;
  randomUUID: () => string;
  randomBytes: (n: number) => Uint8Array;
  readFile: (path: string) => Promise<Buffer>;
  /** Where ~/.kube/config is looked for; undefined: nowhere. */
  homeDir: string | undefined;
}

export function createCommandContext(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Omit<CommandContext, 'env'>> = {},
): CommandContext {
  return {
    env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    now: Date.now,
    randomUUID: () => randomUUID(),
    randomBytes: (n) => randomBytes(n),
    readFile: (path) => readFile(path),
    homeDir: homedir(),
    ...overrides,
  };
}
