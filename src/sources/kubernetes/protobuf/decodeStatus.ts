import { WIRE } from './ProtoReader.ts';
import { unwrapEnvelope } from './unwrapEnvelope.ts';

export interface StatusFields {
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

// k8s.io/apimachinery/pkg/apis/meta/v1 Status.
const STATUS = { status: 2, message: 3, reason: 4, code: 6 };

/**
 * The API server's refusal (a 4xx/5xx `Status`) when it answered in protobuf, as the fields of its JSON form,
 * so that describeApiFailure can quote the API server's own message whatever the encoding.
 */
export function decodeStatus(bytes: Uint8Array): StatusFields {
  const reader = unwrapEnvelope(bytes, ['Status']);
  const status: StatusFields = {};
  while (!reader.done) {
    const key = reader.key();
    const field = key >>> 3;
    if (field === STATUS.code && (key & 7) === WIRE.varint) status.code = reader.varint();
    else if ((key & 7) !== WIRE.bytes) reader.skip(key);
    else if (field === STATUS.status) status.status = reader.string();
    else if (field === STATUS.message) status.message = reader.string();
    else if (field === STATUS.reason) status.reason = reader.string();
    else reader.range();
  }
  return status;
}
