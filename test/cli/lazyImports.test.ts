import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FIXTURE_SERVE_ARGS } from '../support/startKindling.ts';
import { waitFor } from '../support/waitFor.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const HOOK = new URL('../support/reportPackageLoads.ts', import.meta.url).pathname;
const KUBE_CLIENT = '@kubernetes/client-node';

/** Runs the CLI with the loads reported; `until` ends it with SIGTERM once its stdout shows what it waits for. */
async function packagesLoadedBy(args: string[], { until }: { until?: RegExp } = {}) {
  const child = spawn(process.execPath, ['--import', HOOK, MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (err += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (until) {
    await waitFor(() => until.test(out), { timeoutMs: 15_000, what: `${until} on stdout` });
    child.kill('SIGTERM');
  }
  const code = await exit;
  const packages = [...err.matchAll(/^package-loaded (\S+)$/gm)].map(([, name]) => name);
  return { code, packages, out };
}

describe('what each command loads', () => {
  it('a server on a directory serves without loading the Kubernetes client', async () => {
    const { code, packages } = await packagesLoadedBy(['serve', ...FIXTURE_SERVE_ARGS, '--plain-http'], {
      until: /"msg":"listening"/,
    });
    expect(code).toBe(0);
    expect(packages).toContain('hono');
    expect(packages).not.toContain(KUBE_CLIENT);
  });

  it('`kindling help` loads no command', async () => {
    const { code, packages } = await packagesLoadedBy(['help']);
    expect(code).toBe(0);
    expect(packages).not.toContain(KUBE_CLIENT);
    expect(packages).not.toContain('hono');
  });

  it('a server on a cluster loads the client when its source starts', async () => {
    const { code, packages, out } = await packagesLoadedBy([
      'serve',
      '--source',
      'kubernetes',
      '--kubeconfig',
      '/nonexistent/kubeconfig',
      '--listen',
      '127.0.0.1:0',
      '--metrics-listen',
      '127.0.0.1:0',
      '--plain-http',
    ]);
    // A kubeconfig that is not there is bad configuration, found when the source starts.
    expect(code).toBe(2);
    expect(packages).toContain(KUBE_CLIENT);
    expect(out).toMatch(/"msg":"cannot start".*nonexistent\/kubeconfig/);
  });
});
