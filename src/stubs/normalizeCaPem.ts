import { X509Certificate } from 'node:crypto';
import { KindlingError } from '../errors/KindlingError.ts';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * The CA bundle a stub trusts, as PEM certificates only (one or more), each parsed to be sure it is one.
 * Any other PEM block — above all a private key, a sign that the wrong file was given — is refused rather
 * than silently dropped, since the stub is handed to machines and cloud providers.
 */
export function normalizeCaPem(caPem: string): string {
  const blocks = [...caPem.matchAll(BLOCK)];
  if (blocks.length === 0) throw invalid('the CA file holds no PEM certificate');
  const certificates = blocks.map(([block, label]) => {
    if (label !== 'CERTIFICATE') throw invalid(`the CA file holds a ${label ?? 'non-certificate'} block`);
    try {
      new X509Certificate(block);
    } catch {
      throw invalid('the CA file holds a certificate that does not parse');
    }
    return block;
  });
  return `${certificates.join('\n')}\n`;
}

function invalid(message: string): KindlingError {
  return new KindlingError('ERR_CONFIG_INVALID', message, { path: 'ca' });
}
