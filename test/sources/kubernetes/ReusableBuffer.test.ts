import { describe, expect, it } from 'vitest';
import { ReusableBuffer } from '../../../src/sources/kubernetes/ReusableBuffer.ts';

describe('ReusableBuffer', () => {
  it('holds what was appended since the last reset, in one buffer that later bodies reuse', () => {
    const buffer = new ReusableBuffer();
    buffer.reset();
    for (let i = 0; i < 100; i++) buffer.append(Buffer.alloc(1000, i));
    const first = buffer.view();
    expect(first.length).toBe(100_000);
    expect(first[0]).toBe(0);
    expect(first[99_999]).toBe(99);
    const memory = first.buffer;

    buffer.reset();
    buffer.append(Buffer.from('second body'));
    expect(buffer.view().toString()).toBe('second body');
    expect(buffer.view().buffer).toBe(memory);
  });

  it('is sized at once by a declared length, and grows past it when more comes', () => {
    const buffer = new ReusableBuffer();
    buffer.reset(10);
    buffer.append(Buffer.from('0123456789'));
    const sized = buffer.view().buffer;
    buffer.append(Buffer.from('abc'));
    expect(buffer.view().toString()).toBe('0123456789abc');
    expect(buffer.view().buffer).not.toBe(sized);
  });

  it('does not trust a huge declared length to allocate up front', () => {
    const buffer = new ReusableBuffer();
    buffer.reset(Number.MAX_SAFE_INTEGER);
    buffer.append(Buffer.from('small'));
    expect(buffer.view().toString()).toBe('small');
    expect(buffer.view().buffer.byteLength).toBeLessThan(1024 * 1024);
  });
});
