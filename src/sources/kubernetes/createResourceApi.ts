import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { getApiPage } from './getApiPage.ts';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/unwrapEnvelope.ts';
import { ReusableBuffer } from './ReusableBuffer.ts';

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

/** One page of a list, as `list` reads it whatever its encoding. */
export interface DecodedPage<T> {
  items: T[];
  resourceVersion: string | undefined;
  /** The token for the next page; undefined on the last. */
  continue: string | undefined;
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
  /**
   * Every page; `eachPage` may apply items as they arrive (a few at a time) and return what the list keeps
   * of them.
   */
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
  /**
   * Reads a protobuf list page, for the resources whose pages are large (token Secrets): the API server
   * encodes protobuf about twice as fast as JSON and sends Secret values as bytes, not base64. Pages come as
   * JSON without it, and from a server that does not offer protobuf.
   */
  decodeProtobuf?: (bytes: Uint8Array) => DecodedPage<T>;
  /** How a list page is fetched (tests observe the order of requests). */
  fetchPage?: typeof getApiPage;
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
  decodeProtobuf,
  fetchPage = getApiPage,
}: ResourceApiOptions<T>): ListWatchApi<T> {
  const path = resourcePath(target);
  const selectors: Record<string, string> = {};
  if (target.labelSelector) selectors.labelSelector = target.labelSelector;
  if (target.fieldSelector) selectors.fieldSelector = target.fieldSelector;
  const bounded = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(requestTimeoutMs)]);
  const accept = decodeProtobuf ? `${PROTOBUF_MEDIA_TYPE}, application/json;q=0.9` : 'application/json';

  // Decoded (what is kept copied out) before it resolves, so `into` is free again for the next page.
  async function readPage(
    query: URLSearchParams,
    signal: AbortSignal,
    into: ReusableBuffer,
  ): Promise<DecodedPage<T>> {
    const { contentType, body } = await fetchPage(kubeConfig, `${path}?${query}`, bounded(signal), {
      accept,
      into,
    });
    if (decodeProtobuf && contentType === PROTOBUF_MEDIA_TYPE) return decodeProtobuf(body);
    const page = JSON.parse(body.toString('utf8')) as ListBody;
    const items: T[] = [];
    for (const item of page.items ?? []) {
      const object = toObject(item);
      if (object) items.push(object);
    }
    return {
      items,
      resourceVersion: page.metadata?.resourceVersion,
      continue: page.metadata?.continue || undefined,
    };
  }

  return {
    toObject,

    async list(signal, eachPage) {
      const items: T[] = [];
      const into = new ReusableBuffer();
      const nextPage = (next: string | undefined) => {
        const query = new URLSearchParams({ ...selectors, limit: String(pageSize) });
        if (next !== undefined) query.set('continue', next);
        return readPage(query, signal, into);
      };
      let pending = nextPage(undefined);
      for (;;) {
        const page = await pending;
        const next = page.continue;
        // The API server prepares the next page while this one is applied. Only one page waits at a time,
        // which is what bounds memory: keep pages small rather than deepen this.
        if (next !== undefined) {
          pending = nextPage(next);
          // A failed page is reported by the await above; one fetched for a list that already failed is not.
          pending.catch(() => undefined);
        }
        if (!eachPage) items.push(...page.items);
        else {
          // Applied as they arrive, one at a time, letting the next page's bytes in between: each may take
          // milliseconds (a large payload is parsed and validated), and a page read only after the whole page
          // before it was applied would leave the API server waiting on a full socket meanwhile.
          for (const item of page.items) {
            items.push(...eachPage([item]));
            await yieldToEvents();
            signal.throwIfAborted();
          }
        }
        if (next === undefined) return { items, resourceVersion: page.resourceVersion ?? '' };
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
