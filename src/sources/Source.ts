import type { MachineReportStore } from '../machines/MachineReportStore.ts';
import type { SecretObject } from '../tokens/SecretObject.ts';
import type { ClusterObject, ClusterRef } from './ClusterObject.ts';
import type { TokenSecret } from '../tokens/TokenSecret.ts';
import type { StoreObserver } from '../store/StoreObserver.ts';

/**
 * Where token Secrets come from. A source pushes what it sees into a sink (the store); it never decides
 * what is valid: every rule is checked once, in the store, whatever the source.
 */
export interface SourceSink {
  /** The complete set of selected Secrets (first load, relist). The first call makes the server ready. */
  replace(secrets: readonly SecretObject[]): void;
  upsert(secret: SecretObject): void;
  remove(ref: { namespace?: string | undefined; name: string }): void;
  /** Cluster data templates read (see ClusterObject.ts); sources that have none never call it. */
  readonly cluster: ClusterSink;
}

export interface ClusterSink {
  /** Every cluster object of one kind the source watches (relist): what is not listed is gone. */
  replace(kind: ClusterObject['kind'], objects: readonly ClusterObject[]): void;
  upsert(object: ClusterObject): void;
  remove(ref: ClusterRef): void;
}

export interface Source {
  /** For logs: which source, where (never a credential). */
  readonly description: string;
  /** Starts feeding `sink`; resolves once the source is running, not necessarily loaded. */
  start(sink: SourceSink): Promise<void>;
  stop(): Promise<void>;
  /**
   * Where machine reports (POST /advertise) are kept, once started: the Kubernetes source keeps a ConfigMap
   * per machine. Undefined: the server keeps them in memory.
   */
  readonly machineReports?: MachineReportStore | undefined;
  /**
   * Called after a token's payload was served (200 or 304). Off the request path and best effort: a source
   * that records first fetches (the Kubernetes one annotates the Secret) queues the work and returns.
   */
  recordFetch?(secret: TokenSecret, tokenHash: string, remoteAddress: string): void;
  /**
   * Called after a per-machine token's payload was served (200 or 304), at every such answer: the source
   * keeps the first per machine token. Off the request path and best effort, as `recordFetch`. The record
   * (format v1, src/tokens/machineRecordsFormat.ts, read by `token list --pool`): in the Secret
   * `kindling-machines-<pool>` of the server's namespace, data key `<jti>.first-fetch` = base64 of the JSON
   * `{"at": "<RFC 3339>", "from": "<address, IPv4-mapped IPv6 written as IPv4>"}`, written once (a JSON
   * merge patch of that key alone, so that writers of other keys never collide). The directory source does
   * not record first fetches (it has nowhere to write them back).
   */
  recordMachineFetch?(pool: string, jti: string, machine: string, remoteAddress: string): void;
  /**
   * What the source does with the store's verdicts, beside logs and metrics: the Kubernetes one writes each
   * template Secret's render status back on it. Called off the request path, as the store applies changes.
   */
  readonly storeObserver?: StoreObserver;
}
