export const NODE_USAGE = `Usage:
  kindling node maintenance NAME on [--reason TEXT] [--timeout 10m]
      Cordon NAME, evict the pods that must leave through the Eviction API (DaemonSet and mirror pods
      stay; PodDisruptionBudgets respected), then taint it kindling.dev/maintenance=drain:NoExecute.
      Exits 1 at --timeout, listing the pods still there and why; running it again carries on.
  kindling node maintenance NAME off
      Remove the maintenance taint and uncordon NAME.
  kindling node remove NAME [--timeout 10m] [--force] [--namespace kindling]
      Cordon, evict every pod (DaemonSet and mirror pods skipped; PodDisruptionBudgets respected and
      retried until --timeout; --force then deletes what could not be evicted), delete the Node, revoke
      the machine's own token so that its stub can never fetch a payload again, delete its report.
  kindling machines list [-o table|json] [--namespace kindling | --metrics-url URL]
      The latest report of each machine (POST /advertise): from the ConfigMaps of the namespace, or
      from a server with a directory source, through its metrics port (GET URL/machines).
  kindling machines label --label-facts FACT,... [NAME ...] [--namespace kindling]
      Copy facts of the reports (of NAME ..., else of every machine) to their Nodes as labels
      facts.kindling.dev/FACT. Facts: FACTS.

Options of every command:
  --kubeconfig FILE   the cluster (default: $KUBECONFIG, else ~/.kube/config, else the pod's account)
  --namespace NS      kindling's namespace: reports and token Secrets (default $KINDLING_NAMESPACE, else kindling)
`;
