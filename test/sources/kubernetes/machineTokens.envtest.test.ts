import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { sampleFacts } from '../../machines/sampleFacts.ts';
import { createCli, type Cli } from '../../cli/token/cliHarness.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../../support/envtest.ts';
import { ignitionConfig } from '../../support/tokenSecret.ts';
import { waitFor } from '../../support/waitFor.ts';
import { startKindlingOn, type KindlingOn } from './startKindlingOn.ts';

const SERVER = 'https://kindling.example:8443';

// Per-machine tokens end to end on a real kube-apiserver: the CLI mints and revokes, the server (its
// kubernetes source) serves, records the first fetch, refuses the revoked token and keeps the report.

describeEnvtest('per-machine tokens through the kubernetes source (real kube-apiserver)', () => {
  let env: Envtest;
  const servers: KindlingOn[] = [];
  const clis: Cli[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
    for (const cli of clis.splice(0)) await cli.cleanUp();
  });
  afterAll(() => env?.stop());

  it('serves a minted token once its keys exist, records its first fetch, stores its report, refuses it once revoked', async () => {
    const ns = await env.namespace('machine-tokens');
    const cli = createCli(env.kubeConfig(), ns);
    clis.push(cli);
    const keys = ['--key-namespace', `keys-${randomBytes(3).toString('hex')}`];
    const payload = cli.file('p.ign', JSON.stringify(ignitionConfig('3.4.0', 'minted')));
    expect((await cli.run(['token', 'create', '--pool', 'workers', '--payload', payload])).code).toBe(0);

    // Started before the keys exist: they arrive through the watch.
    const server = await startKindlingOn(env.kubeConfig(), { namespace: ns, args: ['--server-url', SERVER] });
    servers.push(server);
    await waitFor(() => server.kindling.ready, { what: 'ready', timeoutMs: 10_000 });
    const mint = ['token', 'mint', '--pool', 'workers', '--machine', 'node-1', '--server', SERVER];
    const minted = await cli.run([...mint, ...keys]);
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      jti: string;
    };
    await waitFor(async () => (await server.ignition(token)).marker === 'minted', {
      what: 'the minted token served',
    });

    const record = await waitFor(
      async () => {
        const pool = await env.core.readNamespacedSecret({
          namespace: ns,
          name: 'kindling-machines-workers',
        });
        const value = pool.data?.[`${jti}.first-fetch`];
        return value === undefined
          ? undefined
          : (JSON.parse(Buffer.from(value, 'base64').toString()) as unknown);
      },
      { what: 'the first-fetch record', intervalMs: 100 },
    );
    expect(record).toEqual({ at: expect.any(String), from: '127.0.0.1' });

    const advertised = await fetch(`${server.kindling.url}/advertise`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleFacts({ hostname: 'node-1' })),
    });
    expect(advertised.status).toBe(200);
    const report = await env.core.readNamespacedConfigMap({ namespace: ns, name: 'machine-node-1' });
    expect(report.metadata?.labels).toMatchObject({ 'kindling.dev/machine-report': 'true' });

    expect((await cli.run(['token', 'revoke', '--machine', 'node-1'])).code).toBe(0);
    await waitFor(async () => (await server.ignition(token)).status === 403, {
      what: 'the revoked token refused',
    });
    expect(server.log.records().filter((r) => r.kind === 'forbidden' || r.kind === 'first-fetch')).toEqual(
      [],
    );
  });
});
