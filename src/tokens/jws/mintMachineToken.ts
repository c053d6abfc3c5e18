import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { KindlingError } from '../../errors/KindlingError.ts';
import { describeEs256JwkProblem } from './describeEs256JwkProblem.ts';
import {
  isMachineName,
  isPoolName,
  MACHINE_TOKEN_ALG,
  MACHINE_TOKEN_TYP,
  POOL_CLAIM,
} from './machineTokenFormat.ts';

export interface MintMachineTokenOptions {
  /** The current private key of the signing-key Secret. */
  privateJwk: JWK;
  pool: string;
  /** Becomes `sub`; the template may use it as the hostname. */
  machine: string;
  /** The server's own identity (its URL); a token minted for one server is refused by another. */
  audience: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch. */
  now?: number;
  /** Unique by default; the handle revocation uses. */
  jti?: string;
}

const JTI = /^[\x21-\x7e]{1,128}$/;

/**
 * Signs a per-machine token (format in machineTokenFormat.ts): a compact JWS. Refuses input it would not
 * accept back (ERR_CONFIG_INVALID naming the option), so a token that was minted always verifies until it
 * expires or is revoked. Times are whole seconds (NumericDate); `exp` = `iat` + `ttlSeconds`.
 */
export async function mintMachineToken({
  privateJwk,
  pool,
  machine,
  audience,
  ttlSeconds,
  now = Date.now(),
  jti = randomUUID(),
}: MintMachineTokenOptions): Promise<string> {
  const keyProblem = describeEs256JwkProblem(privateJwk, 'private');
  if (keyProblem !== undefined) throw invalid('privateJwk', `the signing key is unusable: ${keyProblem}`);
  if (!isPoolName(pool)) throw invalid('pool', 'the pool must be a DNS label');
  if (!isMachineName(machine)) {
    throw invalid('machine', 'the machine name must be a DNS subdomain (a node name)');
  }
  if (audience === '') throw invalid('audience', 'the audience (the server URL) must not be empty');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw invalid('ttlSeconds', 'the TTL must be a positive whole number of seconds');
  }
  if (!JTI.test(jti)) throw invalid('jti', 'jti must be 1 to 128 printable ASCII characters');
  const issuedAt = Math.floor(now / 1000);
  const key = await importJWK(privateJwk, MACHINE_TOKEN_ALG);
  return new SignJWT({ [POOL_CLAIM]: pool })
    .setProtectedHeader({ alg: MACHINE_TOKEN_ALG, kid: privateJwk.kid, typ: MACHINE_TOKEN_TYP })
    .setSubject(machine)
    .setJti(jti)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(key);
}

function invalid(path: string, message: string): KindlingError {
  return new KindlingError('ERR_CONFIG_INVALID', message, { path });
}
