import { describe, expect, it } from 'vitest';
import type { ClusterSecret } from '../../../src/cli/token/kube/createClusterApi.ts';
import {
  newTokenSecret,
  planToken,
  tokenSecretChanges,
} from '../../../src/cli/token/pool/planTokenSecret.ts';
import { readPoolSecret } from '../../../src/cli/token/pool/readPoolSecret.ts';
import { applyChanges, effectiveChanges, toMergePatch } from '../../../src/cli/token/pool/SecretChanges.ts';
import { tokenSecret } from '../../support/tokenSecret.ts';

const NOW = Date.parse('2026-03-01T12:00:00.250Z');
const OLD = '11111111-1111-4111-8111-111111111111';
const NEW = '22222222-2222-4222-8222-222222222222';

function pool(annotations: Record<string, string>): ReturnType<typeof readPoolSecret> {
  const secret = tokenSecret({ token: OLD, annotations, resourceVersion: '42' }) as ClusterSecret;
  return readPoolSecret(secret);
}

describe('planToken', () => {
  const plan = (existing: ReturnType<typeof readPoolSecret> | undefined, ttlMs?: number) =>
    planToken({ existing, ttlMs, now: NOW, randomUUID: () => NEW });

  it('issues a token for a new pool, expiring after the TTL rounded up to the second', () => {
    expect(plan(undefined)).toEqual({
      token: NEW,
      issued: true,
      reason: 'new pool',
      expiresAt: Date.parse('2026-03-02T12:00:01Z'),
      ttlMs: 86_400_000,
    });
    expect(plan(undefined, 0).expiresAt).toBeUndefined();
  });

  it('keeps a live token and its expiry, whatever --ttl says', () => {
    const live = pool({
      'kindling.dev/expires-at': '2026-03-01T13:00:00Z',
      'kindling.dev/token-ttl-seconds': '3600',
    });
    expect(plan(live, 7_200_000)).toMatchObject({
      token: OLD,
      issued: false,
      expiresAt: Date.parse('2026-03-01T13:00:00Z'),
    });
  });

  it("issues a new one for an expired or revoked token, with the pool's TTL", () => {
    const expired = pool({
      'kindling.dev/expires-at': '2026-03-01T12:00:00Z',
      'kindling.dev/token-ttl-seconds': '600',
    });
    expect(plan(expired)).toMatchObject({ token: NEW, reason: 'expired', ttlMs: 600_000 });
    const revoked = pool({
      'kindling.dev/expires-at': '2026-03-01T11:00:00Z',
      'kindling.dev/revoked-at': '2026-03-01T11:00:00Z',
    });
    expect(plan(revoked)).toMatchObject({ token: NEW, reason: 'revoked' });
  });
});

describe('tokenSecretChanges', () => {
  it('writes the token fields of a new token, drops the previous one and the other content key', () => {
    const changes = tokenSecretChanges({
      plan: planToken({ existing: undefined, ttlMs: undefined, now: NOW, randomUUID: () => NEW }),
      content: { key: 'payload', bytes: Buffer.from('{}') },
      bootstrapTokenSecret: undefined,
      now: NOW,
    });
    const secret = applyChanges(newTokenSecret('kindling', 'workers'), changes);
    expect(secret.metadata).toMatchObject({
      name: 'token-workers',
      labels: { 'kindling.dev/token-secret': 'true', 'kindling.dev/pool': 'workers' },
      annotations: {
        'kindling.dev/expires-at': '2026-03-02T12:00:01Z',
        'kindling.dev/token-ttl-seconds': '86400',
        'kindling.dev/token-issued-at': '2026-03-01T12:00:00Z',
      },
    });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['payload', 'token']);
  });

  it('patches only what differs, with the resourceVersion read', () => {
    const existing = pool({ 'kindling.dev/expires-at': '2026-03-01T13:00:00Z' });
    const plan = planToken({ existing, ttlMs: undefined, now: NOW, randomUUID: () => NEW });
    const payload = Buffer.from(existing.secret.data?.payload ?? '', 'base64');
    const same = tokenSecretChanges({
      plan,
      content: { key: 'payload', bytes: payload },
      bootstrapTokenSecret: undefined,
      now: NOW,
    });
    expect(effectiveChanges(existing.secret, same)).toEqual({ data: {}, annotations: {} });
    const other = tokenSecretChanges({
      plan,
      content: { key: 'template', bytes: Buffer.from('x') },
      bootstrapTokenSecret: undefined,
      now: NOW,
    });
    expect(toMergePatch(existing.secret, other)).toEqual({
      metadata: { resourceVersion: '42' },
      data: { payload: null, template: Buffer.from('x').toString('base64') },
    });
  });
});
