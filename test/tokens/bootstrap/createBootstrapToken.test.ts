import { describe, expect, it } from 'vitest';
import { createBootstrapToken } from '../../../src/tokens/bootstrap/createBootstrapToken.ts';

/** A random source replaying the given bytes, then zeros; records what was asked. */
function replay(bytes: number[]): { random: (n: number) => Uint8Array; asked: number[] } {
  const queue = [...bytes];
  const asked: number[] = [];
  return {
    asked,
    random: (n) => {
      asked.push(n);
      return Uint8Array.from({ length: n }, () => queue.shift() ?? 0);
    },
  };
}

describe('createBootstrapToken', () => {
  it('makes an id of [a-z0-9]{6} and a secret of [a-z0-9]{16} from crypto by default', () => {
    const tokens = Array.from({ length: 50 }, () => createBootstrapToken());
    for (const { id, secret } of tokens) {
      expect(id).toMatch(/^[a-z0-9]{6}$/);
      expect(secret).toMatch(/^[a-z0-9]{16}$/);
    }
    expect(new Set(tokens.map((t) => t.secret)).size).toBe(50);
  });

  it('maps bytes to characters modulo 36 from the injected source', () => {
    const { random } = replay([0, 9, 10, 35, 36, 71, ...Array.from({ length: 16 }, (_, i) => 36 * 6 + i)]);
    expect(createBootstrapToken({ random })).toEqual({ id: '09az0z', secret: '0123456789abcdef' });
  });

  it('draws again instead of folding bytes 252–255 onto 0–3 (no modulo bias), wasting no byte', () => {
    const { random, asked } = replay([252, 253, 254, 255, 1, 2, 3, 4, 5, 6, 251]);
    // 251 % 36 = 35: the last byte is used, the four before "1" are skipped.
    expect(createBootstrapToken({ random })).toEqual({ id: '123456', secret: 'z000000000000000' });
    expect(asked).toEqual([6, 4, 16]);
  });

  it('gives each of the 36 characters exactly 7 of the 252 accepted byte values', () => {
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 252; byte += 1) {
      const { id } = createBootstrapToken({ random: (n) => new Uint8Array(n).fill(byte) });
      counts.set(id.charAt(0), (counts.get(id.charAt(0)) ?? 0) + 1);
    }
    expect(counts.size).toBe(36);
    expect(new Set(counts.values())).toEqual(new Set([7]));
  });

  it('fails instead of spinning on a source that only gives rejected bytes', () => {
    expect(() => createBootstrapToken({ random: (n) => new Uint8Array(n).fill(255) })).toThrow(
      /random source/,
    );
  });
});
