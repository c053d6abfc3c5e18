import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { shareHttp1Dispatcher, type SharedDispatcher } from '../../src/kube/shareHttp1Dispatcher.ts';
import { waitFor } from './waitFor.ts';

/**
 * A real kube-apiserver and etcd from KUBEBUILDER_ASSETS, envtest-style: free loopback ports, a temp dir,
 * the flags of ../shared/k8s/control-plane.sh. The API server can be killed and restarted on the same port
 * while etcd keeps the data; `proxy()` puts a TCP hop in front of it that a test can cut.
 */

const ASSETS = process.env.KUBEBUILDER_ASSETS;
const REQUIRED = process.env.KINDLING_REQUIRE_ENVTEST === '1';
const run = promisify(execFile);

/**
 * `describe` when KUBEBUILDER_ASSETS is set; otherwise skipped with the reason in its name, unless
 * KINDLING_REQUIRE_ENVTEST=1 (CI), where the missing assets are a failure.
 */
export function describeEnvtest(name: string, body: () => void) {
  if (ASSETS) return describe(name, body);
  if (REQUIRED) {
    return describe(name, () => {
      it('has a real API server to test against', () => {
        throw new Error(
          'KINDLING_REQUIRE_ENVTEST=1 but KUBEBUILDER_ASSETS is not set (see ../shared/k8s/envtest-assets.sh)',
        );
      });
    });
  }
  const reason = 'KUBEBUILDER_ASSETS is not set; see ../shared/k8s/envtest-assets.sh';
  console.warn(`[envtest] skipping "${name}": ${reason}`);
  return describe.skip(`${name} [skipped: ${reason}]`, body);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function getStatus(url: string, ca: Buffer, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** A TCP hop a test can cut: `cut()` drops every connection and holds new ones unanswered until `restore()`. */
export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const held: Socket[] = [];
  let blackhole = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (blackhole) return void held.push(client);
    const upstream = connect(target, '127.0.0.1');
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      blackhole = true;
      for (const socket of sockets) if (!held.includes(socket)) socket.destroy();
    },
    restore() {
      blackhole = false;
      for (const socket of held.splice(0)) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Envtest {
  server: string;
  /** A kubeconfig for `admin` (system:masters) or `nobody` (no permission until a test grants one). */
  kubeConfig(user?: 'admin' | 'nobody', server?: string): KubeConfig;
  core: CoreV1Api;
  rbac: RbacAuthorizationV1Api;
  /** A fresh namespace: 1.20 has no controller-manager, so a deleted one would never finish terminating. */
  namespace(prefix: string): Promise<string>;
  /** Gives `user` get/list/watch/patch on secrets in `namespace` (a Role and a RoleBinding). */
  grantSecrets(user: string, namespace: string): Promise<void>;
  /** SIGKILL: open connections drop, new ones are refused; etcd keeps running. */
  killApiServer(): Promise<void>;
  /** The same flags and port; resolves once /readyz answers ok. */
  startApiServer(): Promise<void>;
  proxy(): Promise<TcpProxy>;
  stop(): Promise<void>;
}

export async function startEnvtest(): Promise<Envtest> {
  if (!ASSETS) throw new Error('KUBEBUILDER_ASSETS is not set');
  const dir = await mkdtemp(join(tmpdir(), 'kindling-envtest-'));
  const pki = join(dir, 'pki');
  await mkdir(pki);
  const openssl = (...args: string[]) => run('openssl', args, { cwd: pki });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=kube-apiserver',
    '-keyout',
    'apiserver.key',
    '-out',
    'apiserver.csr',
  );
  await writeFile(
    join(pki, 'apiserver.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  await openssl(
    ...['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'],
    ...['-days', '2', '-extfile', 'apiserver.ext', '-out', 'apiserver.crt'],
  );
  await openssl('genrsa', '-out', 'sa.key', '2048');
  await openssl('rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
  const ca = await readFile(join(pki, 'ca.crt'));
  const tokens = {
    admin: `admin-${randomBytes(12).toString('hex')}`,
    nobody: `nobody-${randomBytes(12).toString('hex')}`,
  };
  await writeFile(
    join(dir, 'tokens.csv'),
    `${tokens.admin},admin,admin-uid,"system:masters"\n${tokens.nobody},nobody,nobody-uid\n`,
    { mode: 0o600 },
  );

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const children = new Set<ChildProcess>();
  const launch = (binary: string, args: string[], log: string) => {
    const out = openSync(join(dir, log), 'a');
    const child = spawn(join(ASSETS, binary), args, { stdio: ['ignore', out, out] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  launch(
    'etcd',
    [
      ...['--name', 'test', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', etcdUrl],
      ...['--advertise-client-urls', etcdUrl, '--listen-peer-urls', `http://127.0.0.1:${peerPort}`],
      ...['--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`],
      ...['--initial-cluster', `test=http://127.0.0.1:${peerPort}`, '--initial-cluster-state', 'new'],
    ],
    'etcd.log',
  );
  await waitFor(async () => (await fetch(`${etcdUrl}/health`)).ok, { timeoutMs: 20_000, what: 'etcd' });

  const apiArgs = [
    `--etcd-servers=${etcdUrl}`,
    ...[
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--insecure-port=0',
    ],
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--client-ca-file=${join(pki, 'ca.crt')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(pki, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    ...['--service-cluster-ip-range=10.0.0.0/24', '--allow-privileged=false', '--profiling=false'],
    `--cert-dir=${pki}`,
  ];
  const server = `https://127.0.0.1:${apiPort}`;
  let apiServer: ChildProcess | undefined;
  async function startApiServer() {
    const child = launch('kube-apiserver', apiArgs, 'apiserver.log');
    apiServer = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`kube-apiserver exited; see ${join(dir, 'apiserver.log')}`);
        return (await getStatus(`${server}/readyz`, ca, tokens.admin)) === 200;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'kube-apiserver /readyz' },
    );
  }
  await startApiServer();

  // The test's own clients too: HTTP/1.1 agents that stop() closes, no HTTP/2 session left on a killed server.
  const dispatchers: SharedDispatcher[] = [];
  function kubeConfig(user: 'admin' | 'nobody' = 'admin', at = server): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'envtest', server: at, caData: ca.toString('base64') }],
      users: [{ name: user, token: tokens[user] }],
      contexts: [{ name: 'envtest', cluster: 'envtest', user }],
      currentContext: 'envtest',
    });
    dispatchers.push(shareHttp1Dispatcher(config));
    return config;
  }
  const core = kubeConfig().makeApiClient(CoreV1Api);
  const rbac = kubeConfig().makeApiClient(RbacAuthorizationV1Api);
  const proxies: TcpProxy[] = [];

  return {
    server,
    kubeConfig,
    core,
    rbac,
    async namespace(prefix) {
      const name = `${prefix}-${randomBytes(3).toString('hex')}`;
      await core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
    async grantSecrets(user, namespace) {
      const rule = { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'patch'] };
      await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'kindling' }, rules: [rule] } });
      await rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: 'kindling' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kindling' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
        },
      });
    },
    async killApiServer() {
      apiServer?.kill('SIGKILL');
      if (apiServer) await exited(apiServer);
    },
    startApiServer,
    async proxy() {
      const proxy = await startProxy(apiPort);
      proxies.push(proxy);
      return proxy;
    },
    async stop() {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
      const running = [...children];
      killAll();
      await Promise.all(running.map(exited));
      process.off('exit', killAll);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
