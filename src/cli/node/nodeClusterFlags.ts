import { kubeconfigFile, namespaceName } from '../flags/flagSchemas.ts';

/**
 * --namespace and --kubeconfig as node and machines commands read them: the namespace stays undefined when
 * not given, for namespaceOf to default it (and `machines list` to tell it from --metrics-url).
 */
export const nodeClusterFlags = {
  namespace: namespaceName.optional(),
  kubeconfig: kubeconfigFile,
};

/** kindling's namespace: `--namespace`, else $KINDLING_NAMESPACE (set in its pod), else kindling. */
export function namespaceOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? (env.KINDLING_NAMESPACE || 'kindling');
}
