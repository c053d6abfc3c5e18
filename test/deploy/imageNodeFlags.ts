import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from './parseDockerfile.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * The options the image passes to node before the script (its ENTRYPOINT's), so that whatever starts kindling
 * as the image would (the benchmark, the runtime test) reads them from the Dockerfile rather than a copy.
 */
export function imageNodeFlags(dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')): string[] {
  const final = parseDockerfile(dockerfile).stages.at(-1);
  const exec = final?.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.exec;
  if (exec === undefined) throw new Error('the Dockerfile has no exec-form ENTRYPOINT');
  const script = exec.findIndex((arg, index) => index > 0 && !arg.startsWith('-'));
  return exec.slice(1, script === -1 ? undefined : script);
}
