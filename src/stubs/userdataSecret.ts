import type { SecretObject } from '../tokens/SecretObject.ts';

export interface UserdataSecretInit {
  name: string;
  namespace: string;
  /** The stub, as the machine must receive it (Ignition JSON or `#cloud-config` text). */
  value: string;
  /** CAPI's bootstrap data `format`: providers (CAPA, …) read it to tell Ignition from cloud-init. */
  format?: 'ignition' | 'cloud-config' | undefined;
}

/**
 * A stub stored for whoever creates the machine, shaped like a Cluster API bootstrap data Secret (what
 * `Machine.spec.bootstrap.dataSecretName` names): the stub under `value`, the key infrastructure providers
 * read as userdata, and `format` when given, as CAPI's kubeadm bootstrap provider writes it.
 */
export function userdataSecret({ name, namespace, value, format }: UserdataSecretInit): SecretObject {
  const data: Record<string, string> = { value: base64(value) };
  if (format !== undefined) data.format = base64(format);
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace }, data };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
