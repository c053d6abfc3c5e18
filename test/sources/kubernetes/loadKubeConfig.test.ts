import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKindlingError } from '../../../src/errors/KindlingError.ts';
import { loadKubeConfig } from '../../../src/sources/kubernetes/loadKubeConfig.ts';

let dir: string;
let serviceAccountDir: string;
let kubeconfig: string;
const pod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

const kubeconfigFor = (server: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}" } }]
users: [{ name: u, user: { token: secret-token-value } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-kubeconfig-'));
  serviceAccountDir = join(dir, 'serviceaccount');
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigFor('https://from-file:6443'));
  await mkdir(serviceAccountDir);
  await writeFile(join(serviceAccountDir, 'token'), 'sa-token');
  await writeFile(join(serviceAccountDir, 'namespace'), 'kindling-system\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadKubeConfig', () => {
  it('in a pod: the service account, its namespace, the service address; never $KUBECONFIG', () => {
    const loaded = loadKubeConfig({ env: { ...pod, KUBECONFIG: kubeconfig }, serviceAccountDir });
    expect(loaded).toMatchObject({
      server: 'https://10.96.0.1:443',
      namespace: 'kindling-system',
      credentials: `in-cluster service account (${serviceAccountDir})`,
    });
    expect(loaded.kubeConfig.getCurrentUser()?.authProvider).toEqual({
      name: 'tokenFile',
      config: { tokenFile: join(serviceAccountDir, 'token') },
    });
    expect(loaded.kubeConfig.getCurrentCluster()?.caFile).toBe(join(serviceAccountDir, 'ca.crt'));
  });

  it('brackets an IPv6 service address', () => {
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    expect(loadKubeConfig({ env, serviceAccountDir }).server).toBe('https://[fd00::1]:443');
  });

  it('--kubeconfig is an explicit choice: it wins even in a pod', () => {
    const loaded = loadKubeConfig({ kubeconfig, env: pod, serviceAccountDir });
    expect(loaded).toMatchObject({ server: 'https://from-file:6443', namespace: undefined });
    expect(loaded.credentials).toBe(`kubeconfig ${kubeconfig} (--kubeconfig), context ctx`);
  });

  it('outside a pod: $KUBECONFIG', () => {
    const loaded = loadKubeConfig({ env: { KUBECONFIG: kubeconfig }, serviceAccountDir: join(dir, 'none') });
    expect(loaded.credentials).toBe(`kubeconfig ${kubeconfig} ($KUBECONFIG), context ctx`);
  });

  it('no credentials, or a missing kubeconfig: ERR_CONFIG_INVALID saying what is missing', () => {
    const none = () => loadKubeConfig({ env: {}, serviceAccountDir: join(dir, 'none') });
    expect(none).toThrow(
      /no Kubernetes credentials: not in a pod .* neither --kubeconfig nor \$KUBECONFIG is set/,
    );
    const missing = join(dir, 'missing');
    let caught: unknown;
    try {
      loadKubeConfig({ kubeconfig: missing, env: {} });
    } catch (error) {
      caught = error;
    }
    expect(isKindlingError(caught, 'ERR_CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toBe(`cannot load kubeconfig ${missing} (--kubeconfig): ENOENT`);
  });

  it('never quotes a broken kubeconfig (its lines may hold a token)', async () => {
    await writeFile(kubeconfig, 'users:\n- name: u\n  user: {token: secret-token-value\n  bad: [');
    expect(() => loadKubeConfig({ kubeconfig, env: {} })).toThrow(
      `cannot load kubeconfig ${kubeconfig} (--kubeconfig): not a valid kubeconfig`,
    );
  });
});
