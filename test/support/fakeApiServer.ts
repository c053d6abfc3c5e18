import { KubeConfig } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseSelector, type LabelMatcher } from '../../src/sources/parseSelector.ts';
import type { SecretObject } from '../../src/tokens/SecretObject.ts';

/**
 * An in-process kube-apiserver for Secrets and ConfigMaps that behaves as ../shared/notes/kubernetes-watch.md
 * records of a real one: list shape, one cluster-wide resourceVersion counter, watches that send only newer
 * changes (synthetic ADDED from "", "0" or unset), DELETED with a new resourceVersion, no event for a no-op
 * update, clean ends at timeoutSeconds, 410 as an ERROR event inside an HTTP 200 stream, bookmarks only when
 * asked for, 401/403 as Status JSON, label and field selectors (`metadata.name`, `metadata.namespace`, and
 * `type` on Secrets). Plus the faults to survive: dropped connections, connection refused, stalls.
 */

type Resource = 'secrets' | 'configmaps';
/** A Secret (`type` set) or a ConfigMap (plain `data`), as stored. */
type StoredSecret = Pick<SecretObject, 'metadata' | 'type'> & { data: Record<string, string> };
type Verb = 'list' | 'watch' | 'get' | 'patch' | 'create';
type Matcher = (object: StoredSecret) => boolean;

interface Change {
  resource: Resource;
  resourceVersion: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  before: StoredSecret | undefined;
  after: StoredSecret;
}

interface Watcher {
  response: ServerResponse;
  resource: Resource;
  namespace: string | undefined;
  matches: Matcher;
  bookmarks: boolean;
  stalled: boolean;
  timer: NodeJS.Timeout;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  user: string | undefined;
}

export interface FakeApiServerOptions {
  /** Changes kept for watches; a watch from before the oldest kept one gets the 410 ERROR event. */
  historyLimit?: number;
  /** The length of a watch that gives no timeoutSeconds (a real server picks 30–60 min). */
  defaultWatchTimeoutSeconds?: number;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

const KINDS: Record<Resource, string> = { secrets: 'Secret', configmaps: 'ConfigMap' };
const asEvent = (resource: Resource, object: StoredSecret) => ({
  kind: KINDS[resource],
  apiVersion: 'v1',
  ...object,
});
const key = (namespace: string, name: string, resource: Resource = 'secrets') =>
  `${resource}|${namespace}/${name}`;
const resourceOf = (object: { kind?: string }): Resource =>
  object.kind === 'ConfigMap' ? 'configmaps' : 'secrets';

/** `a=b,c!=d` on the fields the real server indexes; anything else is its 400. */
function fieldMatcher(resource: Resource, selector: string): Matcher | undefined {
  const fields: Record<string, (object: StoredSecret) => string | undefined> = {
    'metadata.name': (o) => o.metadata.name,
    'metadata.namespace': (o) => o.metadata.namespace,
    ...(resource === 'secrets' ? { type: (o: StoredSecret) => o.type } : {}),
  };
  const terms = selector.split(',').filter(Boolean);
  const tests: Matcher[] = [];
  for (const term of terms) {
    const [, field = '', op, value = ''] = /^([^=!]+)(==|=|!=)(.*)$/.exec(term) ?? [];
    const read = fields[field];
    if (!read || !op) return undefined;
    tests.push((o) => (read(o) === value) === (op !== '!='));
  }
  return (o) => tests.every((test) => test(o));
}

function matcher(resource: Resource, query: URLSearchParams): Matcher | undefined {
  const labels: LabelMatcher = parseSelector(query.get('labelSelector') ?? '');
  const fields = fieldMatcher(resource, query.get('fieldSelector') ?? '');
  return fields && ((o) => labels(o.metadata.labels) && fields(o));
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = mergePatch(result[name], value);
  }
  return result;
}

export async function startFakeApiServer({
  historyLimit = 1_000,
  defaultWatchTimeoutSeconds = 1_800,
}: FakeApiServerOptions = {}) {
  const secrets = new Map<string, StoredSecret>(); // Secrets and ConfigMaps, by key()
  const history: Change[] = [];
  const watchers = new Set<Watcher>();
  const sockets = new Set<Socket>();
  const tokens = new Map<string, string>([['admin-token', 'admin']]);
  const grants = new Set<string>();
  const requests: RecordedRequest[] = [];
  const injected: { verb: Verb; code: number; count: number; namespace: string | undefined }[] = [];
  let resourceVersion = 100;
  // Watches from a resourceVersion below this get 410 (history was compacted or the server restarted).
  let oldestWatchable = resourceVersion;
  // Requests of these verbs get no answer, or for a watch, headers and then nothing, ever.
  let stalled = new Set<Verb>();
  let stalledIn: string | undefined;
  const stalls = (verb: Verb, namespace: string | undefined) =>
    stalled.has(verb) && (stalledIn === undefined || stalledIn === namespace);

  function allowed(user: string, resource: Resource, verb: Verb, namespace: string | undefined) {
    if (user === 'admin') return true;
    return (
      grants.has(`${user}|${resource}|${verb}|*`) ||
      (namespace !== undefined && grants.has(`${user}|${resource}|${verb}|${namespace}`))
    );
  }

  function send(watcher: Watcher, type: string, object: unknown) {
    if (!watcher.stalled) watcher.response.write(`${JSON.stringify({ type, object })}\n`);
  }

  function endWatch(watcher: Watcher) {
    clearTimeout(watcher.timer);
    watchers.delete(watcher);
    watcher.response.end();
  }

  function deliver(change: Change, watcher: Watcher) {
    if (watcher.resource !== change.resource) return;
    if (watcher.namespace !== undefined && change.after.metadata.namespace !== watcher.namespace) return;
    const was = change.before !== undefined && watcher.matches(change.before);
    const is = change.type !== 'DELETED' && watcher.matches(change.after);
    // A filtered watch turns "stopped matching" into DELETED and "started matching" into ADDED.
    const type = was && is ? change.type : is ? 'ADDED' : was ? 'DELETED' : undefined;
    if (type) send(watcher, type, asEvent(change.resource, change.after));
  }

  function record(
    resource: Resource,
    type: Change['type'],
    before: StoredSecret | undefined,
    after: StoredSecret,
  ) {
    const change = { resource, resourceVersion, type, before, after };
    history.push(change);
    if (history.length > historyLimit) oldestWatchable = (history.shift() as Change).resourceVersion;
    for (const watcher of watchers) deliver(change, watcher);
  }

  function normalize(secret: SecretObject, previous: StoredSecret | undefined): StoredSecret {
    const configMap = resourceOf(secret) === 'configmaps';
    const data: Record<string, string> = { ...secret.data };
    for (const [name, value] of Object.entries(secret.stringData ?? {})) {
      data[name] = Buffer.from(value).toString('base64');
    }
    const { name, namespace = 'default', labels, annotations } = secret.metadata;
    return {
      ...(configMap ? {} : { type: secret.type ?? 'Opaque' }),
      metadata: {
        name,
        namespace,
        uid: previous?.metadata.uid ?? randomUUID(),
        resourceVersion: previous?.metadata.resourceVersion ?? '',
        ...(labels ? { labels } : {}),
        ...(annotations ? { annotations } : {}),
      },
      data,
    };
  }

  /**
   * Creates or updates a Secret, or a ConfigMap (`kind: ConfigMap`); `missed`: no watch ever hears of it
   * (what a periodic relist must repair).
   */
  function put(secret: SecretObject, { missed = false }: { missed?: boolean } = {}): string {
    const resource = resourceOf(secret);
    const id = key(secret.metadata.namespace ?? 'default', secret.metadata.name, resource);
    const before = secrets.get(id);
    const next = normalize(secret, before);
    if (before && same(next, before)) return before.metadata.resourceVersion ?? '';
    next.metadata.resourceVersion = String(++resourceVersion);
    secrets.set(id, next);
    if (!missed) record(resource, before ? 'MODIFIED' : 'ADDED', before, next);
    return next.metadata.resourceVersion;
  }

  function remove(namespace: string, name: string, resource: Resource = 'secrets') {
    const before = secrets.get(key(namespace, name, resource));
    if (!before) return;
    secrets.delete(key(namespace, name, resource));
    const after = { ...before, metadata: { ...before.metadata, resourceVersion: String(++resourceVersion) } };
    record(resource, 'DELETED', before, after);
  }

  function selected(resource: Resource, namespace: string | undefined, matches: Matcher) {
    return [...secrets.entries()]
      .filter(([id]) => id.startsWith(`${resource}|`))
      .map(([, object]) => object)
      .filter((s) => namespace === undefined || s.metadata.namespace === namespace)
      .filter(matches)
      .sort((a, b) =>
        key(a.metadata.namespace ?? '', a.metadata.name).localeCompare(
          key(b.metadata.namespace ?? '', b.metadata.name),
        ),
      );
  }

  // A paginated list is one consistent snapshot: later pages come from the snapshot of the first.
  const snapshots = new Map<string, { items: StoredSecret[]; resourceVersion: string }>();

  function list(
    response: ServerResponse,
    resource: Resource,
    namespace: string | undefined,
    query: URLSearchParams,
    matches: Matcher,
  ) {
    const token = query.get('continue');
    let snapshot = token ? snapshots.get(token.split(':')[0] ?? '') : undefined;
    if (token && !snapshot) {
      return json(
        response,
        410,
        status(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result.',
        ),
      );
    }
    snapshot ??= {
      items: selected(resource, namespace, matches),
      resourceVersion: String(resourceVersion),
    };
    const offset = token ? Number(token.split(':')[1]) : 0;
    const limit = Number(query.get('limit') ?? 0) || snapshot.items.length;
    const items = snapshot.items.slice(offset, offset + limit);
    const metadata: Record<string, string> = { resourceVersion: snapshot.resourceVersion };
    if (offset + limit < snapshot.items.length) {
      const id = token?.split(':')[0] ?? randomUUID();
      snapshots.set(id, snapshot);
      metadata.continue = `${id}:${offset + limit}`;
    }
    json(response, 200, { kind: `${KINDS[resource]}List`, apiVersion: 'v1', metadata, items });
  }

  function watch(
    response: ServerResponse,
    resource: Resource,
    namespace: string | undefined,
    query: URLSearchParams,
    matches: Matcher,
  ) {
    const from = query.get('resourceVersion') ?? '';
    const seconds = Number(query.get('timeoutSeconds') ?? defaultWatchTimeoutSeconds);
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders();
    const watcher: Watcher = {
      response,
      resource,
      namespace,
      matches,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
      stalled: stalls('watch', namespace),
      timer: setTimeout(() => {
        if (watcher.stalled) return;
        if (watcher.bookmarks) bookmarkTo(watcher);
        endWatch(watcher);
      }, seconds * 1000),
    };
    response.on('close', () => {
      clearTimeout(watcher.timer);
      watchers.delete(watcher);
    });
    if (from === '' || from === '0') {
      for (const object of selected(resource, namespace, matches)) {
        send(watcher, 'ADDED', asEvent(resource, object));
      }
    } else if (Number(from) < oldestWatchable) {
      send(
        watcher,
        'ERROR',
        status(410, 'Expired', `too old resource version: ${from} (${oldestWatchable})`),
      );
      clearTimeout(watcher.timer);
      return void response.end();
    } else {
      for (const change of history) if (change.resourceVersion > Number(from)) deliver(change, watcher);
    }
    watchers.add(watcher);
  }

  function bookmarkTo(watcher: Watcher) {
    send(watcher, 'BOOKMARK', {
      kind: KINDS[watcher.resource],
      apiVersion: 'v1',
      metadata: { resourceVersion: String(resourceVersion) },
    });
  }

  function json(response: ServerResponse, code: number, body: unknown) {
    response.writeHead(code, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function bodyOf(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  }

  /** POST: 409 AlreadyExists when the name is taken, as the real one. */
  async function create(
    request: IncomingMessage,
    response: ServerResponse,
    resource: Resource,
    namespace: string,
  ) {
    const body = JSON.parse(await bodyOf(request)) as SecretObject;
    const name = body.metadata.name;
    if (secrets.has(key(namespace, name, resource))) {
      return json(response, 409, status(409, 'AlreadyExists', `${resource} "${name}" already exists`));
    }
    put({ ...body, kind: KINDS[resource], metadata: { ...body.metadata, namespace } } as SecretObject);
    json(response, 201, asEvent(resource, secrets.get(key(namespace, name, resource)) as StoredSecret));
  }

  async function patch(
    request: IncomingMessage,
    response: ServerResponse,
    resource: Resource,
    namespace: string,
    name: string,
  ) {
    const text = await bodyOf(request);
    const current = secrets.get(key(namespace, name, resource));
    if (!current) return json(response, 404, status(404, 'NotFound', `${resource} "${name}" not found`));
    if (!String(request.headers['content-type']).startsWith('application/merge-patch+json')) {
      return json(response, 415, status(415, 'UnsupportedMediaType', 'only merge patches here'));
    }
    const body = JSON.parse(text) as { metadata?: { resourceVersion?: string } };
    const precondition = body.metadata?.resourceVersion;
    if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
      const message = `Operation cannot be fulfilled on secrets "${name}": the object has been modified; please apply your changes to the latest version and try again`;
      return json(response, 409, status(409, 'Conflict', message));
    }
    const patched = mergePatch(current, body) as StoredSecret;
    patched.metadata.resourceVersion = current.metadata.resourceVersion;
    put({ ...patched, kind: KINDS[resource] } as SecretObject);
    json(response, 200, asEvent(resource, secrets.get(key(namespace, name, resource)) as StoredSecret));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://fake');
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const user = bearer === undefined ? undefined : tokens.get(bearer);
    requests.push({ method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, user });
    const match = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/(secrets|configmaps)(?:\/([^/]+))?$/.exec(
      url.pathname,
    );
    if (!match)
      return json(response, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (user === undefined) return json(response, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const [, namespace, plural, name] = match;
    const resource = plural as Resource;
    const verb: Verb =
      request.method === 'PATCH'
        ? 'patch'
        : request.method === 'POST'
          ? 'create'
          : name
            ? 'get'
            : url.searchParams.get('watch') === 'true'
              ? 'watch'
              : 'list';
    if (!allowed(user, resource, verb, namespace)) {
      const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      const message = `${resource} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "" ${scope}`;
      return json(response, 403, status(403, 'Forbidden', message));
    }
    const fault = injected.find(
      (f) => f.verb === verb && f.count > 0 && (f.namespace === undefined || f.namespace === namespace),
    );
    if (fault) {
      fault.count--;
      return json(response, fault.code, status(fault.code, 'InternalError', 'injected failure'));
    }
    if (stalls(verb, namespace) && verb !== 'watch') return; // never answers
    if (verb === 'watch' || verb === 'list') {
      const matches = matcher(resource, url.searchParams);
      if (!matches) {
        const message = `field label not supported: ${url.searchParams.get('fieldSelector')}`;
        return json(response, 400, status(400, 'BadRequest', message));
      }
      return verb === 'watch'
        ? watch(response, resource, namespace, url.searchParams, matches)
        : list(response, resource, namespace, url.searchParams, matches);
    }
    const secret = secrets.get(key(namespace ?? 'default', name ?? '', resource));
    if (verb === 'get') {
      return secret
        ? json(response, 200, asEvent(resource, secret))
        : json(response, 404, status(404, 'NotFound', `${resource} "${name}" not found`));
    }
    if (verb === 'create') return create(request, response, resource, namespace ?? 'default');
    await patch(request, response, resource, namespace ?? 'default', name ?? '');
  }

  const server = createServer((request, response) => void handle(request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  function dropConnections() {
    for (const watcher of watchers) clearTimeout(watcher.timer);
    watchers.clear();
    for (const socket of sockets) socket.destroy();
  }

  return {
    url,
    requests,
    /** A kubeconfig for `user` (admin: every permission; others: only what `grant` gave). */
    kubeConfig(user = 'admin'): KubeConfig {
      const token = [...tokens].find(([, name]) => name === user)?.[0] ?? `${user}-token`;
      tokens.set(token, user);
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: user, token }],
        contexts: [{ name: 'fake', cluster: 'fake', user }],
        currentContext: 'fake',
      });
      return kubeConfig;
    },
    /** `namespace` '*' grants cluster-wide, as a ClusterRoleBinding would. */
    grant(user: string, verbs: Verb[], namespace: string, resource: Resource = 'secrets') {
      for (const verb of verbs) grants.add(`${user}|${resource}|${verb}|${namespace}`);
    },
    put,
    remove,
    get: (namespace: string, name: string, resource: Resource = 'secrets') =>
      secrets.get(key(namespace, name, resource)),
    /** Writes to other kinds: the shared counter jumps. */
    bumpResourceVersion(by = 10) {
      resourceVersion += by;
    },
    /** Forgets the history, as etcd compaction or a restarted watch cache does: older watches get 410. */
    compact() {
      history.length = 0;
      oldestWatchable = resourceVersion;
    },
    bookmark() {
      for (const watcher of watchers) if (watcher.bookmarks) bookmarkTo(watcher);
    },
    /** The next `count` requests of `verb` (in `namespace`, when given) fail with `code` (Status JSON). */
    fail(verb: Verb, code: number, count = 1, namespace?: string) {
      injected.push({ verb, code, count, namespace });
    },
    /**
     * A network cut seen from the client (no FIN, no RST): requests of these verbs (in `namespace`, when
     * given) made from now on are never answered, or for a watch, get headers and then nothing.
     */
    stall(verbs: Verb[] = ['list', 'watch', 'get', 'patch'], namespace?: string) {
      stalled = new Set(verbs);
      stalledIn = namespace;
    },
    /** The watches open now go silent for good: they get no event and never end. */
    stallOpenWatches() {
      for (const watcher of watchers) watcher.stalled = true;
    },
    dropConnections,
    openWatches: () => watchers.size,
    /** Connection refused until `start()`; the restarted server has an empty watch cache. */
    async stop() {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      history.length = 0;
      oldestWatchable = resourceVersion;
      await listen(port);
    },
    async close() {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeApiServer = Awaited<ReturnType<typeof startFakeApiServer>>;
