import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../../../src/http/rateLimit/createFailureLimiter.ts';

function clock() {
  let at = 1_000_000;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

/** What the authenticator does on a failed lookup: check, then count. */
const failOnce = (limiter: ReturnType<typeof createFailureLimiter>, address: string) => {
  const blocked = limiter.blocked(address);
  if (!blocked) limiter.fail(address);
  return blocked;
};

describe('createFailureLimiter', () => {
  it('lets an address fail `burst` times, then blocks it; other addresses are not affected', () => {
    const { now } = clock();
    const limiter = createFailureLimiter({ burst: 3, refillPerSecond: 1, now });
    expect([1, 2, 3, 4].map(() => failOnce(limiter, '192.0.2.1'))).toEqual([false, false, false, true]);
    expect(limiter.blocked('192.0.2.1')).toBe(true);
    expect(limiter.blocked('192.0.2.2')).toBe(false);
  });

  it('each failure counts once, checked or not, and interleaved checks of other addresses do not mix them', () => {
    const { now } = clock();
    const limiter = createFailureLimiter({ burst: 4, refillPerSecond: 1, now });
    limiter.blocked('a');
    limiter.blocked('b');
    limiter.fail('a');
    limiter.fail('a');
    limiter.blocked('a');
    limiter.blocked('b');
    limiter.fail('b');
    limiter.fail('a');
    limiter.fail('a');
    expect(limiter.blocked('a')).toBe(true);
    expect(limiter.blocked('b')).toBe(false);
  });

  it('refills with time, up to the burst', () => {
    const { now, advance } = clock();
    const limiter = createFailureLimiter({ burst: 2, refillPerSecond: 2, now });
    failOnce(limiter, 'a');
    failOnce(limiter, 'a');
    expect(limiter.blocked('a')).toBe(true);
    advance(500);
    expect(failOnce(limiter, 'a')).toBe(false);
    expect(limiter.blocked('a')).toBe(true);
    advance(60_000);
    expect([1, 2, 3].map(() => failOnce(limiter, 'a'))).toEqual([false, false, true]);
  });

  it('checks cost no clock reading while no address is out of budget, and refills as if read every time', () => {
    const { now, advance } = clock();
    let readings = 0;
    const limiter = createFailureLimiter({
      burst: 3,
      refillPerSecond: 1,
      now: () => (readings++, now()),
    });
    failOnce(limiter, 'a');
    readings = 0;
    for (let i = 0; i < 100; i++) expect(limiter.blocked('a')).toBe(false);
    expect(readings).toBe(0);
    // Two failures leave 0 tokens: blocked. 1.5 s later one and a half are back, whenever they are counted.
    failOnce(limiter, 'a');
    failOnce(limiter, 'a');
    expect(limiter.blocked('a')).toBe(true);
    advance(1_500);
    expect(failOnce(limiter, 'a')).toBe(false);
    expect(limiter.blocked('a')).toBe(true);
    advance(500);
    expect(limiter.blocked('a')).toBe(false);
  });

  it('forgets the least recent addresses beyond maxAddresses', () => {
    const { now } = clock();
    const limiter = createFailureLimiter({ burst: 1, refillPerSecond: 0.001, maxAddresses: 2, now });
    for (const address of ['a', 'b', 'c']) failOnce(limiter, address);
    expect(limiter.blocked('c')).toBe(true);
    expect(limiter.blocked('a')).toBe(false);
  });

  it('keeps counting right when failures switch between addresses, and after the last one was forgotten', () => {
    const { now } = clock();
    const limiter = createFailureLimiter({ burst: 3, refillPerSecond: 0.001, maxAddresses: 2, now });
    // a twice (its bucket kept at hand), b once, then a again: a is out of budget on its third failure.
    expect(['a', 'a', 'b', 'a', 'a'].map((address) => failOnce(limiter, address))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
    // c and d push a and b out of the LRU; a starts again from a full bucket, however recent it was.
    failOnce(limiter, 'c');
    failOnce(limiter, 'd');
    expect(limiter.blocked('a')).toBe(false);
    expect(['a', 'a', 'a', 'a'].map((address) => failOnce(limiter, address))).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it('refuses options that make no limiter', () => {
    expect(() => createFailureLimiter({ burst: 0 })).toThrow(new TypeError('burst must be at least 1'));
    expect(() => createFailureLimiter({ refillPerSecond: 0 })).toThrow(
      new TypeError('refillPerSecond must be positive'),
    );
  });
});
