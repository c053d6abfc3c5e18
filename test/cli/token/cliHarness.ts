import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseIgnition } from '../../../src/payload/validateIgnition.ts';
import { runTokenCommand } from '../../../src/cli/token/runTokenCommand.ts';
import type { CommandContext } from '../../../src/cli/token/CommandContext.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  /** Runs `kindling ARGS --namespace NS --kubeconfig FILE` in-process. */
  run(args: readonly string[], overrides?: Partial<Omit<CommandContext, 'env'>>): Promise<CliRun>;
  /** A file in the harness's temp directory. */
  file(name: string, content: string | Buffer): string;
  kubeconfigFile: string;
  cleanUp(): void;
}

/** The CLI against one namespace, authenticated as the kubeconfig's user (written to a file, as a user has it). */
export function createCli(kubeConfig: KubeConfig, namespace: string): Cli {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-cli-'));
  const kubeconfigFile = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigFile, kubeConfig.exportConfig(), { mode: 0o600 });
  return {
    kubeconfigFile,
    async run(args, overrides = {}) {
      let stdout = '';
      let stderr = '';
      const code = await runTokenCommand(
        [...args, '--namespace', namespace, '--kubeconfig', kubeconfigFile],
        {},
        {
          stdout: (text) => void (stdout += text),
          stderr: (text) => void (stderr += text),
          homeDir: undefined,
          ...overrides,
        },
      );
      return { code, stdout, stderr };
    },
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A Secret's data value, decoded. */
export function plain(data: Record<string, string> | undefined, key: string): string | undefined {
  const value = data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

export interface StubMerge {
  source: string;
  compression?: string;
  verification?: { hash: string };
  httpHeaders: { name: string; value: string }[];
}

/** The one `config.merge` entry of an Ignition stub, after checking the stub as Ignition would. */
export function stubMerge(text: string): StubMerge {
  parseIgnition(Buffer.from(text));
  const stub = JSON.parse(text) as { ignition: { config: { merge: StubMerge[] } } };
  const [merge] = stub.ignition.config.merge;
  if (merge === undefined) throw new Error('the stub has no config.merge entry');
  return merge;
}
