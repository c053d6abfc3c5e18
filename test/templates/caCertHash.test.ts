import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isKindlingError } from '../../src/errors/KindlingError.ts';
import { caCertHash, caCertHashes } from '../../src/templates/caCertHash.ts';
import { readBootstrapTokenSecret } from '../../src/templates/readBootstrapTokenSecret.ts';
import { readClusterInfo } from '../../src/templates/readClusterInfo.ts';
import { FIXTURE_CA_HASH, skipWithout, TEMPLATES_DIR } from './templateFixtures.ts';
import { catchKindlingError } from '../payload/expectPayloadError.ts';

// The CA pin is checked against openssl's own computation (the same pipeline kubeadm's documentation gives:
// the certificate's public key, DER-encoded, SHA-256), on CAs openssl generates here.
const scratch = mkdtempSync(join(tmpdir(), 'kindling-ca-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function openssl(args: string[], input?: string | Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function generateCa(name: string, keyArgs: string[]): string {
  const certificate = join(scratch, `${name}.crt`);
  openssl([
    'req',
    '-x509',
    '-nodes',
    ...keyArgs,
    '-keyout',
    join(scratch, `${name}.key`),
    '-out',
    certificate,
    '-subj',
    `/CN=${name}`,
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  return readFileSync(certificate, 'utf8');
}

function opensslPin(pem: string): string {
  const publicKey = openssl(['x509', '-pubkey', '-noout'], pem);
  const der = openssl(['pkey', '-pubin', '-outform', 'der'], publicKey);
  const digest = openssl(['dgst', '-sha256', '-hex'], der).toString('utf8');
  return `sha256:${/([0-9a-f]{64})\s*$/.exec(digest)?.[1] ?? 'no digest'}`;
}

describe.skipIf(skipWithout('openssl', 'the CA hash is checked against openssl'))('caCertHash', () => {
  const rsa = generateCa('rsa-ca', ['-newkey', 'rsa:2048']);
  const ec = generateCa('ec-ca', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);

  it.each([
    ['an RSA CA', rsa],
    ['an ECDSA P-256 CA', ec],
  ])(
    'equals openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 for %s',
    (_, pem) => {
      expect(caCertHash(pem)).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(caCertHash(pem)).toBe(opensslPin(pem));
    },
  );

  it('hashes the committed fixture CA as openssl does', () => {
    const configMap = parse(readFileSync(`${TEMPLATES_DIR}cluster/cluster-info.yaml`, 'utf8'));
    const kubeconfig = parse(configMap.data.kubeconfig);
    const pem = Buffer.from(
      kubeconfig.clusters[0].cluster['certificate-authority-data'],
      'base64',
    ).toString();
    expect(opensslPin(pem)).toBe(FIXTURE_CA_HASH);
    expect(caCertHash(pem)).toBe(FIXTURE_CA_HASH);
  });

  it('pins every CA of a bundle, in order, once each (a CA rotation publishes two)', () => {
    expect(caCertHashes(`${rsa}${ec}${rsa}`)).toEqual([opensslPin(rsa), opensslPin(ec)]);
  });

  it('reads the endpoint and the pins from a cluster-info kubeconfig', () => {
    const kubeconfig = (server: string) =>
      `apiVersion: v1\nkind: Config\nclusters:\n- name: ""\n  cluster:\n    server: ${server}\n` +
      `    certificate-authority-data: ${Buffer.from(rsa).toString('base64')}\n`;
    expect(readClusterInfo(kubeconfig('https://10.0.0.1:6443'))).toEqual({
      server: 'https://10.0.0.1:6443',
      apiServerEndpoint: '10.0.0.1:6443',
      caCertHashes: [opensslPin(rsa)],
    });
    expect(readClusterInfo(kubeconfig('https://[fd00::1]:6443')).apiServerEndpoint).toBe('[fd00::1]:6443');
    expect(readClusterInfo(kubeconfig('https://api.example.com')).apiServerEndpoint).toBe(
      'api.example.com:443',
    );
  });
});

describe('readClusterInfo refuses', () => {
  it.each([
    ['no clusters', 'apiVersion: v1\nclusters: []\n', 'kubeconfig'],
    [
      'no server',
      'clusters:\n- cluster:\n    certificate-authority-data: AAAA\n',
      'clusters[0].cluster.server',
    ],
    [
      'no CA data',
      'clusters:\n- cluster:\n    server: https://a:1\n',
      'clusters[0].cluster.certificate-authority-data',
    ],
    [
      'a CA that is no certificate',
      'clusters:\n- cluster:\n    server: https://a:1\n    certificate-authority-data: AAAA\n',
      'clusters[0].cluster.certificate-authority-data',
    ],
    [
      'a plain-http server',
      `clusters:\n- cluster:\n    server: http://a:1\n    certificate-authority-data: AAAA\n`,
      'clusters[0].cluster.server',
    ],
  ])('%s', (_, kubeconfig, path) => {
    const error = catchKindlingError(() => readClusterInfo(kubeconfig));
    expect({ code: error.code, rule: error.rule, path: error.path }).toEqual({
      code: 'ERR_RENDER_FAILED',
      rule: 'cluster-info',
      path,
    });
  });
});

describe('readBootstrapTokenSecret', () => {
  const fixture = () => parse(readFileSync(`${TEMPLATES_DIR}cluster/bootstrap-token-abcdef.yaml`, 'utf8'));

  it('reads <id>.<secret> and the expiry from the Secret kubeadm writes', () => {
    expect(readBootstrapTokenSecret(fixture())).toEqual({
      token: 'abcdef.0123456789abcdef',
      tokenId: 'abcdef',
      expiration: '2030-01-01T00:00:00Z',
    });
  });

  it.each([
    ['another type', (s: { type: string }) => (s.type = 'Opaque'), 'type'],
    [
      'a malformed secret',
      (s: { data: Record<string, string> }) => (s.data['token-secret'] = 'c2hvcnQ='),
      'data.token-secret',
    ],
    [
      'a name after another id',
      (s: { metadata: { name: string } }) => (s.metadata.name = 'bootstrap-token-zzzzzz'),
      'metadata.name',
    ],
    [
      'no signing usage',
      (s: { data: Record<string, string> }) => delete s.data['usage-bootstrap-signing'],
      'data.usage-bootstrap-signing',
    ],
    [
      'no authentication usage',
      (s: { data: Record<string, string> }) => (s.data['usage-bootstrap-authentication'] = 'ZmFsc2U='),
      'data.usage-bootstrap-authentication',
    ],
  ])('refuses %s, never quoting the secret', (_, change, path) => {
    const secret = fixture();
    change(secret);
    let caught: unknown;
    try {
      readBootstrapTokenSecret(secret);
    } catch (error) {
      caught = error;
    }
    expect(isKindlingError(caught, 'ERR_RENDER_FAILED')).toBe(true);
    expect((caught as { path: string }).path).toBe(path);
    expect((caught as Error).message).not.toContain('0123456789abcdef');
  });
});
