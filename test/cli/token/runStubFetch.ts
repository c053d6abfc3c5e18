import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

interface WriteFile {
  path: string;
  content: string;
}

/**
 * Boots a cloud-config stub as far as kindling's part goes: its files written (with /run/kindling moved to a
 * temporary directory), then its fetch script run under sh with the real curl against a live server. Only
 * cloud-init is replaced, by a recorder that keeps the config it is asked to apply. Asynchronous: the server
 * under test runs in this very process and must keep answering while the script runs.
 */
export async function runStubFetch(
  stub: string,
): Promise<{ exitCode: number | null; stderr: string; applied: string | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-boot-'));
  try {
    const move = (text: string) => text.replaceAll('/run/kindling', dir);
    const files = (parse(stub) as { write_files: WriteFile[] }).write_files;
    for (const file of files.filter((f) => f.path.startsWith('/run/kindling/'))) {
      writeFileSync(move(file.path), file.content, { mode: 0o600 });
    }
    const script = files.find((f) => f.path.endsWith('/kindling-fetch'));
    if (script === undefined) throw new Error('no fetch script in the stub');
    writeFileSync(join(dir, 'fetch'), move(script.content), { mode: 0o700 });
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'cloud-init'),
      `#!/bin/sh\n[ "$1" = --file ] && [ ! -e "$OUT" ] && cp "$2" "$OUT"\nexit 0\n`,
    );
    chmodSync(join(bin, 'cloud-init'), 0o755);
    const out = join(dir, 'applied');
    const child = spawn('sh', [join(dir, 'fetch')], {
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 20_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return {
      exitCode,
      stderr,
      applied: existsSync(out) ? readFileSync(out, 'utf8') : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
