import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createMachineTokenVerifier } from '../../../src/tokens/jws/createMachineTokenVerifier.ts';
import { readSigningKeySecret } from '../../../src/tokens/jws/readSigningKeySecret.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../../support/envtest.ts';
import { ignitionConfig } from '../../support/tokenSecret.ts';
import { createCli, plain, stubMerge, type Cli } from './cliHarness.ts';

const SERVER = 'https://kindling.example:8443';

// `token mint`, `token revoke --machine`, `token rotate-key` and `token list --pool` against a real
// kube-apiserver. The server side of machine tokens is checked with the verifier the server uses, fed from
// the Secrets the commands wrote; the server's first-fetch record is written as the server will write it.

describeEnvtest('kindling token: machine tokens (real kube-apiserver)', () => {
  let env: Envtest;
  const cleanUps: (() => unknown)[] = [];
  beforeAll(async () => {
    env = await startEnvtest();
  });
  afterEach(async () => {
    for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
  });
  afterAll(() => env?.stop());

  async function setUp(): Promise<{ ns: string; keys: string; cli: Cli; run: Cli['run'] }> {
    const ns = await env.namespace('machines');
    const keys = `keys-${randomBytes(3).toString('hex')}`;
    const cli = createCli(env.kubeConfig(), ns);
    cleanUps.push(cli.cleanUp);
    await cli.run([
      'token',
      'create',
      '--pool',
      'workers',
      '--payload',
      cli.file('p.ign', JSON.stringify(ignitionConfig())),
    ]);
    // The commands that hold the signing key get a namespace of their own per test.
    const signs = (args: readonly string[]) =>
      args[0] === 'stub' || args[1] === 'mint' || args[1] === 'rotate-key';
    return { ns, keys, cli, run: (args) => cli.run(signs(args) ? [...args, '--key-namespace', keys] : args) };
  }

  async function secret(namespace: string, name: string): Promise<SecretObject> {
    const { type, metadata, data } = await env.core.readNamespacedSecret({ namespace, name });
    return { type, metadata: { ...metadata, name }, data };
  }

  /** What the server will do: verify with the public keys of kindling-verification-keys, refuse revoked jtis. */
  async function verify(ns: string, token: string) {
    const { publicJwks } = await readSigningKeySecret(await secret(ns, 'kindling-verification-keys'));
    const revoked = await env.core
      .readNamespacedSecret({ namespace: ns, name: 'kindling-revocations' })
      .catch(() => undefined);
    const verifier = createMachineTokenVerifier({
      publicJwks,
      audience: SERVER,
      isRevoked: (jti) => revoked?.data?.[jti] !== undefined,
    });
    return verifier.verify(token);
  }

  it('mint: a JWS the server verifies, recorded before it is printed; the key is created once, out of the server namespace', async () => {
    const { ns, keys, cli, run } = await setUp();
    const minted = await run([
      'token',
      'mint',
      '--pool',
      'workers',
      '--machine',
      'node-1',
      '--server',
      `${SERVER}/`,
    ]);
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(minted.stderr).toContain(`created Namespace ${keys} for the signing key`);
    expect(minted.stderr).toMatch(
      new RegExp(`created signing key Secret ${keys}/kindling-signing-key \\(ES256, kid \\S+\\)`),
    );
    expect(minted.stderr).toContain(`created verification keys Secret ${ns}/kindling-verification-keys`);
    expect(minted.stderr).toMatch(
      /minted a token for machine node-1 \(pool workers, jti ([0-9a-f-]{36}), expires \S+Z\)/,
    );
    expect(minted.stderr).not.toContain(token);
    const result = await verify(ns, token);
    expect(result).toMatchObject({ ok: true, pool: 'workers', machine: 'node-1' });
    const jti = result.ok ? result.jti : '';
    expect(result.ok && result.expiresAt - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);

    const registry = await secret(ns, 'kindling-machines-workers');
    expect(registry.type).toBe('kindling.dev/machine-tokens');
    expect(registry.metadata.labels).toEqual({
      'kindling.dev/machine-tokens': 'true',
      'kindling.dev/pool': 'workers',
    });
    expect(JSON.parse(plain(registry.data, jti) ?? '')).toEqual({
      machine: 'node-1',
      kid: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect((await secret(ns, 'kindling-verification-keys')).data?.['current.jwk']).toBeDefined();
    expect(plain((await secret(ns, 'kindling-verification-keys')).data, 'current.jwk')).not.toContain('"d"');

    const second = await run([
      'token',
      'mint',
      '--pool',
      'workers',
      '--machine',
      'node-2',
      '--server',
      SERVER,
      '--ttl',
      '30m',
    ]);
    expect(second.stderr).not.toMatch(/created/);
    expect(await verify(ns, second.stdout.trim())).toMatchObject({ ok: true, machine: 'node-2' });

    const same = await cli.run([
      'token',
      'mint',
      '--pool',
      'workers',
      '--machine',
      'node-1',
      '--server',
      SERVER,
      '--key-namespace',
      ns,
    ]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--key-namespace must not be the server's namespace/);
    const unknown = await run(['token', 'mint', '--pool', 'gpu', '--machine', 'node-1', '--server', SERVER]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
  });

  it('revoke --machine → in kindling-revocations, refused by the verifier; list --pool shows which machines booted', async () => {
    const { ns, run } = await setUp();
    const one = (
      await run(['token', 'mint', '--pool', 'workers', '--machine', 'node-1', '--server', SERVER])
    ).stdout.trim();
    const two = await run([
      'stub',
      '--pool',
      'workers',
      '--machine',
      'node-2',
      '--format',
      'ignition',
      '--server',
      SERVER,
    ]);
    const header = stubMerge(two.stdout).httpHeaders[0]?.value ?? '';
    const twoToken = header.replace(/^Bearer /, '');
    expect(await verify(ns, twoToken)).toMatchObject({ ok: true, machine: 'node-2' });
    const oneJti = (await verify(ns, one)) as { jti: string };

    // The server's first-fetch record, as it will write it: one key per jti, by JSON merge patch.
    const record = Buffer.from(JSON.stringify({ at: '2026-01-01T00:00:00Z', from: '10.0.0.7' })).toString(
      'base64',
    );
    await env.core.patchNamespacedSecret(
      {
        namespace: ns,
        name: 'kindling-machines-workers',
        body: { data: { [`${oneJti.jti}.first-fetch`]: record } },
      },
      (await import('@kubernetes/client-node')).setHeaderOptions(
        'Content-Type',
        'application/merge-patch+json',
      ),
    );

    const revoked = await run(['token', 'revoke', '--machine', 'node-1']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(
      new RegExp(
        `^revoked 1 token\\(s\\) of machine node-1 in Secret ${ns}/kindling-revocations:\\n  pool workers, jti ${oneJti.jti}`,
      ),
    );
    expect(await verify(ns, one)).toEqual({ ok: false, code: 'ERR_TOKEN_REVOKED' });
    expect(await verify(ns, twoToken)).toMatchObject({ ok: true });
    const revocations = await secret(ns, 'kindling-revocations');
    expect(revocations.type).toBe('kindling.dev/revocations');
    expect(JSON.parse(plain(revocations.data, oneJti.jti) ?? '')).toEqual({
      pool: 'workers',
      machine: 'node-1',
      exp: expect.any(Number),
      revokedAt: expect.stringMatching(/Z$/),
    });
    expect((await run(['token', 'revoke', '--machine', 'node-1'])).stdout).toMatch(
      /are revoked already; nothing changed/,
    );
    const typo = await run(['token', 'revoke', '--machine', 'node-9']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--machine node-9: no token was minted for this machine/);

    const listed = JSON.parse((await run(['token', 'list', '--pool', 'workers', '-o', 'json'])).stdout) as {
      machines: unknown[];
    };
    expect(listed.machines).toEqual([
      expect.objectContaining({
        machine: 'node-1',
        status: 'revoked',
        firstFetch: { at: '2026-01-01T00:00:00Z', from: '10.0.0.7' },
      }),
      expect.objectContaining({ machine: 'node-2', status: 'live', firstFetch: null }),
    ]);
    const table = (await run(['token', 'list', '--pool', 'workers'])).stdout;
    expect(table).toMatch(/^MACHINE\s+JTI\s+ISSUED\s+EXPIRES\s+FIRST FETCH\s+STATUS$/m);
    expect(table).toMatch(/^node-1\s+\S+\s+\S+\s+\S+\s+2026-01-01T00:00:00Z from 10\.0\.0\.7\s+revoked$/m);
    expect(table).toMatch(/^2 machine\(s\), 1 booted$/m);

    const pool = await run(['token', 'revoke', '--pool', 'workers']);
    expect(pool.stdout).toMatch(/revoked 1 machine token\(s\) of the pool/);
    expect(await verify(ns, twoToken)).toEqual({ ok: false, code: 'ERR_TOKEN_REVOKED' });
    const afterwards = await run([
      'token',
      'mint',
      '--pool',
      'workers',
      '--machine',
      'node-3',
      '--server',
      SERVER,
    ]);
    expect(afterwards.code).toBe(1);
    expect(afterwards.stderr).toMatch(/pool workers was revoked at/);
  });

  it('rotate-key: the old key keeps verifying; a second rotation is refused while its tokens live', async () => {
    const { ns, run } = await setUp();
    const old = (
      await run(['token', 'mint', '--pool', 'workers', '--machine', 'node-1', '--server', SERVER])
    ).stdout.trim();
    const rotated = await run(['token', 'rotate-key']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/updated verification keys Secret .* to match the signing key/);
    expect(rotated.stdout).toMatch(
      /rotated the signing key in Secret \S+: new kid \S+; kid \S+ still verifies until the next rotation$/m,
    );
    const fresh = (
      await run(['token', 'mint', '--pool', 'workers', '--machine', 'node-2', '--server', SERVER])
    ).stdout.trim();
    expect(await verify(ns, old)).toMatchObject({ ok: true, machine: 'node-1' });
    expect(await verify(ns, fresh)).toMatchObject({ ok: true, machine: 'node-2' });

    const refused = await run(['token', 'rotate-key']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /1 live token\(s\) were signed by key \S+, which this rotation would drop; .* pass --force/,
    );
    const forced = await run(['token', 'rotate-key', '--force']);
    expect(forced.stdout).toMatch(/dropped$/m);
    expect(await verify(ns, old)).toEqual({ ok: false, code: 'ERR_UNAUTHORIZED' });
    expect(await verify(ns, fresh)).toMatchObject({ ok: true });
  });
});
