import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { getJson } from './getJson.ts';

/** One list/watch target: a core/v1 resource in a namespace, narrowed by selectors. */
export interface WatchedResource {
  /** The plural of the URL: `secrets`, `configmaps`. */
  resource: 'secrets' | 'configmaps';
  /** undefined: every namespace. */
  namespace: string | undefined;
  labelSelector?: string | undefined;
  /** Narrows what the server sends (`type=…`, `metadata.name=…`), and for a name, what RBAC must allow. */
  fieldSelector?: string | undefined;
}

export interface ResourceList<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchHandle {
  /** Settles once: null when the server ended the stream cleanly, else what ended it. */
  readonly ended: Promise<unknown>;
  abort(): void;
}

/** What the list/watch supervisor calls, so it can be driven by a fake. */
export interface ListWatchApi<T> {
  /** Every page; `eachPage` may apply a page's items as they arrive and return what the list keeps of them. */
  list(signal: AbortSignal, eachPage?: (items: T[]) => T[]): Promise<ResourceList<T>>;
  watch(resourceVersion: string, onEvent: (type: string, object: unknown) => void): WatchHandle;
  /** The slice of a list item or event object that is kept; undefined for what is not one. */
  toObject(object: unknown): T | undefined;
}

export interface ResourceApiOptions<T> {
  kubeConfig: KubeConfig;
  target: WatchedResource;
  toObject: (object: unknown) => T | undefined;
  /** Items per list page: bounds the size of one response, whatever the number of objects. */
  pageSize?: number;
  /** Per list page (a stalled request must not stall the source). */
  requestTimeoutMs?: number;
  /** The server ends each watch cleanly after this; a bookmark comes just before when it sends any. */
  watchTimeoutSeconds: number;
  /** The caller's own limit on a silent watch; client-node's inactivity timer is pushed beyond it. */
  watchIdleTimeoutMs: number;
  /** How a list page is fetched (tests observe the order of requests). */
  fetchJson?: typeof getJson;
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: unknown[];
}

/** The URL path of a watched resource: cluster-wide or in one namespace. */
export function resourcePath({ resource, namespace }: Pick<WatchedResource, 'resource' | 'namespace'>) {
  return namespace === undefined
    ? `/api/v1/${resource}`
    : `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`;
}

/** Paginated list and bookmarked watch of one resource; the same for token Secrets and cluster data. */
export function createResourceApi<T>({
  kubeConfig,
  target,
  toObject,
  pageSize = 25,
  requestTimeoutMs = 30_000,
  watchTimeoutSeconds,
  watchIdleTimeoutMs,
  fetchJson = getJson,
}: ResourceApiOptions<T>): ListWatchApi<T> {
  const path = resourcePath(target);
  const selectors: Record<string, string> = {};
  if (target.labelSelector) selectors.labelSelector = target.labelSelector;
  if (target.fieldSelector) selectors.fieldSelector = target.fieldSelector;
  const bounded = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);

  return {
    toObject,

    async list(signal, eachPage) {
      const items: T[] = [];
      const fetchPage = (next: string | undefined) => {
        const query = new URLSearchParams({ ...selectors, limit: String(pageSize) });
        if (next !== undefined) query.set('continue', next);
        return fetchJson(kubeConfig, `${path}?${query}`, bounded(signal)) as Promise<ListBody>;
      };
      let pending = fetchPage(undefined);
      for (;;) {
        const page = await pending;
        const next = page.metadata?.continue || undefined;
        // The API server prepares the next page while this one is applied. Only one page waits at a time,
        // which is what bounds memory: keep pages small rather than deepen this.
        if (next !== undefined) {
          pending = fetchPage(next);
          // A failed page is reported by the await above; one fetched for a list that already failed is not.
          pending.catch(() => undefined);
        }
        const objects: T[] = [];
        for (const item of page.items ?? []) {
          const object = toObject(item);
          if (object) objects.push(object);
        }
        // Applied page by page when the caller asks: a page is freed before the next is fetched.
        items.push(...(eachPage ? eachPage(objects) : objects));
        if (next === undefined) return { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
      }
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
        ...selectors,
        resourceVersion,
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
  };
}
