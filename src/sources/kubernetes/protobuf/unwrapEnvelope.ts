import { ProtoError, ProtoReader } from './ProtoReader.ts';

/** What `Accept: application/vnd.kubernetes.protobuf` answers with. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

// k8s.io/apimachinery/pkg/runtime generated.proto: Unknown and TypeMeta.
const UNKNOWN = { typeMeta: 1, raw: 2, contentEncoding: 3 };
const TYPE_META = { kind: 2 };

// "k8s\0": the prefix of every protobuf-encoded Kubernetes object.
const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/**
 * Opens the envelope (a `runtime.Unknown`) around a protobuf-encoded Kubernetes object, checks that it holds
 * the kind the caller expects (`SecretList`, `Status`), and gives a reader of the object itself.
 */
export function unwrapEnvelope(bytes: Uint8Array, kinds: readonly string[]): ProtoReader {
  if (!MAGIC.every((byte, i) => bytes[i] === byte))
    throw new ProtoError('no "k8s\\0" prefix: not a Kubernetes protobuf');
  const unknown = new ProtoReader(bytes, MAGIC.length);
  let kind = '';
  let object: ProtoReader | undefined;
  let encoding = '';
  for (let field; (field = unknown.nextBytesField()) !== undefined;) {
    if (field === UNKNOWN.typeMeta) {
      const typeMeta = unknown.message();
      for (let meta; (meta = typeMeta.nextBytesField()) !== undefined;) {
        if (meta === TYPE_META.kind) kind = typeMeta.string();
        else typeMeta.range();
      }
    } else if (field === UNKNOWN.raw) object = unknown.message();
    else if (field === UNKNOWN.contentEncoding) encoding = unknown.string();
    else unknown.range();
  }
  // The API server never compresses inside the envelope (HTTP compression is another layer).
  if (encoding !== '')
    throw new ProtoError(`content encoding ${JSON.stringify(encoding)} inside the envelope`);
  if (!kinds.includes(kind))
    throw new ProtoError(`a ${kind || 'nameless'} object where ${kinds.join(' or ')} was expected`);
  return object ?? new ProtoReader(new Uint8Array(0));
}
