import {
  CoreV1Api,
  Observable,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { SecretObject } from '../../tokens/SecretObject.ts';
import { getJson } from './getJson.ts';
import { toSecretObject } from './toSecretObject.ts';

export interface SecretList {
  items: SecretObject[];
  resourceVersion: string;
}

export interface WatchHandle {
  /** Settles once: null when the server ended the stream cleanly, else what ended it. */
  readonly ended: Promise<unknown>;
  abort(): void;
}

export interface SecretRef {
  namespace: string;
  name: string;
}

/** The four calls the source makes, so the supervisor and the recorder can be driven by fakes. */
export interface SecretsApi {
  list(signal: AbortSignal): Promise<SecretList>;
  watch(resourceVersion: string, onEvent: (type: string, object: unknown) => void): WatchHandle;
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

interface SecretListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
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

export function createSecretsApi({
  kubeConfig,
  namespace,
  labelSelector,
  pageSize = 100,
  requestTimeoutMs = 30_000,
  watchTimeoutSeconds,
  watchIdleTimeoutMs,
}: SecretsApiOptions): SecretsApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const path =
    namespace === undefined
      ? '/api/v1/secrets'
      : `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  const bounded = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);

  return {
    async list(signal) {
      const items: SecretObject[] = [];
      let resourceVersion: string;
      let next: string | undefined;
      do {
        const query = new URLSearchParams({ labelSelector, limit: String(pageSize) });
        if (next !== undefined) query.set('continue', next);
        const page = (await getJson(kubeConfig, `${path}?${query}`, bounded(signal))) as SecretListBody;
        for (const item of page.items ?? []) {
          const secret = toSecretObject(item);
          if (secret) items.push(secret);
        }
        resourceVersion = page.metadata?.resourceVersion ?? '';
        next = page.metadata?.continue || undefined;
      } while (next !== undefined);
      return { items, resourceVersion };
    },

    watch(resourceVersion, onEvent) {
      const watcher = new Watch(kubeConfig);
      // client-node aborts a watch silent for 30 s (a field its typings mark private). The supervisor owns the
      // idle limit, with injected timers; this one only stays out of its way and backs it up.
      Object.assign(watcher, { requestTimeoutMs: 2 * watchIdleTimeoutMs });
      let controller: AbortController | undefined;
      let over = false;
      let settle: (value: unknown) => void = () => undefined;
      const ended = new Promise<unknown>((resolve) => (settle = resolve));
      const finish = (value: unknown) => {
        if (over) return;
        over = true;
        controller?.abort();
        settle(value);
      };
      const query = {
        resourceVersion,
        labelSelector,
        allowWatchBookmarks: true,
        timeoutSeconds: watchTimeoutSeconds,
      };
      // `done` may run before `watch()` resolves (connection refused), and `watch()` itself rejects when the
      // credentials cannot be applied: both end this handle exactly once.
      watcher
        .watch(
          path,
          query,
          (type, object) => over || onEvent(type, object),
          (error) => finish(error ?? null),
        )
        .then((abort) => {
          controller = abort;
          if (over) abort.abort();
        })
        .catch(finish);
      return { ended, abort: () => finish(new DOMException('watch aborted', 'AbortError')) };
    },

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
