import {
  CoreV1Api,
  Observable,
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { SecretObject } from '../../tokens/SecretObject.ts';
import { createResourceApi, type ListWatchApi, type ResourceList } from './createResourceApi.ts';
import { decodeSecretList } from './protobuf/decodeSecretList.ts';
import { toSecretObject } from './toSecretObject.ts';

export type SecretList = ResourceList<SecretObject>;

export interface SecretRef {
  namespace: string;
  name: string;
}

/** The calls the source makes on token Secrets, so the supervisor and the recorders can be driven by fakes. */
export interface SecretsApi extends ListWatchApi<SecretObject> {
  read(ref: SecretRef, signal: AbortSignal): Promise<SecretObject | undefined>;
  /** A JSON merge patch; `metadata.resourceVersion` in it makes the API server refuse a stale write (409). */
  mergePatch(ref: SecretRef, patch: Record<string, unknown>, signal: AbortSignal): Promise<void>;
}

export interface SecretsApiOptions {
  kubeConfig: KubeConfig;
  /** undefined: every namespace. */
  namespace: string | undefined;
  labelSelector: string;
  /** Items per list page: bounds the size of one response, whatever the number of Secrets. */
  pageSize?: number;
  /** Per request, for list pages, reads and patches (a stalled request must not stall the source). */
  requestTimeoutMs?: number;
  /** The server ends each watch cleanly after this; a bookmark comes just before when it sends any. */
  watchTimeoutSeconds: number;
  /** The caller's own limit on a silent watch; client-node's inactivity timer is pushed beyond it. */
  watchIdleTimeoutMs: number;
}

const resolved = <T>(value: T) => new Observable<T>(Promise.resolve(value));

/** Lets a generated API call be cancelled: client-node takes a signal only through a middleware. */
function withSignal(signal: AbortSignal, options?: ConfigurationOptions): ConfigurationOptions {
  const middleware = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return resolved(context);
    },
    post: (context: ResponseContext) => resolved(context),
  };
  return {
    ...options,
    middleware: [...(options?.middleware ?? []), middleware],
    middlewareMergeStrategy: 'append',
  };
}

/** Token Secrets: list and watch on the label selector, plus the reads and patches of the recorders. */
export function createSecretsApi({
  kubeConfig,
  namespace,
  labelSelector,
  pageSize,
  requestTimeoutMs = 30_000,
  watchTimeoutSeconds,
  watchIdleTimeoutMs,
}: SecretsApiOptions): SecretsApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const bounded = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);
  const listWatch = createResourceApi({
    kubeConfig,
    target: { resource: 'secrets', namespace, labelSelector },
    toObject: toSecretObject,
    decodeProtobuf: decodeSecretList,
    pageSize,
    requestTimeoutMs,
    watchTimeoutSeconds,
    watchIdleTimeoutMs,
  });

  return {
    ...listWatch,

    async read({ namespace: ns, name }, signal) {
      return toSecretObject(
        await core.readNamespacedSecret({ namespace: ns, name }, withSignal(bounded(signal))),
      );
    },

    async mergePatch({ namespace: ns, name }, patch, signal) {
      const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch, withSignal(bounded(signal)));
      await core.patchNamespacedSecret({ namespace: ns, name, body: patch }, options);
    },
  };
}
