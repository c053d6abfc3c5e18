import { describe, expect, it } from 'vitest';
import { parseIgnition } from '../../src/payload/validateIgnition.ts';
import { expectPayloadError } from './expectPayloadError.ts';
import { fullConfig } from './samples.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseIgnition', () => {
  it('parses and validates a config', () => {
    const config = fullConfig('3.5.0');
    const result = parseIgnition(bytes(JSON.stringify(config)));
    expect(result.version).toBe('3.5.0');
    expect(result.config).toEqual(config);
  });

  it.each([
    ['{"ignition":{"version":"3.4.0"},}', /position 32/],
    ['', /end of JSON input/],
    ['{"ignition": 1} trailing', /after JSON at position 16/],
    ['hello', /unexpected character "h"/],
    ['\uFEFF{"ignition":{"version":"3.4.0"}}', /byte order mark/],
  ])('refuses %j as invalid JSON, with the parser reason', (text, reason) => {
    const error = expectPayloadError(() => parseIgnition(bytes(text)), 'invalid-json', '');
    expect(error.message).toMatch(reason);
  });

  it('never echoes the input in its message', () => {
    const secret = 'Bearer-0123456789abcdef';
    const inputs = [
      secret,
      `${secret}${'x'.repeat(100)}`,
      `{"a": ${secret}}`,
      `["${secret}" ${secret}]`,
      `{"${secret}`,
    ];
    for (const text of inputs) {
      const error = expectPayloadError(() => parseIgnition(bytes(text)), 'invalid-json', '');
      expect(error.message).not.toMatch(/earer|0123/);
      expect(error.message.length).toBeLessThan(120);
    }
  });

  it('refuses bytes that are not UTF-8', () => {
    const error = expectPayloadError(
      () => parseIgnition(new Uint8Array([0x7b, 0xff, 0x7d])),
      'invalid-json',
      '',
    );
    expect(error.message).toContain('not valid UTF-8');
  });

  it('then applies every validation rule', () => {
    expectPayloadError(() => parseIgnition(bytes('[]')), 'not-an-object', '');
    expectPayloadError(
      () => parseIgnition(bytes('{"ignition":{"version":"3.4.0"},"storage":{"file":[]}}')),
      'unknown-key',
      'storage.file',
    );
  });
});
