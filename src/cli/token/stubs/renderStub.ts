import { parse } from 'yaml';
import { KindlingError } from '../../../errors/KindlingError.ts';
import { parseIgnition } from '../../../payload/validateIgnition.ts';
import { payloadPinHash } from '../../../stubs/payloadPinHash.ts';
import { renderCloudConfigStub } from '../../../stubs/renderCloudConfigStub.ts';
import { renderIgnitionStub } from '../../../stubs/renderIgnitionStub.ts';
import { usageError } from '../../CommandError.ts';
import type { StubOptions } from './StubOptions.ts';

export interface RenderStubInput {
  options: StubOptions;
  /** The bearer token the machine sends: the pool's UUID or a machine's JWS. */
  token: string;
  /** The decompressed payload the server serves, for `pinHash`. */
  payload: Buffer | undefined;
}

const FLAG_OF: Record<string, string> = { ca: '--ca', server: '--server', pinHash: '--pin-hash' };

/**
 * The stub's text, checked before anyone gets it: an Ignition stub must pass the same validation as any
 * payload; a cloud-config stub must be `#cloud-config` YAML holding a mapping.
 */
export function renderStub({ options, token, payload }: RenderStubInput): string {
  try {
    if (options.format === 'cloud-config') {
      const text = renderCloudConfigStub({
        server: options.server,
        token,
        caPem: options.caPem,
        advertise: options.advertise,
      });
      const parsed: unknown = parse(text);
      if (!text.startsWith('#cloud-config\n') || typeof parsed !== 'object' || parsed === null) {
        throw new Error('the rendered cloud-config stub is not a #cloud-config mapping');
      }
      return text;
    }
    if (options.pinHash && payload === undefined) throw new Error('--pin-hash needs the payload');
    const stub = renderIgnitionStub({
      server: options.server,
      token,
      caPem: options.caPem,
      gzip: options.gzip,
      advertise: options.advertise,
      pinHash: options.pinHash && payload !== undefined ? payloadPinHash(payload) : undefined,
    });
    const text = `${JSON.stringify(stub, null, 2)}\n`;
    parseIgnition(Buffer.from(text));
    return text;
  } catch (error) {
    if (!(error instanceof KindlingError) || error.code !== 'ERR_CONFIG_INVALID') throw error;
    const flag = FLAG_OF[error.path ?? ''];
    throw usageError(flag === undefined ? error.message : `${flag}: ${error.message}`);
  }
}
