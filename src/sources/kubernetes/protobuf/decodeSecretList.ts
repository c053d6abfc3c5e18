import type { SecretObject } from '../../../tokens/SecretObject.ts';
import type { DecodedPage } from '../createResourceApi.ts';
import { utf8String, type ProtoReader } from './ProtoReader.ts';
import { readMapEntry } from './readMapEntry.ts';
import { unwrapEnvelope } from './unwrapEnvelope.ts';

// Field numbers from k8s.io/api/core/v1 and k8s.io/apimachinery/pkg/apis/meta/v1 generated.proto.
const LIST = { metadata: 1, items: 2 };
const LIST_META = { resourceVersion: 2, continue: 3 };
const SECRET = { metadata: 1, data: 2, type: 3, stringData: 4 };
const OBJECT_META = { name: 1, namespace: 3, uid: 5, resourceVersion: 6, labels: 11, annotations: 12 };

// A copy, so that what the store keeps does not hold the whole page in memory.
const copy = (view: Uint8Array) => new Uint8Array(view);

/**
 * A `SecretList` page of `Accept: application/vnd.kubernetes.protobuf`, as the slice of each Secret the store
 * reads (what toSecretObject keeps of a JSON item). Secret values arrive as bytes, so there is no base64 to
 * decode; they land in `dataBytes`. Throws a ProtoError on anything that does not follow the wire format.
 */
export function decodeSecretList(bytes: Uint8Array): DecodedPage<SecretObject> {
  const list = unwrapEnvelope(bytes, ['SecretList']);
  const page: DecodedPage<SecretObject> = { items: [], resourceVersion: undefined, continue: undefined };
  for (let field; (field = list.nextBytesField()) !== undefined;) {
    if (field === LIST.metadata) readListMeta(list.message(), page);
    else if (field === LIST.items) {
      const secret = readSecret(list.message());
      if (secret) page.items.push(secret);
    } else list.range();
  }
  return page;
}

function readListMeta(reader: ProtoReader, page: DecodedPage<SecretObject>): void {
  for (let field; (field = reader.nextBytesField()) !== undefined;) {
    if (field === LIST_META.resourceVersion) page.resourceVersion = reader.string();
    else if (field === LIST_META.continue) page.continue = reader.string() || undefined;
    else reader.range();
  }
}

function readSecret(reader: ProtoReader): SecretObject | undefined {
  const metadata: SecretObject['metadata'] = { name: '' };
  let type: string | undefined;
  let dataBytes: Record<string, Uint8Array> | undefined;
  let stringData: Record<string, string> | undefined;
  for (let field; (field = reader.nextBytesField()) !== undefined;) {
    if (field === SECRET.metadata) readObjectMeta(reader.message(), metadata);
    else if (field === SECRET.type) type = reader.string();
    else if (field === SECRET.data) {
      const [name, value] = readMapEntry(reader, copy);
      (dataBytes ??= {})[name] = value;
    } else if (field === SECRET.stringData) {
      // Write-only: the API server never sends it; read for a server that would.
      const [name, value] = readMapEntry(reader, utf8String);
      (stringData ??= {})[name] = value;
    } else reader.range();
  }
  // As toSecretObject: no name, not a Secret kindling can name.
  if (metadata.name === '') return undefined;
  return { type, metadata, dataBytes, ...(stringData ? { stringData } : {}) };
}

function readObjectMeta(reader: ProtoReader, metadata: SecretObject['metadata']): void {
  for (let field; (field = reader.nextBytesField()) !== undefined;) {
    if (field === OBJECT_META.name) metadata.name = reader.string();
    else if (field === OBJECT_META.namespace) metadata.namespace = reader.string();
    else if (field === OBJECT_META.uid) metadata.uid = reader.string();
    else if (field === OBJECT_META.resourceVersion) metadata.resourceVersion = reader.string();
    else if (field === OBJECT_META.labels || field === OBJECT_META.annotations) {
      const [name, value] = readMapEntry(reader, utf8String);
      const map = field === OBJECT_META.labels ? (metadata.labels ??= {}) : (metadata.annotations ??= {});
      map[name] = value;
    } else reader.range();
  }
}
