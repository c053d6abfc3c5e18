import { parseArgs } from 'node:util';
import { z } from 'zod';
import { KindlingError } from '../errors/KindlingError.ts';
import { serverBaseUrl } from '../stubs/serverBaseUrl.ts';
import { DEFAULT_SELECTOR } from '../tokens/labels.ts';
import type { ServeConfig, SourceConfig } from './ServeConfig.ts';
import { byteSize, count, duration, flag, hostPort } from './units.ts';

/** Every option of `kindling serve`: the flag `--name`, or the environment variable `KINDLING_NAME`. */
export const SERVE_OPTIONS = {
  source: { type: 'string', help: 'dir:PATH (a directory of token Secret manifests) or kubernetes' },
  namespace: {
    type: 'string',
    help: 'kubernetes: the namespace to watch (default: the pod\'s own, else "kindling")',
  },
  'all-namespaces': { type: 'boolean', help: 'kubernetes: watch every namespace' },
  kubeconfig: { type: 'string', help: 'kubernetes: kubeconfig file (default: in-cluster, else $KUBECONFIG)' },
  selector: { type: 'string', help: `label selector of token Secrets (default ${DEFAULT_SELECTOR})` },
  'relist-interval': {
    type: 'string',
    help: 'kubernetes: period of the full relist that repairs anything a watch missed (default 10m)',
  },
  'watch-idle-timeout': {
    type: 'string',
    help: 'kubernetes: restart a watch that delivers nothing, not even a bookmark, this long (default 90s)',
  },
  'record-first-fetch': {
    type: 'string',
    help: 'kubernetes: annotate a token Secret when its token is first served: true or false (default true)',
  },
  'record-status': {
    type: 'string',
    help: 'kubernetes: annotate a template Secret with its render status and config hash: true or false (default true)',
  },
  'server-url': {
    type: 'string',
    help: "this server's base URL, as `token mint --server` names it: the audience per-machine tokens must carry (without it, they answer 503)",
  },
  listen: { type: 'string', help: 'payload port, HOST:PORT (default 0.0.0.0:8443)' },
  'metrics-listen': { type: 'string', help: 'metrics port, plain HTTP, HOST:PORT (default 0.0.0.0:9090)' },
  'tls-cert': { type: 'string', help: 'PEM certificate chain; reloaded when the file changes' },
  'tls-key': { type: 'string', help: 'PEM private key; reloaded when the file changes' },
  'plain-http': { type: 'boolean', help: 'serve without TLS (for local trials only)' },
  'max-payload-bytes': { type: 'string', help: 'largest payload after decompression (default 4MiB)' },
  'cache-max-bytes': {
    type: 'string',
    help: 'bound on bodies converted to older specs (default 512MiB)',
  },
  'tombstone-ttl': {
    type: 'string',
    help: 'how long a revoked token answers 403 rather than 503 (default 24h)',
  },
  'retry-after': { type: 'string', help: 'Retry-After of 503 answers (default 5s)' },
  'rate-limit-burst': { type: 'string', help: 'failed lookups an address may make in a burst (default 30)' },
  'rate-limit-refill': {
    type: 'string',
    help: 'failed lookups per second an address earns back (default 2)',
  },
  'shutdown-timeout': {
    type: 'string',
    help: 'how long in-flight requests may take at shutdown (default 25s)',
  },
  'shutdown-delay': {
    type: 'string',
    help: 'not-ready time before the listener closes at shutdown (default 0s)',
  },
  'headers-timeout': { type: 'string', help: 'time a client has to send its headers (default 10s)' },
  'request-timeout': { type: 'string', help: 'time a client has to send its whole request (default 30s)' },
  'keep-alive-timeout': {
    type: 'string',
    help: 'idle time before a kept-alive connection closes (default 5s)',
  },
  'max-header-size': { type: 'string', help: 'largest request header block (default 16KiB)' },
  'log-level': { type: 'string', help: 'fatal, error, warn, info, debug, trace or silent (default info)' },
  'log-requests': { type: 'string', help: 'one log line per request: true or false (default true)' },
} as const satisfies Record<string, { type: 'string' | 'boolean'; help: string }>;

type OptionName = keyof typeof SERVE_OPTIONS;

export const envName = (option: string) => `KINDLING_${option.toUpperCase().replaceAll('-', '_')}`;

const source = z
  .string({ error: 'required: dir:PATH or kubernetes' })
  .transform((text, ctx): SourceConfig => {
    if (text === 'kubernetes')
      return { kind: 'kubernetes', namespace: undefined, allNamespaces: false, kubeconfig: undefined };
    if (text.startsWith('dir:') && text.length > 4) return { kind: 'dir', path: text.slice(4) };
    ctx.addIssue({ code: 'custom', message: `expected dir:PATH or kubernetes; got ${JSON.stringify(text)}` });
    return z.NEVER;
  });

/** Normalised as the CLI normalises `--server`, so that one URL written two ways is one audience. */
const serverUrl = z.string().transform((text, ctx) => {
  try {
    return serverBaseUrl(text);
  } catch (error) {
    if (!(error instanceof KindlingError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message.replace(/^the server URL /, '') });
    return z.NEVER;
  }
});

const schema = z
  .object({
    source: source,
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a namespace name')
      .optional(),
    'all-namespaces': flag.default(false),
    kubeconfig: z.string().min(1).optional(),
    selector: z.string().min(1).default(DEFAULT_SELECTOR),
    'relist-interval': duration.default(600_000),
    'watch-idle-timeout': duration.default(90_000),
    'record-first-fetch': flag.default(true),
    'record-status': flag.default(true),
    'server-url': serverUrl.optional(),
    listen: hostPort.default({ host: '0.0.0.0', port: 8443 }),
    'metrics-listen': hostPort.default({ host: '0.0.0.0', port: 9090 }),
    'tls-cert': z.string().min(1).optional(),
    'tls-key': z.string().min(1).optional(),
    'plain-http': flag.default(false),
    'max-payload-bytes': byteSize.default(4 * 1024 ** 2),
    'cache-max-bytes': byteSize.default(512 * 1024 ** 2),
    'tombstone-ttl': duration.default(24 * 3_600_000),
    'retry-after': duration.default(5_000),
    'rate-limit-burst': count.default(30),
    'rate-limit-refill': count.default(2),
    'shutdown-timeout': duration.default(25_000),
    'shutdown-delay': duration.default(0),
    'headers-timeout': duration.default(10_000),
    'request-timeout': duration.default(30_000),
    'keep-alive-timeout': duration.default(5_000),
    'max-header-size': byteSize.default(16 * 1024),
    'log-level': z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    'log-requests': flag.default(true),
  })
  .superRefine((o, ctx) => {
    const tls = o['tls-cert'] !== undefined || o['tls-key'] !== undefined;
    if (tls && (o['tls-cert'] === undefined || o['tls-key'] === undefined)) {
      const missing = o['tls-cert'] === undefined ? 'tls-cert' : 'tls-key';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'TLS needs both --tls-cert and --tls-key' });
    }
    if (tls && o['plain-http']) {
      ctx.addIssue({
        code: 'custom',
        path: ['plain-http'],
        message: 'give either --plain-http or --tls-cert/--tls-key, not both',
      });
    }
    if (!tls && !o['plain-http']) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls-cert'],
        message: 'give --tls-cert and --tls-key, or --plain-http to serve without TLS',
      });
    }
    if (o.source.kind === 'dir' && (o.namespace || o['all-namespaces'] || o.kubeconfig)) {
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: '--namespace, --all-namespaces and --kubeconfig need --source kubernetes',
      });
    }
    if (o.namespace && o['all-namespaces']) {
      ctx.addIssue({
        code: 'custom',
        path: ['all-namespaces'],
        message: 'give --namespace or --all-namespaces, not both',
      });
    }
    if (o['relist-interval'] < 10_000)
      ctx.addIssue({ code: 'custom', path: ['relist-interval'], message: 'must be at least 10s' });
    if (o['watch-idle-timeout'] < 3_000)
      ctx.addIssue({ code: 'custom', path: ['watch-idle-timeout'], message: 'must be at least 3s' });
    if (o['rate-limit-burst'] < 1)
      ctx.addIssue({ code: 'custom', path: ['rate-limit-burst'], message: 'must be at least 1' });
    if (o['rate-limit-refill'] <= 0)
      ctx.addIssue({ code: 'custom', path: ['rate-limit-refill'], message: 'must be positive' });
  });

/**
 * Flags win over `KINDLING_*` variables. Throws ERR_CONFIG_INVALID whose message names each bad field (as the
 * flag) and says what is expected; the CLI prints it and exits 2.
 */
export function parseServeConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ServeConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: SERVE_OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new KindlingError('ERR_CONFIG_INVALID', (error as Error).message, { path: 'argv' });
  }
  const input: Record<string, string | boolean> = {};
  for (const name of Object.keys(SERVE_OPTIONS) as OptionName[]) {
    const value = values[name] ?? env[envName(name)];
    if (value !== undefined) input[name] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new KindlingError('ERR_CONFIG_INVALID', z.prettifyError(parsed.error), { path: 'argv' });
  }
  const o = parsed.data;
  const sourceConfig: SourceConfig =
    o.source.kind === 'kubernetes'
      ? {
          kind: 'kubernetes',
          namespace: o.namespace,
          allNamespaces: o['all-namespaces'],
          kubeconfig: o.kubeconfig,
        }
      : o.source;
  return {
    source: sourceConfig,
    selector: o.selector,
    relistIntervalMs: o['relist-interval'],
    watchIdleTimeoutMs: o['watch-idle-timeout'],
    recordFirstFetch: o['record-first-fetch'],
    recordStatus: o['record-status'],
    serverUrl: o['server-url'],
    listen: o.listen,
    metricsListen: o['metrics-listen'],
    tls: o['tls-cert'] && o['tls-key'] ? { certFile: o['tls-cert'], keyFile: o['tls-key'] } : undefined,
    maxPayloadBytes: o['max-payload-bytes'],
    cacheMaxBytes: o['cache-max-bytes'],
    tombstoneTtlMs: o['tombstone-ttl'],
    retryAfterSeconds: Math.max(1, Math.round(o['retry-after'] / 1000)),
    rateLimit: { burst: o['rate-limit-burst'], refillPerSecond: o['rate-limit-refill'] },
    shutdownTimeoutMs: o['shutdown-timeout'],
    shutdownDelayMs: o['shutdown-delay'],
    headersTimeoutMs: o['headers-timeout'],
    requestTimeoutMs: o['request-timeout'],
    keepAliveTimeoutMs: o['keep-alive-timeout'],
    maxHeaderSize: o['max-header-size'],
    logLevel: o['log-level'],
    logRequests: o['log-requests'],
  };
}
