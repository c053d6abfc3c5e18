/**
 * What the server fetched from the cluster for a template, as templateNeeds asked. Every field is optional:
 * a value the template itself holds wins, and a template that holds everything renders with `{}`.
 */
export interface ClusterData {
  /** `host:port`, from `kube-public/cluster-info` (readClusterInfo); used when the template has none. */
  apiServerEndpoint?: string;
  /** `<id>.<secret>`, from the referenced `kube-system/bootstrap-token-<id>` Secret (readBootstrapTokenSecret). */
  bootstrapToken?: string;
  /** `sha256:<hex>`, from `kube-public/cluster-info`; used when the template lists none. */
  caCertHashes?: readonly string[];
  /** The machine a per-machine token belongs to; the hostname when the policy is `machine-name`. */
  machineName?: string;
  /** 64 hex digits, from the Secret `controlPlane.certificateKey.secretRef` names. */
  certificateKey?: string;
}
