import { runNodeCommand } from '../../src/cli/node/runNodeCommand.ts';
import type { NodeCommandContext } from '../../src/cli/node/NodeCommandContext.ts';
import type { KubeApi } from '../../src/kube/KubeApi.ts';
import { createSecretRevoker } from '../../src/nodes/createSecretRevoker.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `kindling node …` / `kindling machines …` as the command line runs them, against `api`. */
export async function runCli(
  args: string[],
  api: KubeApi,
  overrides: Partial<NodeCommandContext> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runNodeCommand(
    args,
    {},
    {
      env: {},
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      connect: () => api,
      revoker: createSecretRevoker,
      fetch: globalThis.fetch,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...overrides,
    },
  );
  return { code, stdout, stderr };
}
