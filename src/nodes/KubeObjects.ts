/*
 * The parts of Nodes and Pods that node operations read, as the API server sends them (JSON: timestamps
 * are strings). Everything is optional, as in the API: an absent list is an empty one.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export interface NodeObject {
  metadata: ObjectMeta;
  spec?: { unschedulable?: boolean; taints?: Taint[] };
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface PodObject {
  metadata: ObjectMeta & { namespace: string };
  spec?: { nodeName?: string; tolerations?: Toleration[]; terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}
