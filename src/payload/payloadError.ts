import { KindlingError } from '../errors/KindlingError.ts';
import { formatJsonPath, type JsonPath } from './JsonPath.ts';

export type PayloadRule =
  'invalid-json' | 'not-an-object' | 'unsupported-version' | 'schema' | 'unknown-key' | 'semantic';

/** An ERR_PAYLOAD_INVALID whose message starts with the JSON path, so an operator can find the culprit. */
export function payloadError(rule: PayloadRule, path: JsonPath, problem: string): KindlingError {
  const where = formatJsonPath(path);
  return new KindlingError('ERR_PAYLOAD_INVALID', `${where === '' ? 'config' : where}: ${problem}`, {
    rule,
    path: where,
  });
}

/** Quotes a config value for a message without letting a large or multi-line value flood the logs. */
export function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}
