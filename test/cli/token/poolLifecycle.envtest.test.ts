import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { readPoolSecret } from '../../../src/cli/token/pool/readPoolSecret.ts';
import type { ClusterSecret } from '../../../src/cli/token/kube/createClusterApi.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../../support/envtest.ts';
import { ignitionConfig } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn } from '../../sources/kubernetes/startKindlingOn.ts';
import { createCli, plain, type Cli } from './cliHarness.ts';

// `token create | rotate | revoke | list` against a real kube-apiserver, with a kindling server watching
// the same namespace: what the commands write is what the server serves.

describeEnvtest('kindling token: pool lifecycle (real kube-apiserver)', () => {
  let env: Envtest;
  const cleanUps: (() => unknown)[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
  });
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });
  afterAll(() => env?.stop());

  async function setUp(
    prefix: string,
    recordFirstFetch = false,
  ): Promise<{ ns: string; cli: Cli; server: KindlingOn }> {
    const ns = await env.namespace(prefix);
    const cli = createCli(env.kubeConfig(), ns);
    const server = await startKindlingOn(env.kubeConfig(), { namespace: ns, recordFirstFetch });
    cleanUps.push(cli.cleanUp, () => server.stop());
    await waitFor(async () => (await server.readyz()) === 200, { what: 'server ready' });
    return { ns, cli, server };
  }

  async function poolSecrets(ns: string, pool: string): Promise<ClusterSecret[]> {
    const list = await env.core.listNamespacedSecret({
      namespace: ns,
      labelSelector: `kindling.dev/token-secret=true,kindling.dev/pool=${pool}`,
    });
    return list.items.map((item) => ({
      type: item.type,
      metadata: { ...item.metadata, name: item.metadata?.name ?? '', creationTimestamp: undefined },
      data: item.data,
    }));
  }

  async function currentToken(ns: string, pool: string): Promise<string> {
    const [secret] = await poolSecrets(ns, pool);
    return plain(secret?.data, 'token') ?? '';
  }

  const payloadFile = (cli: Cli, marker: string) =>
    cli.file(`${marker}.ign`, JSON.stringify(ignitionConfig('3.4.0', marker)));

  it('create → served within a second; again → unchanged; a new payload keeps the token; list shows the first fetch', async () => {
    const { ns, cli, server } = await setUp('create', true);
    const created = await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--payload',
      payloadFile(cli, 'one'),
    ]);
    const writtenAt = performance.now();
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(
      new RegExp(
        `^created Secret ${ns}/token-workers \\(pool workers, token fp [0-9a-f]{8}, expires \\S+Z\\)`,
      ),
    );
    const token = await currentToken(ns, 'workers');
    expect(created.stdout).not.toContain(token);
    await waitFor(async () => (await server.ignition(token)).marker === 'one', {
      timeoutMs: 1000,
      intervalMs: 5,
      what: '200',
    });
    expect(performance.now() - writtenAt).toBeLessThan(1000);

    const again = await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--payload',
      payloadFile(cli, 'one'),
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Secret ${ns}/token-workers unchanged`));
    expect(await poolSecrets(ns, 'workers')).toHaveLength(1);

    const updated = await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--payload',
      payloadFile(cli, 'two'),
    ]);
    expect(updated.stdout).toMatch(/^updated Secret .*: token kept .*now serving payload .*two\.ign/);
    expect(await currentToken(ns, 'workers')).toBe(token);
    await waitFor(async () => (await server.ignition(token)).marker === 'two', { what: 'the new payload' });

    const listed = await waitFor(
      async () => {
        const run = await cli.run(['token', 'list', '-o', 'json']);
        const view = (JSON.parse(run.stdout) as { pools: { firstFetch: unknown }[] }).pools[0];
        return view?.firstFetch ? view : undefined;
      },
      { what: 'the first fetch recorded by the server' },
    );
    expect(listed).toMatchObject({
      pool: 'workers',
      secret: 'token-workers',
      source: 'payload',
      status: 'ok',
      firstFetch: { from: '127.0.0.1' },
      payloadSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const table = await cli.run(['token', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^POOL\s+TOKEN\s+AGE\s+EXPIRES\s+OVERLAP ENDS\s+FIRST FETCH\s+PAYLOAD\s+STATUS$/,
    );
    expect(table.stdout).toMatch(
      /^workers\s+[0-9a-f]{8}\s+\S+\s+in 1d\s+-\s+\S+ from 127\.0\.0\.1\s+payload [0-9a-f]{12}\s+ok$/m,
    );
    expect(table.stdout + listed.toString()).not.toContain(token);
  });

  it('rotate → both tokens work inside the overlap, only the new one after; a second rotation inside it is refused', async () => {
    const { ns, cli, server } = await setUp('rotate');
    await cli.run(['token', 'create', '--pool', 'workers', '--payload', payloadFile(cli, 'one')]);
    const old = await currentToken(ns, 'workers');
    const stub = await cli.run([
      'stub',
      '--pool',
      'workers',
      '--format',
      'ignition',
      '--server',
      server.kindling.url,
      '--to-secret',
      'workers-userdata',
    ]);
    expect(stub.stdout).toMatch(new RegExp(`^created userdata Secret ${ns}/workers-userdata`));

    const rotated = await cli.run(['token', 'rotate', '--pool', 'workers', '--overlap', '3s']);
    expect(rotated.code).toBe(0);
    const fresh = await currentToken(ns, 'workers');
    expect(fresh).not.toBe(old);
    expect(rotated.stdout).toMatch(/^rotated pool workers in Secret \S+: new token fp [0-9a-f]{8}/);
    expect(rotated.stdout).toMatch(/old token fp [0-9a-f]{8} still accepted until \S+Z, refused after/);
    expect(rotated.stdout).toContain(`rewrote userdata Secret ${ns}/workers-userdata`);
    expect(rotated.stdout).not.toContain(fresh);
    const userdata = await env.core.readNamespacedSecret({ namespace: ns, name: 'workers-userdata' });
    expect(plain(userdata.data, 'value')).toContain(`Bearer ${fresh}`);

    await waitFor(async () => (await server.ignition(fresh)).status === 200, {
      timeoutMs: 1000,
      what: 'new token',
    });
    expect(await server.ignition(old)).toMatchObject({ status: 200, marker: 'one' });

    const refused = await cli.run(['token', 'rotate', '--pool', 'workers']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/previous token fp [0-9a-f]{8} is accepted until .* pass --force/);
    expect(await currentToken(ns, 'workers')).toBe(fresh);

    await waitFor(async () => (await server.ignition(old)).status === 403, {
      timeoutMs: 6000,
      what: 'old token refused',
    });
    expect(await server.ignition(fresh)).toMatchObject({ status: 200, marker: 'one' });
  });

  it('revoke --pool → 403 within a second, Secret kept; again → no change; create afterwards issues a new token', async () => {
    const { ns, cli, server } = await setUp('revoke');
    await cli.run(['token', 'create', '--pool', 'workers', '--payload', payloadFile(cli, 'one')]);
    const token = await currentToken(ns, 'workers');
    await waitFor(async () => (await server.ignition(token)).status === 200, { what: '200' });

    const revoked = await cli.run(['token', 'revoke', '--pool', 'workers']);
    const revokedAt = performance.now();
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(
      /^revoked pool workers: Secret \S+ now ends its tokens \(fp [0-9a-f]{8}\) at \S+Z/,
    );
    await waitFor(async () => (await server.ignition(token)).status === 403, {
      timeoutMs: 1000,
      intervalMs: 5,
      what: '403',
    });
    expect(performance.now() - revokedAt).toBeLessThan(1000);
    const [secret] = await poolSecrets(ns, 'workers');
    expect(secret === undefined ? undefined : readPoolSecret(secret).revokedAt).toEqual(expect.any(Number));

    const again = await cli.run(['token', 'revoke', '--pool', 'workers']);
    expect(again.stdout).toMatch(/^pool workers was revoked at \S+ already; Secret \S+ unchanged/);
    const stub = await cli.run([
      'stub',
      '--pool',
      'workers',
      '--format',
      'ignition',
      '--server',
      server.kindling.url,
    ]);
    expect(stub.code).toBe(1);
    expect(stub.stderr).toMatch(/has no live token \(revoked\)/);

    const recreated = await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--payload',
      payloadFile(cli, 'one'),
    ]);
    expect(recreated.stdout).toMatch(/new token \(the previous one was revoked\)/);
    const fresh = await currentToken(ns, 'workers');
    await waitFor(async () => (await server.ignition(fresh)).status === 200, { what: 'new token served' });
    expect(await server.ignition(token)).toEqual({ status: 403 });
  });

  it('bad input exits 2 naming the flag and writes nothing; missing permission exits 1 naming verb, resource, namespace', async () => {
    const ns = await env.namespace('usage');
    const cli = createCli(env.kubeConfig(), ns);
    cleanUps.push(cli.cleanUp);
    const cases: [string[], RegExp][] = [
      [['token', 'create', '--payload', payloadFile(cli, 'one')], /--pool is required/],
      [
        ['token', 'create', '--pool', 'Workers', '--payload', payloadFile(cli, 'one')],
        /--pool must be a DNS label/,
      ],
      [['token', 'create', '--pol', 'workers'], /unknown flag --pol \(did you mean --pool\?\)/],
      [['token', 'create', '--pool', 'workers'], /give exactly one of --template FILE and --payload FILE/],
      [
        [
          'token',
          'create',
          '--pool',
          'w',
          '--payload',
          cli.file('bad.ign', '{"ignition":{"version":"3.4.0"},"storage":{"filez":[]}}'),
        ],
        /--payload \S+bad\.ign: not a payload the server would serve \(unknown-key\)/,
      ],
      [
        ['token', 'create', '--pool', 'w', '--payload', '/nonexistent.ign'],
        /--payload \/nonexistent\.ign: cannot read the file \(ENOENT\)/,
      ],
      [
        ['token', 'create', '--pool', 'w', '--payload', payloadFile(cli, 'one'), '--bootstrap-token'],
        /--bootstrap-token needs --template/,
      ],
      [
        ['token', 'create', '--pool', 'w', '--payload', payloadFile(cli, 'one'), '--ttl', '1 day'],
        /--ttl must be a duration such as 30m/,
      ],
      [['token', 'rotate', '--pool', 'nothere'], /--pool nothere: no token Secret for this pool/],
      [
        ['stub', '--pool', 'w', '--format', 'ignition', '--server', 'ftp://x'],
        /--server must be https \(or http\)/,
      ],
      [
        ['stub', '--pool', 'w', '--format', 'cloud-config', '--server', 'https://x', '--gzip'],
        /--gzip is for --format ignition only/,
      ],
      [['token', 'revoke'], /give --pool NAME, --machine NAME, or both/],
    ];
    for (const [args, message] of cases) {
      const run = await cli.run(args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('See: kindling');
    }
    expect((await env.core.listNamespacedSecret({ namespace: ns })).items).toEqual([]);

    const nobody = createCli(env.kubeConfig('nobody'), ns);
    cleanUps.push(nobody.cleanUp);
    const forbidden = await nobody.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--payload',
      payloadFile(cli, 'one'),
    ]);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain(
      `forbidden: cannot list secrets in namespace "${ns}"; your credentials need "list" on secrets in namespace "${ns}"`,
    );
  });
});
