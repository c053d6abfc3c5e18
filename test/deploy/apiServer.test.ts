import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseServeConfig } from '../../src/config/parseServeConfig.ts';
import { createKindling, type Kindling } from '../../src/server/createKindling.ts';
import { captureLogger } from '../support/captureLogger.ts';
import { describeEnvtest, startEnvtest, type Envtest } from '../support/envtest.ts';
import { goldenWorkerIgnition, templateSecret } from '../sources/kubernetes/templateFixtures.ts';
import { DEMO_TOKEN, FIXTURES } from '../support/startKindling.ts';
import { waitFor } from '../support/waitFor.ts';
import { findKubectl, kubectl as run, missingTool, render, type KubeObject } from './kubectl.ts';

// The real kube-apiserver (1.20, from KUBEBUILDER_ASSETS) judges deploy/: server-side dry-run of every object
// whose kind it serves, and the base's RBAC applied for real and exercised by the server itself.
const CRD_KINDS = ['Certificate', 'Issuer', 'ServiceMonitor', 'PrometheusRule']; // checked in manifests.test.ts
const noKubectl = findKubectl() === undefined;
const skip = noKubectl && missingTool('API server tests: kubectl is not on PATH') === 'skip';

describeEnvtest('deploy/ against a real API server', () => {
  let env: Envtest | undefined;
  let dir = '';
  let kubeconfig = '';
  let served = new Set<string>();
  const kubectl = (args: string[], input?: string) => run(args, { input, kubeconfig });
  const toYaml = (objects: KubeObject[]) => objects.map((o) => stringify(o)).join('---\n');
  const base = skip ? [] : render('deploy/base');
  const applyForReal = (kinds: string[]) =>
    kubectl(['apply', '-f', '-'], toYaml(base.filter((o) => kinds.includes(o.kind))));

  beforeAll(async () => {
    if (skip) return;
    if (noKubectl) throw new Error('kubectl is not on PATH: the manifests cannot be applied');
    env = await startEnvtest();
    dir = mkdtempSync(join(tmpdir(), 'kindling-deploy-'));
    kubeconfig = join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfig, env.kubeConfig('admin').exportConfig());
    served = new Set(kubectl(['api-versions']).split('\n').filter(Boolean));
    // Namespaced objects are dry-run into a namespace that must exist.
    applyForReal(['Namespace']);
  });
  afterAll(async () => {
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * What the server can judge: objects of served versions, and the policy/v1 PodDisruptionBudget as
   * policy/v1beta1 (same fields as used here) where policy/v1 is not served yet (before 1.21).
   */
  function judgeable(objects: KubeObject[]) {
    const accepted: KubeObject[] = [];
    const left: KubeObject[] = [];
    for (const object of objects) {
      if (served.has(object.apiVersion)) accepted.push(object);
      else if (object.kind === 'PodDisruptionBudget' && served.has('policy/v1beta1')) {
        accepted.push({ ...object, apiVersion: 'policy/v1beta1' });
      } else left.push(object);
    }
    return { accepted, left };
  }

  function dryRun(objects: KubeObject[]) {
    const output = kubectl(['apply', '--dry-run=server', '-f', '-'], toYaml(objects));
    const lines = output.split('\n').filter(Boolean);
    expect(lines).toHaveLength(objects.length);
    for (const line of lines) expect(line).toMatch(/ (created|configured|unchanged) \(server dry run\)$/);
  }

  describe.skipIf(skip)('with kubectl', () => {
    it('accepts every object of the base (server-side dry-run)', () => {
      const { accepted, left } = judgeable(base);
      expect(left).toEqual([]);
      expect(accepted.map((o) => o.kind)).toContain('PodDisruptionBudget');
      dryRun(accepted);
    });

    it('accepts every object of each overlay whose kind it serves; only the CRD kinds are left', () => {
      for (const overlay of ['cert-manager', 'prometheus', 'nodeport']) {
        const { accepted, left } = judgeable(render(`deploy/overlays/${overlay}`));
        for (const object of left) expect(CRD_KINDS, `${overlay}: ${object.kind}`).toContain(object.kind);
        dryRun(accepted);
      }
    });

    it('lets the service account do what the server does, and no more', () => {
      applyForReal(['ServiceAccount', 'Role', 'RoleBinding']);
      const can = (verb: string, resource: string, namespace: string) =>
        kubectl([
          'auth',
          'can-i',
          verb,
          resource,
          '-n',
          namespace,
          '--as=system:serviceaccount:kindling:kindling',
        ]).trim();
      const cannot = (verb: string, resource: string, namespace: string) => {
        try {
          return can(verb, resource, namespace);
        } catch (error) {
          // `can-i` exits 1 when the answer is no.
          return /\bno\b/.test(String((error as Error).message)) ? 'no' : String(error);
        }
      };
      for (const verb of ['get', 'list', 'watch', 'patch'])
        expect(can(verb, 'secrets', 'kindling'), verb).toBe('yes');
      for (const verb of ['get', 'create', 'patch'])
        expect(can(verb, 'configmaps', 'kindling'), verb).toBe('yes');
      for (const verb of ['get', 'list', 'watch']) {
        expect(can(verb, 'configmaps/cluster-info', 'kube-public'), verb).toBe('yes');
        expect(can(verb, 'secrets', 'kube-system'), verb).toBe('yes');
      }
      for (const [verb, resource, namespace] of [
        ['create', 'secrets', 'kindling'],
        ['update', 'secrets', 'kindling'],
        ['delete', 'secrets', 'kindling'],
        ['list', 'configmaps', 'kindling'],
        ['delete', 'configmaps', 'kindling'],
        ['list', 'secrets', 'default'],
        ['patch', 'secrets', 'kube-system'],
        ['list', 'configmaps', 'kube-system'],
        ['get', 'configmaps/other', 'kube-public'],
        ['list', 'configmaps', 'kube-public'],
        ['watch', 'configmaps', 'kube-public'],
        ['create', 'pods', 'kindling'],
      ] as const) {
        expect(cannot(verb, resource, namespace), `${verb} ${resource} in ${namespace}`).toBe('no');
      }
    });

    it('is enough for the server itself: with the Deployment’s flags and the account’s token it loads, serves, renders templates and records', async () => {
      applyForReal(['ServiceAccount', 'Role', 'RoleBinding']);
      kubectl(['apply', '-f', join(FIXTURES, 'token-workers.yaml')]);
      // A template reading cluster-info (a list and a watch under resourceNames, by field selector) and a
      // bootstrap token (a list and a watch of kube-system's Secrets, by type).
      kubectl(['apply', '-f', join(FIXTURES, 'templates/cluster')]);
      const templateToken = randomUUID();
      kubectl(
        ['apply', '-f', '-'],
        stringify(templateSecret({ name: 'token-template', namespace: 'kindling', token: templateToken })),
      );
      const token = kubectl(['-n', 'kindling', 'create', 'token', 'kindling']).trim();
      const admin = JSON.parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: unknown }[] };
      const accountKubeconfig = join(dir, 'kindling.kubeconfig');
      writeFileSync(
        accountKubeconfig,
        JSON.stringify({ ...admin, users: admin.users.map((u) => ({ ...u, user: { token } })) }),
      );

      const deployment = base.find((o) => o.kind === 'Deployment') as KubeObject;
      const args = (deployment.spec.template.spec.containers[0].args as string[]).filter(
        (arg) => !/^--(tls-cert|tls-key|listen|metrics-listen)=/.test(arg),
      );
      const config = parseServeConfig([
        ...args,
        // In the pod: the in-cluster credentials and the pod's namespace.
        `--kubeconfig=${accountKubeconfig}`,
        '--namespace=kindling',
        '--plain-http',
        '--listen=127.0.0.1:0',
        '--metrics-listen=127.0.0.1:0',
        '--shutdown-delay=0s',
      ]);
      const log = captureLogger();
      const kindling: Kindling = createKindling({ config, logger: log.logger });
      try {
        await kindling.start();
        await waitFor(() => kindling.ready, { what: 'the first list', timeoutMs: 15_000 });
        const response = await fetch(`${kindling.url}/ignition`, {
          headers: { authorization: `Bearer ${DEMO_TOKEN}` },
        });
        expect(response.status).toBe(200);
        await waitFor(
          () =>
            kubectl(['-n', 'kindling', 'get', 'secret', 'token-workers-demo', '-o', 'json']).includes(
              'kindling.dev/first-fetch-at',
            ),
          { what: 'the first-fetch annotation', timeoutMs: 15_000, intervalMs: 250 },
        );
        const rendered = await fetch(`${kindling.url}/ignition`, {
          headers: { authorization: `Bearer ${templateToken}` },
        });
        expect([rendered.status, await rendered.text()]).toEqual([200, goldenWorkerIgnition()]);
        await waitFor(
          () =>
            kubectl(['-n', 'kindling', 'get', 'secret', 'token-template', '-o', 'json']).includes(
              '"kindling.dev/render-status": "ok"',
            ),
          { what: 'the render status', timeoutMs: 15_000, intervalMs: 250 },
        );
      } finally {
        await kindling.shutdown();
      }
      // Not a match on the whole record: a resourceVersion in a line may well contain 403.
      const denied = log
        .records()
        .filter((record) => record.status === 403 || /forbidden|missing RBAC/i.test(String(record.msg)));
      expect(denied).toEqual([]);
    });
  });
});
