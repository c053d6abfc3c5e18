import type { JWK } from 'jose';
import { KindlingError } from '../../errors/KindlingError.ts';
import type { SecretObject } from '../SecretObject.ts';
import { describeEs256JwkProblem } from './describeEs256JwkProblem.ts';
import { CURRENT_KEY, PREVIOUS_KEY, SIGNING_KEY_SECRET_TYPE } from './signingKeyFormat.ts';
import { toPublicJwk } from './toPublicJwk.ts';

export interface SigningKeySecretInit {
  name: string;
  namespace: string;
  /** The private JWK that signs from now on. */
  current: JWK;
  /** The key it replaces: only its public half is stored, whichever half is given. */
  previous?: JWK | undefined;
}

/** The `kindling.dev/signing-key` Secret (see signingKeyFormat.ts): for the minting side only. */
export function signingKeySecret({ name, namespace, current, previous }: SigningKeySecretInit): SecretObject {
  check(current, 'private', 'current');
  const data: Record<string, string> = { [CURRENT_KEY]: encode(current) };
  if (previous !== undefined) {
    const half = toPublicJwk(previous);
    check(half, 'public', 'previous');
    if (half.kid === current.kid) throw invalid('previous', 'the previous key is the current key');
    data[PREVIOUS_KEY] = encode(half);
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: SIGNING_KEY_SECRET_TYPE,
    metadata: { name, namespace },
    data,
  };
}

function check(jwk: JWK, half: 'private' | 'public', path: string): void {
  const problem = describeEs256JwkProblem(jwk, half);
  if (problem !== undefined) throw invalid(path, `the ${path} signing key is unusable: ${problem}`);
}

function invalid(path: string, message: string): KindlingError {
  return new KindlingError('ERR_CONFIG_INVALID', message, { path });
}

function encode(jwk: JWK): string {
  return Buffer.from(JSON.stringify(jwk)).toString('base64');
}
