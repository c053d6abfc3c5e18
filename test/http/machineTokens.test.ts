import { createHmac, hash, randomUUID } from 'node:crypto';
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, createHttpHandlers } from '../../src/http/createApp.ts';
import { createFailureLimiter } from '../../src/http/rateLimit/createFailureLimiter.ts';
import { createPayloadStore, type PayloadStore } from '../../src/store/createPayloadStore.ts';
import type { StoreObserver } from '../../src/store/StoreObserver.ts';
import { createSigningKey, type SigningKey } from '../../src/tokens/jws/createSigningKey.ts';
import { captureLogger } from '../support/captureLogger.ts';
import {
  AUDIENCE,
  bootstrapToken,
  clusterInfo,
  keysSecret,
  MACHINE_NAME_TEMPLATE,
  mint,
  revocationsSecret,
  templateTokenSecret,
} from '../support/machineTokens.ts';
import { ignitionConfig, tokenSecret } from '../support/tokenSecret.ts';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const WORKERS = ignitionConfig('3.4.0', 'workers');

let current: SigningKey;
let previous: SigningKey;
let stranger: SigningKey;

beforeAll(async () => {
  [current, previous, stranger] = await Promise.all([
    createSigningKey(),
    createSigningKey(),
    createSigningKey(),
  ]);
});

interface Setup {
  keys?: SigningKey[] | undefined;
  burst?: number;
  /** `null`: no --server-url. */
  audience?: string | null;
}

function setup({ keys = [current, previous], burst = 1000, audience = AUDIENCE }: Setup = {}) {
  let clock = T0;
  const now = () => clock;
  const events: string[] = [];
  const observer: StoreObserver = {
    secretRefused: (key, error, { stillServing }) =>
      events.push(`refused ${key} ${error.rule} ${stillServing}`),
    verificationKeys: ({ secrets, kids }) => events.push(`keys ${secrets.join(',')} ${kids.length}`),
  };
  const store = createPayloadStore({ now, machineTokenAudience: audience ?? undefined, observer });
  const poolToken = randomUUID();
  const templatePoolToken = randomUUID();
  store.replace([
    tokenSecret({ name: 'token-workers', pool: 'workers', token: poolToken, payload: WORKERS }),
    templateTokenSecret(MACHINE_NAME_TEMPLATE, { name: 'token-cp', pool: 'cp', token: templatePoolToken }),
  ]);
  const [first, second] = keys ?? [];
  store.cluster.replace('Secret', [
    bootstrapToken(),
    ...(first === undefined ? [] : [keysSecret(first, second)]),
  ]);
  store.cluster.upsert(clusterInfo());
  const log = captureLogger();
  const served: string[] = [];
  const options = {
    store,
    logger: log.logger,
    limiter: createFailureLimiter({ burst, refillPerSecond: 1, now }),
    remoteAddress: () => '192.0.2.7',
    onMachineServed: (pool: string, jti: string, machine: string, from: string) =>
      served.push(`${pool} ${jti} ${machine} ${from}`),
    onServed: () => served.push('pool token'),
  };
  const app = createApp(options);
  const get = (token: string, path = '/ignition', headers: Record<string, string> = {}) =>
    app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    store,
    app,
    get,
    log,
    events,
    served,
    options,
    tokens: { poolToken, templatePoolToken },
    mintNow: (init: Partial<Parameters<typeof mint>[0]> = {}) => mint({ key: current, now: clock, ...init }),
    advance: (ms: number) => (clock += ms),
  };
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(((await response.json()) as { error: string }).error).toBe(error);
}

/** A compact JWS with any header and claims, signed by `sign` over the signing input. */
function forge(header: object, claims: object, sign: (input: string) => string): string {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}`;
  return `${input}.${sign(input)}`;
}

function goodClaims() {
  const iat = Math.floor(T0 / 1000);
  return { 'kindling.dev/pool': 'workers', sub: 'worker-7', jti: 'j-1', aud: AUDIENCE, iat, exp: iat + 3600 };
}

interface IgnitionFiles {
  storage?: { files?: { path: string; contents?: { source?: string } }[] };
}

/** The content of /etc/hostname in a served Ignition config. */
async function hostnameOf(response: Response): Promise<string> {
  const config = (await response.json()) as IgnitionFiles;
  const source = config.storage?.files?.find((file) => file.path === '/etc/hostname')?.contents?.source ?? '';
  return decodeURIComponent(source.replace(/^data:,/, '')).trim();
}

describe('per-machine tokens: valid', () => {
  it("200 with the pool's payload for the current and the previous key, recording the machine's fetch", async () => {
    const { get, mintNow, served } = setup();
    const token = await mintNow({ jti: 'jti-current' });
    const response = await get(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(WORKERS);
    const old = await mintNow({ key: previous, jti: 'jti-previous', machine: 'worker-8' });
    expect((await get(old)).status).toBe(200);
    expect(served).toEqual([
      'workers jti-current worker-7 192.0.2.7',
      'workers jti-previous worker-8 192.0.2.7',
    ]);
  });

  it('304 with If-None-Match, and /cloud-config answers as for the pool token (406: a finished payload)', async () => {
    const { get, mintNow } = setup();
    const token = await mintNow();
    const etag = (await get(token)).headers.get('etag') ?? '';
    expect((await get(token, '/ignition', { 'if-none-match': etag })).status).toBe(304);
    await expectError(await get(token, '/cloud-config'), 406, 'ERR_NOT_ACCEPTABLE');
  });

  it('puts the machine name in a machine-name template: each machine gets its own hostname', async () => {
    const { get, mintNow, tokens } = setup();
    expect(await hostnameOf(await get(await mintNow({ pool: 'cp', machine: 'node-a' })))).toBe('node-a');
    expect(await hostnameOf(await get(await mintNow({ pool: 'cp', machine: 'node-b' })))).toBe('node-b');
    const cloudConfig = await get(await mintNow({ pool: 'cp', machine: 'node-a' }), '/cloud-config');
    expect(cloudConfig.status).toBe(200);
    expect(await cloudConfig.text()).toMatch(/node-a/);
    // The pool's own token names no machine: such a template cannot be rendered for it.
    await expectError(await get(tokens.templatePoolToken), 503, 'ERR_RENDER_FAILED');
  });
});

describe('per-machine tokens: 401 before any lookup', () => {
  const cases: [string, () => Promise<string>][] = [
    [
      'a wrong signature',
      async () => {
        const [header, claims] = (await mint({ key: current, now: T0 })).split('.');
        const signature = (await mint({ key: current, now: T0, machine: 'other' })).split('.')[2];
        return `${header}.${claims}.${signature}`;
      },
    ],
    ['an unknown kid', () => mint({ key: stranger, now: T0 })],
    ['another audience', () => mint({ key: current, now: T0, audience: 'https://other.example' })],
    [
      'alg none',
      async () =>
        forge({ alg: 'none', kid: current.kid, typ: 'kindling-machine+jwt' }, goodClaims(), () => 'x'),
    ],
    [
      'HS256 keyed with the public key',
      async () =>
        forge({ alg: 'HS256', kid: current.kid, typ: 'kindling-machine+jwt' }, goodClaims(), (input) =>
          createHmac('sha256', JSON.stringify(current.publicJwk)).update(input).digest('base64url'),
        ),
    ],
    ['malformed', async () => 'abc.def.ghi'],
  ];

  it.each(cases)('%s', async (_, make) => {
    const { get, served } = setup();
    const response = await get(await make());
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="kindling"');
    await expectError(response, 401, 'ERR_UNAUTHORIZED');
    expect(served).toEqual([]);
  });
});

describe('per-machine tokens: 403', () => {
  it('expired: from its exp on', async () => {
    const { get, mintNow, advance } = setup();
    const token = await mintNow({ ttlSeconds: 60 });
    expect((await get(token)).status).toBe(200);
    advance(60_000);
    await expectError(await get(token), 403, 'ERR_TOKEN_EXPIRED');
  });

  it('revoked: from the request after the revocations Secret arrives', async () => {
    const { get, mintNow, store } = setup();
    const token = await mintNow({ jti: 'to-revoke' });
    const other = await mintNow({ jti: 'kept', machine: 'worker-8' });
    expect((await get(token)).status).toBe(200);
    store.cluster.upsert(revocationsSecret(['to-revoke']));
    await expectError(await get(token), 403, 'ERR_TOKEN_REVOKED');
    expect((await get(other)).status).toBe(200);
  });

  it("the pool's Secret expired (token revoke --pool ends it): its machines are refused too", async () => {
    const { get, mintNow, store } = setup();
    store.upsert(
      tokenSecret({
        name: 'token-workers',
        pool: 'workers',
        payload: WORKERS,
        annotations: { 'kindling.dev/expires-at': '2026-11-21T11:00:00Z' },
      }),
    );
    await expectError(await get(await mintNow()), 403, 'ERR_TOKEN_EXPIRED');
  });
});

describe('per-machine tokens: 503, "not yet"', () => {
  it('a pool without a Secret', async () => {
    const { get, mintNow } = setup();
    await expectError(await get(await mintNow({ pool: 'gpu' })), 503, 'ERR_TOKEN_UNKNOWN');
  });

  it('a pool named by two Secrets, until one is left', async () => {
    const { get, mintNow, store } = setup();
    store.upsert(tokenSecret({ name: 'token-workers-2', pool: 'workers' }));
    const token = await mintNow();
    await expectError(await get(token), 503, 'ERR_TOKEN_CONFLICT');
    store.remove({ namespace: 'kindling', name: 'token-workers-2' });
    expect((await get(token)).status).toBe(200);
  });

  it('no verification keys yet; served once they arrive', async () => {
    const { get, mintNow, store } = setup({ keys: [] });
    const token = await mintNow();
    await expectError(await get(token), 503, 'ERR_TOKEN_UNKNOWN');
    store.cluster.upsert(keysSecret(current));
    expect((await get(token)).status).toBe(200);
  });

  it('two verification-keys Secrets: neither is trusted', async () => {
    const { get, mintNow, store, events } = setup();
    const second = keysSecret(current);
    second.metadata = { name: 'other-keys', namespace: 'kindling' };
    store.cluster.upsert(second);
    await expectError(await get(await mintNow()), 503, 'ERR_TOKEN_CONFLICT');
    expect(events).toContain('keys kindling/kindling-verification-keys,kindling/other-keys 0');
  });

  it('no --server-url: the keys cannot be used, and the log says why', async () => {
    const { get, mintNow, events } = setup({ audience: null });
    await expectError(await get(await mintNow()), 503, 'ERR_TOKEN_UNKNOWN');
    expect(events).toContain('refused kindling/kindling-verification-keys no-audience false');
  });
});

describe('per-machine tokens: key rotation', () => {
  it('accepts the current and previous keys, then refuses the key a second rotation dropped', async () => {
    const third = await createSigningKey();
    const { get, store, events } = setup({ keys: [previous] });
    const byPrevious = await mint({ key: previous, now: T0 });
    const byCurrent = await mint({ key: current, now: T0 });
    const byThird = await mint({ key: third, now: T0 });
    expect((await get(byPrevious)).status).toBe(200);
    await expectError(await get(byCurrent), 401, 'ERR_UNAUTHORIZED');
    store.cluster.upsert(keysSecret(current, previous));
    expect((await get(byCurrent)).status).toBe(200);
    expect((await get(byPrevious)).status).toBe(200);
    store.cluster.upsert(keysSecret(third, current));
    expect((await get(byThird)).status).toBe(200);
    expect((await get(byCurrent)).status).toBe(200);
    await expectError(await get(byPrevious), 401, 'ERR_UNAUTHORIZED');
    expect(events.filter((event) => event.startsWith('keys '))).toEqual([
      'keys kindling/kindling-verification-keys 1',
      'keys kindling/kindling-verification-keys 2',
      'keys kindling/kindling-verification-keys 2',
    ]);
  });

  it('a keys Secret updated into something invalid keeps its last good keys', async () => {
    const { get, mintNow, store, events } = setup();
    const broken = keysSecret(current);
    broken.data = { 'current.jwk': Buffer.from('{').toString('base64') };
    store.cluster.upsert(broken);
    expect((await get(await mintNow())).status).toBe(200);
    expect(events).toContain('refused kindling/kindling-verification-keys bad-jwk true');
  });
});

describe('per-machine tokens: logs and limits', () => {
  it('logs the machine and the fingerprint, never the token nor its signature', async () => {
    const { get, mintNow, log, advance } = setup();
    const token = await mintNow({ ttlSeconds: 60 });
    const forged = await mint({ key: stranger, now: T0 });
    await get(token);
    await get(forged, '/ignition', { 'user-agent': `agent ${token}` });
    advance(60_000);
    await get(token);
    const records = log.records().filter((record) => record.msg === 'request');
    expect(records.map((record) => [record.status, record.machine, record.tokenFingerprint])).toEqual([
      [200, 'worker-7', hash('sha256', token, 'hex').slice(0, 8)],
      [401, undefined, hash('sha256', forged, 'hex').slice(0, 8)],
      [403, undefined, hash('sha256', token, 'hex').slice(0, 8)],
    ]);
    for (const compact of [token, forged]) {
      const signature = compact.split('.')[2] ?? '';
      for (const line of log.lines) {
        expect(line).not.toContain(compact);
        expect(line).not.toContain(signature);
      }
    }
  });

  it('failed verifications spend the failure budget of the address', async () => {
    const { get, mintNow } = setup({ burst: 3 });
    const forged = await mint({ key: stranger, now: T0 });
    for (let i = 0; i < 3; i++) await expectError(await get(forged), 401, 'ERR_UNAUTHORIZED');
    await expectError(await get(await mintNow()), 503, 'ERR_RATE_LIMITED');
  });

  it('a pool token is still answered synchronously; a per-machine token with a promise', async () => {
    const { options, tokens, mintNow } = setup();
    const { answerIgnition } = createHttpHandlers(options);
    const request = { format: 'ignition', accept: undefined, acceptEncoding: undefined } as const;
    const plain = { ...request, ifNoneMatch: undefined, remoteAddress: '192.0.2.7' };
    const byUuid = answerIgnition({ ...plain, authorization: `Bearer ${tokens.poolToken}` });
    expect(byUuid).not.toBeInstanceOf(Promise);
    expect(byUuid).toMatchObject({ answer: { status: 200 }, pool: 'workers', machine: undefined });
    const byJws = answerIgnition({ ...plain, authorization: `Bearer ${await mintNow()}` });
    expect(byJws).toBeInstanceOf(Promise);
    expect(await byJws).toMatchObject({ answer: { status: 200 }, pool: 'workers', machine: 'worker-7' });
  });

  it('a failure while verifying is a 500 (retried), logged, never an unhandled rejection', async () => {
    const { options, mintNow, log } = setup();
    const store: PayloadStore = Object.create(options.store) as PayloadStore;
    store.verifyMachineToken = () => Promise.reject(new Error('boom'));
    const app = createApp({ ...options, store });
    const response = await app.request('/ignition', {
      headers: { authorization: `Bearer ${await mintNow()}` },
    });
    await expectError(response, 500, 'ERR_INTERNAL');
    expect(log.records()).toContainEqual(expect.objectContaining({ msg: 'unhandled error' }));
  });
});
