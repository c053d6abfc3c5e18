import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './children.ts';

/** Where the raw server runs from: plain JavaScript in the run's work directory. */
export const rawServerScript = (work: string) => join(work, 'rawServer.mjs');

/**
 * Both servers as JavaScript, as the image runs kindling: `npm run build` makes `dist/` (what the Dockerfile
 * copies), and the raw server is transpiled the same way, so that neither pays for node's type stripping
 * (it cost 1–4 % of requests per second in paired runs of either server) and the ratio compares like with like.
 */
export function buildServers(work: string): void {
  buildKindling();
  const source = readFileSync(join(ROOT, 'test/bench/rawServer.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2024 },
  });
  writeFileSync(rawServerScript(work), outputText);
}

/** `npm run build`: kindling's `dist/`, what the image copies and runs. */
export function buildKindling(): void {
  const npm = process.env['npm_execpath'];
  const [command, args] = npm ? [process.execPath, [npm]] : ['npm', []];
  execFileSync(command, [...args, 'run', '--silent', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
