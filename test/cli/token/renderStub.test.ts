import { describe, expect, it } from 'vitest';
import { renderStub } from '../../../src/cli/token/stubs/renderStub.ts';
import { StubOptions } from '../../../src/cli/token/stubs/StubOptions.ts';

const TOKEN = '3f9a1c2e-7b4d-4c8e-9f01-2a3b4c5d6e7f';
const options = (format: 'ignition' | 'cloud-config', advertise: boolean) =>
  StubOptions.parse({
    format,
    server: 'https://kindling.example:8443',
    gzip: false,
    pinHash: false,
    advertise,
  });

describe('renderStub --advertise', () => {
  it.each(['ignition', 'cloud-config'] as const)(
    '%s: leaves the advertise files only when asked',
    (format) => {
      const plain = renderStub({ options: options(format, false), token: TOKEN, payload: undefined });
      const advertising = renderStub({ options: options(format, true), token: TOKEN, payload: undefined });
      expect(plain).not.toContain('/etc/kindling/advertise-url');
      expect(advertising).toContain('/etc/kindling/advertise-url');
      expect(advertising).toContain('/etc/kindling/authorization');
    },
  );

  it('defaults to not advertising (stored options from before the flag still parse)', () => {
    const stored = StubOptions.parse({
      format: 'ignition',
      server: 'https://k:8443',
      gzip: false,
      pinHash: false,
    });
    expect(stored.advertise).toBe(false);
  });
});
