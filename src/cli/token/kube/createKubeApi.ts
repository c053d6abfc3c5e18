import {
  CoreV1Api,
  Observable,
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
  type V1Secret,
} from '@kubernetes/client-node';
import type { SecretObject } from '../../../tokens/SecretObject.ts';
import { describeKubeFailure, type KubeCall } from './describeKubeFailure.ts';
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
export interface KubeApi {
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

const REQUEST_TIMEOUT_MS = 30_000;
const resolved = <T>(value: T) => new Observable<T>(Promise.resolve(value));

/** A deadline per request: a stalled API server fails the command instead of hanging it. */
function bounded(options?: ConfigurationOptions): ConfigurationOptions {
  const middleware = {
    pre: (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
      return resolved(context);
    },
    post: (context: ResponseContext) => resolved(context),
  };
  return { ...options, middleware: [middleware], middlewareMergeStrategy: 'append' };
}

function toClusterSecret(secret: V1Secret): ClusterSecret {
  const { metadata = {} } = secret;
  return {
    type: secret.type,
    metadata: {
      name: metadata.name ?? '',
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      labels: metadata.labels,
      annotations: metadata.annotations,
      creationTimestamp: metadata.creationTimestamp?.toISOString(),
    },
    data: secret.data,
  };
}

export function createKubeApi(kubeConfig: KubeConfig, server: string): KubeApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);

  async function call<T>(what: KubeCall, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const failure = describeKubeFailure(error, what, server);
      throw new KubeCallError(failure.message, failure.status, error);
    }
  }

  async function orUndefined<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof KubeCallError && error.status === 404) return undefined;
      throw error;
    }
  }

  return {
    server,
    getSecret: ({ namespace, name }) =>
      orUndefined(() =>
        call({ verb: 'get', resource: 'secrets', name, namespace }, async () =>
          toClusterSecret(await core.readNamespacedSecret({ namespace, name }, bounded())),
        ),
      ),
    listSecrets: (namespace, labelSelector) =>
      call({ verb: 'list', resource: 'secrets', namespace }, async () => {
        const list = await core.listNamespacedSecret({ namespace, labelSelector }, bounded());
        return list.items.map(toClusterSecret);
      }),
    createSecret: (secret) =>
      call(
        {
          verb: 'create',
          resource: 'secrets',
          name: secret.metadata.name,
          namespace: secret.metadata.namespace,
        },
        async () =>
          toClusterSecret(
            await core.createNamespacedSecret(
              {
                namespace: secret.metadata.namespace,
                body: { ...secret, apiVersion: 'v1', kind: 'Secret' } as V1Secret,
              },
              bounded(),
            ),
          ),
      ),
    patchSecret: ({ namespace, name }, patch) =>
      call({ verb: 'patch', resource: 'secrets', name, namespace }, async () =>
        toClusterSecret(
          await core.patchNamespacedSecret(
            { namespace, name, body: patch },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch, bounded()),
          ),
        ),
      ),
    deleteSecret: async ({ namespace, name }) =>
      (await orUndefined(() =>
        call({ verb: 'delete', resource: 'secrets', name, namespace }, async () => {
          await core.deleteNamespacedSecret({ namespace, name }, bounded());
          return true;
        }),
      )) ?? false,
    getConfigMapData: async ({ namespace, name }) =>
      (
        await orUndefined(() =>
          call({ verb: 'get', resource: 'configmaps', name, namespace }, () =>
            core.readNamespacedConfigMap({ namespace, name }, bounded()),
          ),
        )
      )?.data,
    namespaceExists: async (name) =>
      (await orUndefined(() =>
        call({ verb: 'get', resource: 'namespaces', name }, async () => {
          await core.readNamespace({ name }, bounded());
          return true;
        }),
      )) ?? false,
    createNamespace: (name) =>
      call({ verb: 'create', resource: 'namespaces', name }, async () => {
        await core.createNamespace({ body: { metadata: { name } } }, bounded());
      }),
  };
}
