import { describe, expect, it } from 'vitest';
import { renderCloudConfigStub } from '../../src/stubs/renderCloudConfigStub.ts';
import { renderIgnitionStub } from '../../src/stubs/renderIgnitionStub.ts';
import { userdataSecret } from '../../src/stubs/userdataSecret.ts';

const options = { server: 'https://kindling.example:8443', token: '2f1c2b7e-51a5-4a43-9a2e-0c8f3b8f2b11' };

describe('userdataSecret', () => {
  it('stores the stub under `value`, byte for byte', () => {
    const value = JSON.stringify(renderIgnitionStub(options));
    const secret = userdataSecret({ name: 'workers-userdata', namespace: 'capi', value, format: 'ignition' });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'workers-userdata', namespace: 'capi' },
      data: {
        value: Buffer.from(value).toString('base64'),
        format: Buffer.from('ignition').toString('base64'),
      },
    });
  });

  it('leaves `format` out unless given', () => {
    const value = renderCloudConfigStub(options);
    const secret = userdataSecret({ name: 'u', namespace: 'n', value });
    expect(Object.keys(secret.data ?? {})).toEqual(['value']);
    expect(Buffer.from(secret.data?.value ?? '', 'base64').toString()).toBe(value);
  });
});
