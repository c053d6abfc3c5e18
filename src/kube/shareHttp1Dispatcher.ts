import type { KubeConfig } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import type { RequestOptions } from 'node:https';
import { Agent } from 'undici';

export interface SharedDispatcher {
  /** Ends the shared agent and its connections; a later call through the KubeConfig opens a new one. */
  close(): Promise<void>;
}

// The TLS identity a connection is made with; a change (a rotated CA or client certificate) gets a new agent.
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
type Tls = Pick<RequestOptions, (typeof TLS_FIELDS)[number]>;

const shared = new WeakMap<KubeConfig, SharedDispatcher>();

function identity(tls: Tls): string {
  const hash = createHash('sha256');
  for (const field of TLS_FIELDS) {
    const value = tls[field];
    const parts = Array.isArray(value) ? value : [value];
    hash.update(`${field}:${parts.length}:`);
    for (const part of parts) {
      if (part === undefined) hash.update('-;');
      else if (Buffer.isBuffer(part) || typeof part === 'string') hash.update(part).update(';');
      else hash.update(`${JSON.stringify(part)};`);
    }
  }
  return hash.digest('hex');
}

/**
 * client-node's generated clients and its Watch get a new undici Agent on every call, which undici 8 connects
 * over HTTP/2 when the API server offers it, and nobody closes: each watch restart and each patch left an idle
 * HTTP/2 session behind. When the API server died, Node's HTTP/2 session kept queueing frames for the dead
 * connection without bound (a process grew past 20 GiB and aborted in Http2Session::CopyDataIntoOutgoing).
 * Here every call made through `kubeConfig` shares one HTTP/1.1 agent per TLS identity instead, closed with
 * the source. A cluster reached through a proxy keeps client-node's own proxy agent.
 */
export function shareHttp1Dispatcher(kubeConfig: KubeConfig): SharedDispatcher {
  const existing = shared.get(kubeConfig);
  if (existing) return existing;
  let current: { key: string; agent: Agent } | undefined;
  const applyOriginal = kubeConfig.applySecurityAuthentication.bind(kubeConfig);

  kubeConfig.applySecurityAuthentication = async (context) => {
    await applyOriginal(context);
    if (kubeConfig.getCurrentCluster()?.proxyUrl) return;
    const options: RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const tls: Tls = Object.fromEntries(
      TLS_FIELDS.flatMap((field) => (options[field] === undefined ? [] : [[field, options[field]]])),
    );
    const key = identity(tls);
    if (current?.key !== key) {
      // A superseded identity's agent finishes what it carries (a watch ends within its timeout), then closes.
      current?.agent.close().catch(() => undefined);
      const connect = { ...tls, keepAlive: true, keepAliveInitialDelay: 30_000 };
      current = { key, agent: new Agent({ allowH2: false, connect }) };
    }
    context.setDispatcher(current.agent);
  };

  const dispatcher: SharedDispatcher = {
    async close() {
      const agent = current?.agent;
      current = undefined;
      await agent?.destroy().catch(() => undefined);
    },
  };
  shared.set(kubeConfig, dispatcher);
  return dispatcher;
}
