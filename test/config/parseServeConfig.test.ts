import { describe, expect, it } from 'vitest';
import { parseServeConfig } from '../../src/config/parseServeConfig.ts';
import { KindlingError } from '../../src/errors/KindlingError.ts';

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseServeConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(KindlingError);
    expect((error as KindlingError).code).toBe('ERR_CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('parseServeConfig', () => {
  it('applies defaults', () => {
    const config = parseServeConfig(['--source', 'dir:fixtures', '--plain-http']);
    expect(config).toMatchObject({
      source: { kind: 'dir', path: 'fixtures' },
      selector: 'kindling.dev/token-secret=true',
      listen: { host: '0.0.0.0', port: 8443 },
      metricsListen: { host: '0.0.0.0', port: 9090 },
      tls: undefined,
      maxPayloadBytes: 4 * 1024 * 1024,
      tombstoneTtlMs: 24 * 3600 * 1000,
      retryAfterSeconds: 5,
      logRequests: true,
    });
  });

  it('reads KINDLING_* variables, and flags win over them', () => {
    const env = {
      KINDLING_SOURCE: 'dir:/srv/tokens',
      KINDLING_LISTEN: '[::1]:9443',
      KINDLING_PLAIN_HTTP: 'true',
      KINDLING_TOMBSTONE_TTL: '90m',
      KINDLING_MAX_PAYLOAD_BYTES: '2MiB',
      KINDLING_LOG_REQUESTS: 'false',
    };
    const config = parseServeConfig(['--listen', '127.0.0.1:0'], env);
    expect(config.source).toEqual({ kind: 'dir', path: '/srv/tokens' });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.tombstoneTtlMs).toBe(90 * 60_000);
    expect(config.maxPayloadBytes).toBe(2 * 1024 * 1024);
    expect(config.logRequests).toBe(false);
    expect(parseServeConfig([], env).listen).toEqual({ host: '::1', port: 9443 });
  });

  it('takes TLS files, and kubernetes options with --source kubernetes', () => {
    const config = parseServeConfig([
      '--source',
      'kubernetes',
      '--namespace',
      'infra',
      '--tls-cert',
      'c.pem',
      '--tls-key',
      'k.pem',
    ]);
    expect(config.tls).toEqual({ certFile: 'c.pem', keyFile: 'k.pem' });
    expect(config.source).toEqual({
      kind: 'kubernetes',
      namespace: 'infra',
      allNamespaces: false,
      kubeconfig: undefined,
    });
  });

  it('records first fetches and render status on Secrets unless told not to', () => {
    const kubernetes = ['--source', 'kubernetes', '--plain-http'];
    expect(parseServeConfig(kubernetes)).toMatchObject({ recordFirstFetch: true, recordStatus: true });
    expect(parseServeConfig([...kubernetes, '--record-status', 'false']).recordStatus).toBe(false);
    expect(parseServeConfig(kubernetes, { KINDLING_RECORD_STATUS: 'false' }).recordStatus).toBe(false);
  });

  it.each([
    [['--plain-http'], /source/, /required/],
    [['--source', 'file:/x', '--plain-http'], /source/, /dir:PATH or kubernetes/],
    [['--source', 'dir:x'], /tls-cert/, /--plain-http/],
    [['--source', 'dir:x', '--tls-cert', 'c.pem'], /tls-key/, /both/],
    [['--source', 'dir:x', '--tls-cert', 'c', '--tls-key', 'k', '--plain-http'], /plain-http/, /not both/],
    [['--source', 'dir:x', '--plain-http', '--listen', 'localhost'], /listen/, /HOST:PORT/],
    [['--source', 'dir:x', '--plain-http', '--listen', ':99999'], /listen/, /HOST:PORT/],
    [['--source', 'dir:x', '--plain-http', '--tombstone-ttl', 'forever'], /tombstone-ttl/, /duration/],
    [['--source', 'dir:x', '--plain-http', '--max-payload-bytes', '4MB'], /max-payload-bytes/, /size/],
    [['--source', 'dir:x', '--plain-http', '--log-level', 'loud'], /log-level/, /info/],
    [['--source', 'dir:x', '--plain-http', '--namespace', 'ns'], /source/, /need --source kubernetes/],
    [['--source', 'dir:x', '--plain-http', '--rate-limit-burst', '0'], /rate-limit-burst/, /at least 1/],
  ])('names the field and says what is expected: %j', (argv, field, expected) => {
    const message = errorOf(argv);
    expect(message).toMatch(field);
    expect(message).toMatch(expected);
  });

  it('normalises --server-url as `token mint --server` does, and refuses one that is no server URL', () => {
    const base = ['--source', 'dir:fixtures', '--plain-http'];
    expect(parseServeConfig(base).serverUrl).toBeUndefined();
    expect(parseServeConfig([...base, '--server-url', 'https://Kindling.example:443/']).serverUrl).toBe(
      'https://kindling.example',
    );
    expect(errorOf([...base, '--server-url', 'https://kindling.example/?x=1'])).toMatch(/server-url/);
  });

  it('names an unknown flag', () => {
    expect(errorOf(['--source', 'dir:x', '--plain-http', '--colour', 'blue'])).toMatch(/--colour/);
  });

  it('reports every problem at once', () => {
    const message = errorOf(['--source', 'dir:x', '--plain-http', '--listen', 'x', '--retry-after', 'y']);
    expect(message).toMatch(/listen/);
    expect(message).toMatch(/retry-after/);
  });
});
