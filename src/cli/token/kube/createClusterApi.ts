import type { KubeApi, KubeRequest } from '../../../kube/KubeApi.ts';
import { describeApiFailure, type FailureContext } from '../../../sources/kubernetes/describeApiFailure.ts';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import { KubeCallError } from './KubeCallError.ts';

/** A Secret as the commands read it: format v1's slice, and when it was created. */
export interface ClusterSecret extends SecretObject {
  metadata: SecretObject['metadata'] & { creationTimestamp?: string | undefined };
}

export interface SecretRef {
  namespace: string;
  name: string;
}

/** The Kubernetes calls the commands make. Every failure is a KubeCallError naming verb, object, namespace. */
export interface ClusterApi {
  /** The API server's URL, for messages. */
  readonly server: string;
  getSecret(ref: SecretRef): Promise<ClusterSecret | undefined>;
  listSecrets(namespace: string, labelSelector: string): Promise<ClusterSecret[]>;
  createSecret(secret: SecretObject & { metadata: { namespace: string } }): Promise<ClusterSecret>;
  /** A JSON merge patch; `metadata.resourceVersion` in it makes a concurrent change a 409. */
  patchSecret(ref: SecretRef, patch: Record<string, unknown>): Promise<ClusterSecret>;
  /** False when it was already gone. */
  deleteSecret(ref: SecretRef): Promise<boolean>;
  getConfigMapData(ref: SecretRef): Promise<Record<string, string> | undefined>;
  namespaceExists(name: string): Promise<boolean>;
  createNamespace(name: string): Promise<void>;
}

export interface ClusterApiOptions {
  api: KubeApi;
  /** The API server's URL, as messages name it. */
  server: string;
}

interface Call extends KubeRequest {
  what: Omit<FailureContext, 'operator'>;
}

interface RawSecret {
  type?: string;
  metadata?: ClusterSecret['metadata'];
  data?: Record<string, string>;
}

const segment = encodeURIComponent;
const secretsPath = (namespace: string) => `/api/v1/namespaces/${segment(namespace)}/secrets`;
const secretPath = ({ namespace, name }: SecretRef) => `${secretsPath(namespace)}/${segment(name)}`;

function toClusterSecret(secret: RawSecret): ClusterSecret {
  const metadata: Partial<ClusterSecret['metadata']> = secret.metadata ?? {};
  const created = metadata.creationTimestamp;
  return {
    type: secret.type,
    metadata: {
      name: metadata.name ?? '',
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      labels: metadata.labels,
      annotations: metadata.annotations,
      // In the form the commands have always shown it (milliseconds included), whatever the server sent.
      creationTimestamp: created === undefined ? undefined : new Date(created).toISOString(),
    },
    data: secret.data,
  };
}

/** The commands' calls over the one raw client (kube/createKubeApi): Secrets, ConfigMaps and Namespaces. */
export function createClusterApi({ api, server }: ClusterApiOptions): ClusterApi {
  async function call({ what, ...request }: Call): Promise<unknown> {
    let failure;
    try {
      const response = await api.request(request);
      if (response.status >= 200 && response.status < 300) return response.body;
      failure = { statusCode: response.status, body: response.body };
    } catch (error) {
      failure = error;
    }
    const described = describeApiFailure(failure, { ...what, operator: { server } });
    throw new KubeCallError(described.message, described.status, failure);
  }

  async function orUndefined<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof KubeCallError && error.status === 404) return undefined;
      throw error;
    }
  }

  const secrets = (verb: string, namespace: string, name?: string) => ({
    verb,
    resource: 'secrets',
    name,
    namespace,
  });

  return {
    server,
    getSecret: (ref) =>
      orUndefined(async () =>
        toClusterSecret(
          (await call({
            method: 'GET',
            path: secretPath(ref),
            what: secrets('get', ref.namespace, ref.name),
          })) as RawSecret,
        ),
      ),
    listSecrets: async (namespace, labelSelector) => {
      const list = (await call({
        method: 'GET',
        path: secretsPath(namespace),
        query: { labelSelector },
        what: secrets('list', namespace),
      })) as { items?: RawSecret[] };
      return (list.items ?? []).map(toClusterSecret);
    },
    createSecret: async (secret) =>
      toClusterSecret(
        (await call({
          method: 'POST',
          path: secretsPath(secret.metadata.namespace),
          body: { ...secret, apiVersion: 'v1', kind: 'Secret' },
          what: secrets('create', secret.metadata.namespace, secret.metadata.name),
        })) as RawSecret,
      ),
    patchSecret: async (ref, patch) =>
      toClusterSecret(
        (await call({
          method: 'PATCH',
          path: secretPath(ref),
          body: patch,
          contentType: 'application/merge-patch+json',
          what: secrets('patch', ref.namespace, ref.name),
        })) as RawSecret,
      ),
    deleteSecret: async (ref) =>
      (await orUndefined(async () => {
        await call({
          method: 'DELETE',
          path: secretPath(ref),
          what: secrets('delete', ref.namespace, ref.name),
        });
        return true;
      })) ?? false,
    getConfigMapData: async ({ namespace, name }) => {
      const configMap = (await orUndefined(() =>
        call({
          method: 'GET',
          path: `/api/v1/namespaces/${segment(namespace)}/configmaps/${segment(name)}`,
          what: { verb: 'get', resource: 'configmaps', name, namespace },
        }),
      )) as { data?: Record<string, string> } | undefined;
      return configMap?.data;
    },
    namespaceExists: async (name) =>
      (await orUndefined(async () => {
        await call({
          method: 'GET',
          path: `/api/v1/namespaces/${segment(name)}`,
          what: { verb: 'get', resource: 'namespaces', name, namespace: undefined },
        });
        return true;
      })) ?? false,
    createNamespace: async (name) => {
      await call({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: { metadata: { name } },
        what: { verb: 'create', resource: 'namespaces', name, namespace: undefined },
      });
    },
  };
}
