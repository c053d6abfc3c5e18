import { describe, expect, it } from 'vitest';
import { runTokenCommand } from '../../../src/cli/token/runTokenCommand.ts';

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runTokenCommand(args, env, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    homeDir: undefined,
  });
  return { code, stdout, stderr };
}

// What needs no cluster: help, dispatch, and the choice of credentials.

describe('runTokenCommand', () => {
  it('lists every command on --help (exit 0), and with no subcommand (exit 2)', async () => {
    const help = await run(['token', '--help']);
    expect(help.code).toBe(0);
    for (const command of ['create', 'rotate', 'revoke', 'list', 'mint', 'rotate-key']) {
      expect(help.stdout).toContain(`kindling token ${command}`);
    }
    expect(help.stdout).toContain('kindling stub');
    expect((await run(['token'])).code).toBe(2);
  });

  it('describes one command and its flags', async () => {
    const help = await run(['stub', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kindling stub --pool NAME/);
    expect(help.stdout).toMatch(/^ {2}--to-secret NAME\s+store it as a userdata Secret/m);
    expect(help.stdout).toMatch(/^ {2}-n, --namespace NS\s+the server's namespace/m);
  });

  it('refuses an unknown subcommand with exit 2', async () => {
    const unknown = await run(['token', 'frobnicate', '--pool', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^kindling: unknown command "token frobnicate"/);
  });

  it('exits 2 naming --kubeconfig when the credentials cannot be loaded, before any request', async () => {
    const missing = await run(['token', 'list', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(
      /cannot load kubeconfig \/nonexistent\/kubeconfig \(--kubeconfig\): ENOENT/,
    );
    const none = await run(['token', 'list']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Kubernetes credentials/);
  });

  it('checks flags before it looks for credentials', async () => {
    const bad = await run(['token', 'rotate', '--pool', 'workers', '--overlap', 'a while']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'kindling token rotate: --overlap must be a duration such as 30m, 6h, 24h, 7d, or 0\nSee: kindling token rotate --help\n',
    );
  });
});
