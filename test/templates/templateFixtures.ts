import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ClusterData } from '../../src/templates/ClusterData.ts';
import { parseNodeTemplate } from '../../src/templates/parseNodeTemplate.ts';
import type { NodeTemplate } from '../../src/templates/NodeTemplate.ts';
import { readBootstrapTokenSecret } from '../../src/templates/readBootstrapTokenSecret.ts';
import { readClusterInfo } from '../../src/templates/readClusterInfo.ts';

export const TEMPLATES_DIR = new URL('../../fixtures/templates/', import.meta.url).pathname;
const GOLDEN_SUFFIXES = ['.cloud-config.yaml'];

/** The template fixtures by name (`worker` for fixtures/templates/worker.yaml); goldens are not templates. */
export const TEMPLATE_NAMES = readdirSync(TEMPLATES_DIR)
  .filter((file) => file.endsWith('.yaml') && !GOLDEN_SUFFIXES.some((suffix) => file.endsWith(suffix)))
  .map((file) => file.slice(0, -'.yaml'.length))
  .sort();

export function readTemplate(name: string): NodeTemplate {
  return parseNodeTemplate(readFileSync(`${TEMPLATES_DIR}${name}.yaml`, 'utf8'));
}

export const FIXTURE_TOKEN = 'abcdef.0123456789abcdef';
export const FIXTURE_CA_HASH = 'sha256:c6cf0075dbb70f27c8fcf9c8aaca90ec70097a80db389f6c953057ca427c98d3';
export const FIXTURE_CERTIFICATE_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
export const FIXTURE_MACHINE = 'cp-2';

/**
 * The cluster data the golden files are rendered with, read the way the server will read it: from the
 * cluster-info ConfigMap and bootstrap-token Secret under fixtures/templates/cluster/.
 */
export function fixtureClusterData(): ClusterData {
  const configMap = parse(readFileSync(`${TEMPLATES_DIR}cluster/cluster-info.yaml`, 'utf8')) as {
    data: { kubeconfig: string };
  };
  const info = readClusterInfo(configMap.data.kubeconfig);
  const secret = parse(readFileSync(`${TEMPLATES_DIR}cluster/bootstrap-token-abcdef.yaml`, 'utf8'));
  return {
    apiServerEndpoint: info.apiServerEndpoint,
    caCertHashes: info.caCertHashes,
    bootstrapToken: readBootstrapTokenSecret(secret).token,
    machineName: FIXTURE_MACHINE,
    certificateKey: FIXTURE_CERTIFICATE_KEY,
  };
}

/** A template from inline YAML lines, with a working inline cluster section unless `cluster:` is given. */
export function templateFrom(body: string): NodeTemplate {
  const cluster = body.includes('cluster:')
    ? ''
    : `cluster:\n  apiServerEndpoint: 192.0.2.10:6443\n  bootstrapToken: { value: ${FIXTURE_TOKEN} }\n  caCertHashes: [${FIXTURE_CA_HASH}]\n`;
  return parseNodeTemplate(`apiVersion: kindling.dev/v1\nkind: NodeTemplate\n${cluster}${body}`);
}

/** `which`: the tool's path, or undefined. */
export function findTool(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a suite needing an external tool skips: in CI (`CI=true`) it must not pass by skipping, so it runs
 * and fails; elsewhere it skips, saying why once.
 */
export function skipWithout(tool: string, why: string): boolean {
  if (findTool(tool) !== undefined) return false;
  if (process.env.CI === 'true' || process.env.CI === '1') return false;
  console.warn(`[skipped] ${tool} is not installed: ${why}`);
  return true;
}
