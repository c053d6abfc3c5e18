import { describe, expect, it } from 'vitest';
import { KindlingError } from '../../../src/errors/KindlingError.ts';
import {
  bootstrapTokenSecret,
  type BootstrapTokenSecretInit,
} from '../../../src/tokens/bootstrap/bootstrapTokenSecret.ts';
import type { SecretObject } from '../../../src/tokens/SecretObject.ts';

const token = { id: 'abcdef', secret: '0123456789abcdef' };
// Milliseconds on purpose: kubeadm's RFC 3339 has whole seconds.
const NOW = Date.parse('2026-03-01T12:00:00.999Z');

function plain(secret: SecretObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );
}

describe('bootstrapTokenSecret', () => {
  it('is exactly the Secret `kubeadm token create` makes, with its defaults', () => {
    const secret = bootstrapTokenSecret({ ...token, now: NOW });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'bootstrap.kubernetes.io/token',
      metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
      data: expect.any(Object),
    });
    expect(plain(secret)).toEqual({
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      expiration: '2026-03-02T12:00:00Z',
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
    });
  });

  it('sets expiration to now + TTL in UTC, truncated to the second, and a description when given', () => {
    const secret = bootstrapTokenSecret({
      ...token,
      now: NOW,
      ttlMs: 90 * 60 * 1000,
      description: 'pool workers',
    });
    expect(plain(secret)).toMatchObject({ expiration: '2026-03-01T13:30:00Z', description: 'pool workers' });
  });

  it('leaves expiration out for a TTL of 0, as kubeadm does', () => {
    expect(plain(bootstrapTokenSecret({ ...token, now: NOW, ttlMs: 0 }))).not.toHaveProperty('expiration');
  });

  it('replaces the default groups with the given ones, comma-joined', () => {
    const secret = bootstrapTokenSecret({
      ...token,
      now: NOW,
      extraGroups: [
        'system:bootstrappers:kindling:workers',
        'system:bootstrappers:kubeadm:default-node-token',
      ],
    });
    expect(plain(secret)['auth-extra-groups']).toBe(
      'system:bootstrappers:kindling:workers,system:bootstrappers:kubeadm:default-node-token',
    );
  });

  const refused: [string, Partial<BootstrapTokenSecretInit>][] = [
    ['id', { id: 'ABCDEF' }],
    ['id', { id: 'abcde' }],
    ['secret', { secret: '0123456789abcdeX' }],
    ['ttlMs', { ttlMs: -1 }],
    ['extraGroups', { extraGroups: ['system:masters'] }],
  ];
  it.each(refused)('refuses a bad %s without quoting the token', (path, change) => {
    let error: unknown;
    try {
      bootstrapTokenSecret({ ...token, now: NOW, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KindlingError);
    expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID', path });
    expect((error as Error).message).not.toContain(change.secret ?? token.secret);
  });
});
