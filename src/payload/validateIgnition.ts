import { checkSchema } from './checkSchema.ts';
import { checkSemantics } from './checkSemantics.ts';
import { isJsonObject, type JsonObject } from './JsonValue.ts';
import { payloadError } from './payloadError.ts';
import { isSpecVersion, SPEC_VERSIONS, type SpecVersion } from './SpecVersion.ts';
import type { ValidatedIgnition } from './ValidatedIgnition.ts';

const SUPPORTED = `kindling serves specs ${SPEC_VERSIONS[0]} to ${SPEC_VERSIONS.at(-1)}`;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks that a value is an Ignition config the client will accept, in order: a JSON object, a supported
 * `ignition.version`, the official schema of that version with unknown keys refused, then Ignition's own
 * semantic rules. Throws ERR_PAYLOAD_INVALID (rule `not-an-object`, `unsupported-version`, `unknown-key`,
 * `schema` or `semantic`, and the JSON path) on the first failure. The returned config is the input object.
 */
export function validateIgnition(config: unknown): ValidatedIgnition {
  if (!isJsonObject(config)) {
    throw payloadError('not-an-object', [], `must be a JSON object, not ${describe(config)}`);
  }
  const version = readVersion(config);
  checkSchema(config, version);
  checkSemantics(config, version);
  return { version, config };
}

/** JSON-parses bytes (UTF-8) and validates the result; rule `invalid-json` when they are not JSON. */
export function parseIgnition(bytes: Uint8Array): ValidatedIgnition {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch (error) {
    throw payloadError('invalid-json', [], `not valid JSON: ${jsonFailureReason(error)}`);
  }
  return validateIgnition(value);
}

function readVersion(config: JsonObject): SpecVersion {
  const { ignition } = config;
  if (!isJsonObject(ignition)) {
    throw payloadError(
      'unsupported-version',
      ['ignition'],
      `must be an object holding the spec version; ${SUPPORTED}`,
    );
  }
  const { version } = ignition;
  if (isSpecVersion(version)) return version;
  const problem =
    typeof version === 'string' ? `${JSON.stringify(version.slice(0, 20))} is not supported` : 'is missing';
  throw payloadError('unsupported-version', ['ignition', 'version'], `${problem}; ${SUPPORTED}`);
}

/**
 * V8's JSON.parse messages quote a stretch of the input, which may be a secret: keep the reason (and
 * position), drop the quotation.
 */
function jsonFailureReason(error: unknown): string {
  if (error instanceof TypeError) return 'the bytes are not valid UTF-8';
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
  const token = /^Unexpected token '(.)'$/su.exec(reason)?.[1];
  if (token !== undefined) return `unexpected character ${describeCharacter(token)}`;
  // A message form this code does not know might quote the input: better no reason than a leak.
  return reason.includes('"') || reason.includes("'") ? 'malformed JSON' : reason;
}

function describeCharacter(character: string): string {
  if (character === '\uFEFF') return 'U+FEFF (a byte order mark)';
  return /^[\x21-\x7e]$/.test(character)
    ? `"${character}"`
    : `U+${character.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
