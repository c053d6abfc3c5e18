import { quote } from './payloadError.ts';
import { compareSpecVersions, type SpecVersion } from './SpecVersion.ts';
import { HASH_FUNCTIONS, hashFunction } from './versionGates.ts';

/** What Ignition (config/v3_X/types/verification.go) would object to in a verification hash, or undefined. */
export function describeHashProblem(hash: string, version: SpecVersion): string | undefined {
  const name = hashFunction(hash);
  if (name === undefined) return 'malformed hash: expected "<function>-<hex digest>", such as "sha512-…"';
  const gate = HASH_FUNCTIONS.get(name);
  if (gate === undefined) {
    const known = [...HASH_FUNCTIONS]
      .filter(([, g]) => compareSpecVersions(g.since, version) <= 0)
      .map(([n]) => n);
    return `unrecognised hash function ${quote(name)} (spec ${version} knows ${known.join(', ')})`;
  }
  if (compareSpecVersions(gate.since, version) > 0) return `${name} hashes need spec ${gate.since} or newer`;
  const digest = hash.slice(name.length + 1);
  // Ignition itself only checks the length; a non-hex digest would fail later, at fetch time, on the machine.
  if (digest.length !== gate.hexDigits || !/^[0-9A-Fa-f]*$/.test(digest)) {
    return `${name} digest must be ${gate.hexDigits} hexadecimal digits`;
  }
  return undefined;
}
