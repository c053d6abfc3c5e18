import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface WriteFile {
  path: string;
  owner?: string;
  permissions?: string;
  content: string;
}

export function writeFilesOf(stub: string): WriteFile[] {
  return (parse(stub) as { write_files: WriteFile[] }).write_files;
}

export interface FetchRun {
  exitCode: number | null;
  stderr: string;
  /** Each curl invocation's argv. */
  curlArgs: string[][];
  sleeps: string[];
  /** Each cloud-init invocation's argv, joined by spaces. */
  cloudInit: string[];
  /** The fetched config's file mode when cloud-init got it, and the umasks cloud-init ran with. */
  payloadMode: string | undefined;
  umasks: string[];
  /** Whether the header (token) and payload files still exist after the run. */
  leftovers: string[];
  dir: string;
}

export interface FetchRunOptions {
  /** What each curl call answers, in order: an HTTP status, or 000 for no answer. */
  statuses: string[];
  body?: string;
  /** The module whose `cloud-init single` fails. */
  failModule?: string;
}

/**
 * Runs the stub's fetch script for real under sh, with curl, sleep and cloud-init replaced by recorders and
 * /run/kindling moved to a temporary directory (the script's only absolute paths of its own).
 */
export function runFetchScript(
  stub: string,
  { statuses, body = '#cloud-config\nruncmd: [true]\n', failModule = '' }: FetchRunOptions,
): FetchRun {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-stub-'));
  const bin = join(dir, 'bin');
  const files = writeFilesOf(stub);
  const move = (text: string) => text.replaceAll('/run/kindling', dir);
  for (const file of files.filter((f) => f.path.startsWith('/run/kindling/'))) {
    writeFileSync(move(file.path), file.content, { mode: 0o600 });
  }
  const script = files.find((f) => f.path.endsWith('/kindling-fetch'));
  if (script === undefined) throw new Error('no fetch script in the stub');
  writeFileSync(join(dir, 'fetch'), move(script.content), { mode: 0o700 });
  writeFileSync(join(dir, 'statuses'), statuses.map((s) => `${s}\n`).join(''));
  writeFileSync(join(dir, 'body'), body);
  mkdirSync(bin);
  fake(
    bin,
    'curl',
    `printf '%s\\0' "$@" >> "$LOG/curl"; printf '\\n' >> "$LOG/curl"
out=; while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; shift; done
status=$(head -n 1 "$LOG/statuses"); sed -i 1d "$LOG/statuses"
[ "$status" = 200 ] && cp "$LOG/body" "$out"
printf '%s' "$status"; [ "$status" = 000 ] && exit 7; exit 0`,
  );
  fake(bin, 'sleep', 'echo "$1" >> "$LOG/sleeps"');
  fake(
    bin,
    'cloud-init',
    `echo "$*" >> "$LOG/cloud-init"; umask >> "$LOG/umasks"
[ "$1" = schema ] && stat -c '%a' "$3" >> "$LOG/modes"
case " $* " in *" --name $FAIL_MODULE "*) exit 1 ;; esac; exit 0`,
  );
  // umask 022: what cloud-init's final stage runs scripts with.
  const run = spawnSync('sh', ['-c', 'umask 022 && exec sh "$0"', join(dir, 'fetch')], {
    env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, LOG: dir, FAIL_MODULE: failModule },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const lines = (name: string) =>
    existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean) : [];
  return {
    exitCode: run.status,
    stderr: run.stderr,
    curlArgs: lines('curl').map((line) => line.split('\0').filter(Boolean)),
    sleeps: lines('sleeps'),
    cloudInit: lines('cloud-init'),
    payloadMode: lines('modes')[0],
    umasks: [...new Set(lines('umasks'))],
    leftovers: ['authorization', 'cloud-config'].filter((name) => existsSync(join(dir, name))),
    dir,
  };
}

export function cleanUp(run: FetchRun): void {
  rmSync(run.dir, { recursive: true, force: true });
}

function fake(bin: string, name: string, body: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}
