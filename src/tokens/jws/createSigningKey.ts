import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { MACHINE_TOKEN_ALG } from './machineTokenFormat.ts';
import { toPublicJwk } from './toPublicJwk.ts';

export interface SigningKey {
  /** RFC 7638 thumbprint (SHA-256) of the public key: the `kid` of every token it signs. */
  kid: string;
  /** Private JWK (has `d`). Only the side that mints (the CLI) ever holds it. */
  privateJwk: JWK;
  /** Public JWK: all the server needs to verify. */
  publicJwk: JWK;
}

/**
 * A new ES256 key pair for machine tokens. The `kid` is the key's RFC 7638 thumbprint, so it is derived
 * from the key itself: it cannot collide between keys, and readers can check it was not tampered with.
 */
export async function createSigningKey(): Promise<SigningKey> {
  // extractable: the private key must be exported to be stored in the signing-key Secret.
  const { privateKey } = await generateKeyPair(MACHINE_TOKEN_ALG, { extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(exported, 'sha256');
  const privateJwk: JWK = { ...exported, kid, alg: MACHINE_TOKEN_ALG, use: 'sig' };
  return { kid, privateJwk, publicJwk: toPublicJwk(privateJwk) };
}
