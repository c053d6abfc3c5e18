import type { JWK } from 'jose';
import { KindlingError } from '../../errors/KindlingError.ts';
import type { SecretObject } from '../SecretObject.ts';
import { describeEs256JwkProblem } from './describeEs256JwkProblem.ts';
import { CURRENT_KEY, PREVIOUS_KEY, VERIFICATION_KEYS_SECRET_TYPE } from './signingKeyFormat.ts';
import { toPublicJwk } from './toPublicJwk.ts';

export interface VerificationKeysSecretInit {
  name: string;
  namespace: string;
  current: JWK;
  previous?: JWK | undefined;
}

/**
 * The `kindling.dev/verification-keys` Secret the server reads (see signingKeyFormat.ts). Private keys may
 * be passed (the CLI holds them when it rotates): only their public halves are ever written.
 */
export function verificationKeysSecret({
  name,
  namespace,
  current,
  previous,
}: VerificationKeysSecretInit): SecretObject {
  const data: Record<string, string> = { [CURRENT_KEY]: publicJson(current, 'current') };
  if (previous !== undefined) data[PREVIOUS_KEY] = publicJson(previous, 'previous');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: VERIFICATION_KEYS_SECRET_TYPE,
    metadata: { name, namespace },
    data,
  };
}

function publicJson(jwk: JWK, path: string): string {
  const half = toPublicJwk(jwk);
  const problem = describeEs256JwkProblem(half, 'public');
  if (problem !== undefined) {
    throw new KindlingError('ERR_CONFIG_INVALID', `the ${path} key is unusable: ${problem}`, { path });
  }
  return Buffer.from(JSON.stringify(half)).toString('base64');
}
