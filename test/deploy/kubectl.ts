import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** A rendered Kubernetes object; the tests read into it with optional chaining. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML
  spec?: any;
  [key: string]: unknown;
};

/** `which kubectl`: the first executable on PATH. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * What a suite does about a missing tool: in CI (`CI=true`) the suite must not pass by skipping, so it fails
 * with `why`; elsewhere it skips with `why` printed once.
 */
export function missingTool(why: string): 'fail' | 'skip' {
  if (process.env.CI === 'true' || process.env.CI === '1') return 'fail';
  console.warn(`[skipped] ${why}`);
  return 'skip';
}

export function kubectl(args: string[], { input, kubeconfig }: { input?: string; kubeconfig?: string } = {}) {
  try {
    return execFileSync(findKubectl() ?? 'kubectl', args, {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}) },
      timeout: 60_000,
    });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`kubectl ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`, { cause: error });
  }
}

export function parseObjects(yaml: string): KubeObject[] {
  return parseAllDocuments(yaml).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map(String).join('\n'));
    return document.toJS() as KubeObject;
  });
}

/** `kubectl kustomize DIR` (relative to the repository), parsed. */
export function render(dir: string): KubeObject[] {
  return parseObjects(kubectl(['kustomize', dir]));
}
