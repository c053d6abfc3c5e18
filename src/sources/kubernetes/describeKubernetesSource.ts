/**
 * For logs, before and after start: which namespaces and which Secrets. Its own module so that the server can
 * name the source before the Kubernetes client is loaded (see createDeferredSource.ts).
 */
export function describeKubernetesSource({
  namespace,
  allNamespaces = false,
  selector,
}: {
  namespace?: string | undefined;
  allNamespaces?: boolean | undefined;
  selector: string;
}): string {
  const scope = allNamespaces
    ? 'all namespaces'
    : namespace === undefined
      ? 'default namespace'
      : `namespace ${namespace}`;
  return `kubernetes (${scope}, selector ${selector})`;
}
