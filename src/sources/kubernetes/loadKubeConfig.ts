import { KubeConfig } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { KindlingError } from '../../errors/KindlingError.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConnection {
  kubeConfig: KubeConfig;
  /** For the log line that states the choice: which credentials, from where (never their content). */
  credentials: string;
  server: string;
  /** The pod's own namespace when running in-cluster. */
  namespace: string | undefined;
}

export interface LoadKubeConfigOptions {
  /** `--kubeconfig`: an explicit choice, so it wins even inside a pod. */
  kubeconfig?: string | undefined;
  env?: NodeJS.ProcessEnv;
  serviceAccountDir?: string;
}

function fromFiles(files: string[], origin: string): KubeConnection {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(files[0] ?? '');
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kubeConfig.mergeConfig(more);
    }
  } catch (error) {
    // A YAML parser quotes the offending line, which may hold a token: only a system error code is shown.
    const code = (error as NodeJS.ErrnoException).code;
    const reason = typeof code === 'string' ? code : 'not a valid kubeconfig';
    throw new KindlingError(
      'ERR_CONFIG_INVALID',
      `cannot load kubeconfig ${files.join(delimiter)} (${origin}): ${reason}`,
      {
        path: 'kubeconfig',
        cause: error,
      },
    );
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new KindlingError(
      'ERR_CONFIG_INVALID',
      `kubeconfig ${files.join(delimiter)} (${origin}) has no current cluster`,
      {
        path: 'kubeconfig',
      },
    );
  }
  return {
    kubeConfig,
    credentials: `kubeconfig ${files.join(delimiter)} (${origin}), context ${kubeConfig.getCurrentContext()}`,
    server: cluster.server,
    namespace: undefined,
  };
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile)
    ? readFileSync(namespaceFile, 'utf8').trim() || undefined
    : undefined;
  const kubeConfig = new KubeConfig();
  // What KubeConfig.loadFromCluster builds, but from the environment given rather than process.env. The
  // token file is re-read as the kubelet rotates it.
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    users: [
      { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } },
    ],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace }],
    currentContext: 'in-cluster',
  });
  return { kubeConfig, credentials: `in-cluster service account (${dir})`, server, namespace };
}

/**
 * Chooses the credentials explicitly, unlike `KubeConfig.loadFromDefault()` (which prefers $KUBECONFIG and
 * ~/.kube/config over the pod's service account): `--kubeconfig` when given, else the service account when
 * running in a pod, else `$KUBECONFIG`. Never ~/.kube/config. Throws ERR_CONFIG_INVALID when none applies.
 */
export function loadKubeConfig({
  kubeconfig,
  env = process.env,
  serviceAccountDir = SERVICE_ACCOUNT_DIR,
}: LoadKubeConfigOptions = {}): KubeConnection {
  if (kubeconfig !== undefined) return fromFiles([kubeconfig], '--kubeconfig');
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(serviceAccountDir, 'token'))) {
    return inCluster(env, serviceAccountDir);
  }
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (files.length > 0) return fromFiles(files, '$KUBECONFIG');
  throw new KindlingError(
    'ERR_CONFIG_INVALID',
    `no Kubernetes credentials: not in a pod (no service account token in ${serviceAccountDir} or no ` +
      'KUBERNETES_SERVICE_HOST), and neither --kubeconfig nor $KUBECONFIG is set',
    { path: 'kubeconfig' },
  );
}
