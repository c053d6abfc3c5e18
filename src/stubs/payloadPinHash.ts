import { hash } from 'node:crypto';

/**
 * The `verification.hash` that pins a payload in an Ignition stub: `sha512-` and the hex SHA-512 of the
 * bytes Ignition will parse, i.e. after gzip decompression. Pin exactly the bytes this server sends that
 * machine: the same stored payload converted down to an older spec, or rendered for another machine, is
 * different bytes, and Ignition fails the boot on a mismatch.
 */
export function payloadPinHash(decompressedPayload: Uint8Array): string {
  return `sha512-${hash('sha512', decompressedPayload, 'hex')}`;
}
