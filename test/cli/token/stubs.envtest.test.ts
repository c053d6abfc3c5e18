import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { parseNodeTemplate } from '../../../src/templates/parseNodeTemplate.ts';
import { readBootstrapTokenSecret } from '../../../src/templates/readBootstrapTokenSecret.ts';
import { renderCloudConfig } from '../../../src/templates/renderCloudConfig.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../../support/envtest.ts';
import { ignitionConfig } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn } from '../../sources/kubernetes/startKindlingOn.ts';
import { FIXTURE_CA_HASH } from '../../templates/templateFixtures.ts';
import { createCli, plain, stubMerge, type Cli } from './cliHarness.ts';
import { runStubFetch } from './runStubFetch.ts';

const CA_FILE = new URL('../../fixtures/tls/ca.crt', import.meta.url).pathname;
const TEMPLATE = `# a worker joining with everything inline
apiVersion: kindling.dev/v1
kind: NodeTemplate
cluster:
  apiServerEndpoint: 192.0.2.10:6443
  bootstrapToken: { value: abcdef.0123456789abcdef }
  caCertHashes: [${FIXTURE_CA_HASH}]
node:
  labels: { pool: workers }
`;
/** A GET that keeps the bytes as sent, as Ignition's client does (fetch would gunzip them). */
function getRaw(url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const hasCloudInit = spawnSync('cloud-init', ['--version']).status === 0;

// `stub` and `token create --bootstrap-token` against a real kube-apiserver; stubs are booted as far as the
// fetch goes, against a kindling server watching the namespace.

describeEnvtest('kindling stub and bootstrap tokens (real kube-apiserver)', () => {
  let env: Envtest;
  const cleanUps: (() => unknown)[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
  });
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });
  afterAll(() => env?.stop());

  async function setUp(prefix: string): Promise<{ ns: string; cli: Cli; server: KindlingOn }> {
    const ns = await env.namespace(prefix);
    const cli = createCli(env.kubeConfig(), ns);
    const server = await startKindlingOn(env.kubeConfig(), { namespace: ns, recordFirstFetch: false });
    cleanUps.push(cli.cleanUp, () => server.stop());
    return { ns, cli, server };
  }

  it('an Ignition stub (CA, gzip, pinned hash) validates, and its fetch, as Ignition makes it, gets the payload', async () => {
    const { cli, server } = await setUp('ign');
    const payload = Buffer.from(JSON.stringify(ignitionConfig('3.4.0', 'pinned')));
    await cli.run(['token', 'create', '--pool', 'workers', '--payload', cli.file('p.ign', payload)]);
    const args = [
      '--pool',
      'workers',
      '--format',
      'ignition',
      '--server',
      server.kindling.url,
      '--ca',
      CA_FILE,
    ];
    const printed = await cli.run(['stub', ...args, '--gzip', '--pin-hash']);
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    const merge = stubMerge(printed.stdout);
    expect(merge.source).toBe(`${server.kindling.url}/ignition`);
    expect(printed.stdout).toContain(
      Buffer.from(readFileSync(CA_FILE, 'utf8').trim()).toString('base64').slice(0, 40),
    );

    const headers = Object.fromEntries(merge.httpHeaders.map(({ name, value }) => [name, value]));
    const fetched = await waitFor(
      async () => {
        const response = await getRaw(merge.source, headers);
        return response.status === 200 ? response.body : undefined;
      },
      { what: 'the payload through the stub' },
    );
    const body = merge.compression === 'gzip' ? gunzipSync(fetched) : fetched;
    expect(body.equals(payload)).toBe(true);
    expect(merge.verification?.hash).toBe(`sha512-${createHash('sha512').update(body).digest('hex')}`);

    const refused = await cli.run([
      'stub',
      ...args.slice(0, 3),
      'cloud-config',
      '--server',
      server.kindling.url,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--format cloud-config: pool workers serves a finished Ignition payload/);
  });

  it.skipIf(!hasCloudInit)(
    'a cloud-config stub passes `cloud-init schema`, and its script, run with curl, gets the rendered config',
    async () => {
      const { ns, cli, server } = await setUp('cc');
      await cli.run(['token', 'create', '--pool', 'workers', '--template', cli.file('t.yaml', TEMPLATE)]);
      const args = [
        'stub',
        '--pool',
        'workers',
        '--format',
        'cloud-config',
        '--server',
        server.kindling.url,
        '--ca',
        CA_FILE,
      ];
      const stored = await cli.run([...args, '--to-secret', 'workers-userdata']);
      expect(stored.stdout).toMatch(
        new RegExp(
          `^created userdata Secret ${ns}/workers-userdata \\(cloud-config stub of pool workers, the pool's token fp [0-9a-f]{8}`,
        ),
      );
      expect((await cli.run([...args, '--to-secret', 'workers-userdata'])).stdout).toMatch(
        /^userdata Secret \S+ unchanged/,
      );
      const secret = await env.core.readNamespacedSecret({ namespace: ns, name: 'workers-userdata' });
      const stub = plain(secret.data, 'value') ?? '';
      expect(plain(secret.data, 'format')).toBe('cloud-config');
      expect(stub).toBe((await cli.run(args)).stdout);

      const schema = spawnSync('cloud-init', ['schema', '--config-file', cli.file('stub.yaml', stub)], {
        encoding: 'utf8',
      });
      expect(`${schema.stdout}${schema.stderr}`).toMatch(/Valid cloud-config/);

      await waitFor(async () => (await fetch(`${server.kindling.url}/readyz`)).status === 200, {
        what: 'ready',
      });
      const boot = await runStubFetch(stub);
      expect(boot.stderr).not.toMatch(/giving up/);
      expect(boot.exitCode).toBe(0);
      expect(boot.applied).toBe(
        renderCloudConfig({ template: parseNodeTemplate(TEMPLATE) }).toString('utf8'),
      );

      const pinned = await cli.run([
        ...args.slice(0, 4),
        'ignition',
        '--server',
        server.kindling.url,
        '--pin-hash',
      ]);
      expect(pinned.code).toBe(2);
      expect(pinned.stderr).toMatch(/--pin-hash: pool workers serves a template/);
    },
  );

  it('--bootstrap-token: the kube-system Secret is what `kubeadm token create` writes, expiring with the pool token; created once', async () => {
    const { ns, cli } = await setUp('bt');
    const template = cli.file('t.yaml', TEMPLATE);
    const created = await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--template',
      template,
      '--bootstrap-token',
      '--ttl',
      '2h',
    ]);
    expect(created.code).toBe(0);
    const name =
      /created bootstrap token Secret kube-system\/(bootstrap-token-[a-z0-9]{6})/.exec(created.stdout)?.[1] ??
      '';
    expect(name).not.toBe('');
    const secret = await env.core.readNamespacedSecret({ namespace: 'kube-system', name });
    const [pool] = (
      await env.core.listNamespacedSecret({ namespace: ns, labelSelector: 'kindling.dev/pool=workers' })
    ).items;
    expect(secret.type).toBe('bootstrap.kubernetes.io/token');
    const data = Object.fromEntries(
      Object.keys(secret.data ?? {}).map((key) => [key, plain(secret.data, key)]),
    );
    expect(data).toEqual({
      'token-id': name.slice('bootstrap-token-'.length),
      'token-secret': expect.stringMatching(/^[a-z0-9]{16}$/),
      description: `kindling pool ${ns}/workers`,
      expiration: pool?.metadata?.annotations?.['kindling.dev/expires-at'],
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    });
    expect(Date.parse(data.expiration ?? '') - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(readBootstrapTokenSecret(secret).tokenId).toBe(data['token-id']);
    expect(created.stdout).not.toContain(data['token-secret']);
    const stored = parseNodeTemplate(plain(pool?.data, 'template') ?? '');
    expect(stored.cluster.bootstrapToken).toEqual({ secretRef: { name } });
    expect(plain(pool?.data, 'template')).toContain('# a worker joining with everything inline');

    const again = await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--template',
      template,
      '--bootstrap-token',
    ]);
    expect(again.stdout).toMatch(
      new RegExp(`unchanged[\\s\\S]*kept bootstrap token Secret kube-system/${name}`),
    );
    const tokens = (await env.core.listNamespacedSecret({ namespace: 'kube-system' })).items.filter((item) =>
      plain(item.data, 'description')?.endsWith(`${ns}/workers`),
    );
    expect(tokens.map((item) => item.metadata?.name)).toEqual([name]);

    const listed = JSON.parse(
      (await cli.run(['token', 'list', '--pool', 'workers', '-o', 'json'])).stdout,
    ) as { pools: unknown[] };
    expect(listed.pools).toEqual([
      expect.objectContaining({
        source: 'template',
        status: 'ok',
        payloadSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);

    const revoked = await cli.run(['token', 'revoke', '--pool', 'workers']);
    expect(revoked.stdout).toContain(`deleted bootstrap token Secret kube-system/${name}`);
    await expect(env.core.readNamespacedSecret({ namespace: 'kube-system', name })).rejects.toMatchObject({
      code: 404,
    });
  });
});
