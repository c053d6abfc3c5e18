import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { KindlingError } from '../../errors/KindlingError.ts';
import type { SecretObject } from '../../tokens/SecretObject.ts';

export interface FileObject {
  /** `file#index`, for messages. */
  where: string;
  object: unknown;
}

function fail(file: string, message: string): KindlingError {
  return new KindlingError('ERR_SOURCE_FAILED', `${file}: ${message}`, { rule: 'parse', path: file });
}

function documents(file: string, text: string): unknown[] {
  if (file.endsWith('.json')) {
    try {
      return [JSON.parse(text)];
    } catch (error) {
      throw fail(file, (error as Error).message);
    }
  }
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    const [first] = doc.errors;
    if (first) throw fail(file, first.message);
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** A `List` (as `kubectl get -o yaml` writes) stands for its items. */
function flatten(value: unknown): unknown[] {
  if (typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items)) {
    return (value as { items: unknown[] }).items;
  }
  return [value];
}

/**
 * The objects of one file. A file that does not parse throws as a whole, so the caller can keep the
 * objects it had from that file (a half-written file never replaces good ones).
 */
export function readSecretFile(file: string, text: string): FileObject[] {
  const version = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return documents(file, text)
    .flatMap(flatten)
    .map((object, index) => {
      const where = `${file}#${index}`;
      if (typeof object !== 'object' || object === null || Array.isArray(object)) return { where, object };
      const secret = object as SecretObject;
      // Files have no resourceVersion: the content's hash lets the store skip Secrets that did not change.
      const metadata = { ...secret.metadata, resourceVersion: `file-${version}-${index}` };
      return { where, object: { ...secret, metadata } };
    });
}
