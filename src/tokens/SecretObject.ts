/**
 * The slice of a Kubernetes Secret kindling reads. Both sources produce it: the Kubernetes watch as the API
 * server sends it (base64 `data` in JSON, `dataBytes` in protobuf), the directory source as written in a file
 * (`data` and/or `stringData`).
 */
export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  type?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
  /** `data` as bytes, when the API server sent it so (a protobuf list page): no base64 to decode. */
  dataBytes?: Record<string, Uint8Array>;
  stringData?: Record<string, string>;
}

/** `namespace/name`: how a Secret is named everywhere in kindling (logs, metrics, the store). */
export function secretKey(meta: { namespace?: string | undefined; name: string }): string {
  return `${meta.namespace ?? 'default'}/${meta.name}`;
}
