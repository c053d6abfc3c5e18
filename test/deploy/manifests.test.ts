import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseServeConfig } from '../../src/config/parseServeConfig.ts';
import { DEMO_TOKEN, startKindling } from '../support/startKindling.ts';
import { findKubectl, missingTool, render, ROOT, type KubeObject } from './kubectl.ts';
import { parseDockerfile } from './parseDockerfile.ts';

// Every kustomization under deploy/ renders with the kubectl CI has, and the objects agree with each other,
// with the Dockerfile and with what the server really accepts and exports. The API server's own verdict is in
// apiServer.test.ts.
const COMPONENTS = ['cert-manager', 'prometheus', 'nodeport'];
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const dockerUser = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
  .stages.at(-1)
  ?.instructions.filter((i) => i.keyword === 'USER')
  .at(-1)?.args[0];

const find = (objects: KubeObject[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
function one(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = find(objects, kind, name);
  expect(found, `exactly one ${kind}${name ? ` ${name}` : ''}`).toHaveLength(1);
  return found[0] as KubeObject;
}
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

const kubectl = findKubectl();
const skip =
  kubectl === undefined && missingTool('kubectl is not on PATH: deploy/ cannot be rendered') === 'skip';

describe.skipIf(skip)('deploy/ (kubectl kustomize)', () => {
  it('has kubectl (CI needs it to render deploy/)', () => {
    expect(
      kubectl,
      'kubectl is not on PATH; CI needs kubectl 1.21 or newer (kustomize components) to render deploy/',
    ).toBeDefined();
  });
  if (kubectl === undefined) return;

  const base = render('deploy/base');
  const overlays = Object.fromEntries(COMPONENTS.map((name) => [name, render(`deploy/overlays/${name}`)]));
  let combined: KubeObject[] = [];
  beforeAll(() => {
    // The components must compose: one overlay with all of them, written outside the repository.
    const dir = mkdtempSync(join(tmpdir(), 'kindling-kustomize-'));
    try {
      const path = (p: string) => relative(dir, join(ROOT, p));
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        [
          'resources:',
          `  - ${path('deploy/base')}`,
          'components:',
          ...COMPONENTS.map((c) => `  - ${path(`deploy/components/${c}`)}`),
        ].join('\n'),
      );
      combined = render(relative(ROOT, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const deployment = one(base, 'Deployment', 'kindling');
  const pod = deployment.spec.template.spec;
  const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
  const container = pod.containers[0];
  const containerPort = (name: string) =>
    (container.ports as { name: string; containerPort: number }[]).find((p) => p.name === name)
      ?.containerPort;

  describe('every rendering', () => {
    it('renders each overlay and all components together, objects unique, every one namespaced and labelled', () => {
      const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      for (const objects of [base, ...Object.values(overlays), combined]) {
        const keys = objects.map(key);
        expect(new Set(keys).size).toBe(keys.length);
        for (const object of objects) {
          if (object.kind !== 'Namespace') expect(object.metadata.namespace, key(object)).toBeTruthy();
          expect(object.metadata.labels?.['app.kubernetes.io/name'], key(object)).toBe('kindling');
        }
      }
      // Together, the components add exactly what each adds alone.
      const union = new Set([base, ...Object.values(overlays)].flat().map(key));
      expect(combined.map(key).sort()).toEqual([...union].sort());
    });
  });

  describe('base', () => {
    it('holds exactly the objects the issue lists', () => {
      expect(base.map((o) => o.kind).sort()).toEqual(
        [
          'Deployment',
          'Namespace',
          'NetworkPolicy',
          'PodDisruptionBudget',
          'Role',
          'Role',
          'Role',
          'RoleBinding',
          'RoleBinding',
          'RoleBinding',
          'Service',
          'ServiceAccount',
        ].sort(),
      );
      expect(one(base, 'Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
        'restricted',
      );
    });

    it('grants the service account exactly: secrets get/list/watch/patch, configmaps for reports, cluster data', () => {
      const grants = (role: KubeObject) =>
        (
          role['rules'] as {
            apiGroups: string[];
            resources: string[];
            verbs: string[];
            resourceNames?: string[];
          }[]
        )
          .flatMap((rule) =>
            rule.apiGroups.flatMap((group) =>
              rule.resources.flatMap((resource) =>
                rule.verbs.map(
                  (verb) =>
                    `${group}/${resource}${rule.resourceNames ? `/${rule.resourceNames.join(',')}` : ''}:${verb}`,
                ),
              ),
            ),
          )
          .sort();
      const own = find(base, 'Role').find((r) => r.metadata.namespace === 'kindling') as KubeObject;
      expect(grants(own)).toEqual(
        [
          '/secrets:get',
          '/secrets:list',
          '/secrets:watch',
          '/secrets:patch',
          '/configmaps:get',
          '/configmaps:create',
          '/configmaps:patch',
        ].sort(),
      );
      const clusterInfo = find(base, 'Role').find(
        (r) => r.metadata.namespace === 'kube-public',
      ) as KubeObject;
      expect(grants(clusterInfo)).toEqual(
        [
          '/configmaps/cluster-info:get',
          '/configmaps/cluster-info:list',
          '/configmaps/cluster-info:watch',
        ].sort(),
      );
      // Bootstrap-token Secrets (and a certificate key a template names) for templates: read only.
      const bootstrapTokens = find(base, 'Role').find(
        (r) => r.metadata.namespace === 'kube-system',
      ) as KubeObject;
      expect(grants(bootstrapTokens)).toEqual(['/secrets:get', '/secrets:list', '/secrets:watch'].sort());
      expect(find(base, 'ClusterRole')).toEqual([]);

      const account = one(base, 'ServiceAccount');
      expect(pod.serviceAccountName).toBe(account.metadata.name);
      for (const role of [own, clusterInfo, bootstrapTokens]) {
        const binding = find(base, 'RoleBinding').find(
          (b) =>
            b.metadata.namespace === role.metadata.namespace &&
            (b['roleRef'] as { name: string }).name === role.metadata.name,
        );
        expect(binding?.['roleRef']).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: role.metadata.name,
        });
        expect(binding?.['subjects']).toEqual([
          { kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace },
        ]);
      }
    });

    it('runs 2 replicas spread across nodes (hard) and zones (soft), a pod disruption budget keeping one', () => {
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.selector.matchLabels).toEqual(podLabels);
      const spread = Object.fromEntries(
        (
          pod.topologySpreadConstraints as {
            topologyKey: string;
            whenUnsatisfiable: string;
            labelSelector: { matchLabels: Record<string, string> };
          }[]
        ).map((c) => [c.topologyKey, c]),
      );
      expect(spread['kubernetes.io/hostname']?.whenUnsatisfiable).toBe('DoNotSchedule');
      expect(spread['topology.kubernetes.io/zone']).toBeDefined();
      for (const constraint of Object.values(spread))
        expect(matches(constraint.labelSelector.matchLabels, podLabels)).toBe(true);
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);

      const pdb = one(base, 'PodDisruptionBudget');
      expect(pdb.apiVersion).toBe('policy/v1');
      expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
      expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
      expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    });

    it('passes flags the server accepts: kubernetes source, TLS from the mounted Secret, ports as declared', () => {
      expect(container.command, 'the image entrypoint (kindling serve) runs').toBeUndefined();
      expect(container.image).toBe(`kindling:${pkg.version}`);
      const env = Object.fromEntries(
        ((container.env ?? []) as { name: string; value?: string }[]).map((e) => [
          e.name,
          e.value ?? 'kindling',
        ]),
      );
      const config = parseServeConfig(container.args, env);
      expect(config.source.kind).toBe('kubernetes');
      expect(config.listen.port).toBe(containerPort('https'));
      expect(config.metricsListen.port).toBe(containerPort('metrics'));
      const mount = (
        container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[]
      ).find((m) => m.name === 'tls');
      expect(mount?.readOnly).toBe(true);
      expect(config.tls?.certFile).toBe(`${mount?.mountPath}/tls.crt`);
      expect(config.tls?.keyFile).toBe(`${mount?.mountPath}/tls.key`);
      const volume = (pod.volumes as { name: string; secret?: { secretName: string } }[]).find(
        (v) => v.name === 'tls',
      );
      expect(volume?.secret?.secretName).toBe('kindling-tls');
      // SIGTERM: not ready for --shutdown-delay, then in-flight requests get --shutdown-timeout.
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
        config.shutdownDelayMs + config.shutdownTimeoutMs,
      );
      expect(config.shutdownDelayMs).toBeGreaterThan(0);
      // A Service named kindling would otherwise inject KINDLING_SERVICE_HOST… into kindling's own env prefix.
      expect(pod.enableServiceLinks).toBe(false);
      // The audience per-machine tokens must carry: the in-cluster Service until an overlay names another URL.
      const service = one(base, 'Service', 'kindling');
      expect(config.serverUrl).toBe(
        `https://${service.metadata.name}.${service.metadata.namespace}.svc:${containerPort('https')}`,
      );
    });

    it('probes /healthz (startup, liveness) and /readyz (readiness) over HTTPS on the payload port', () => {
      for (const [probe, path] of [
        ['startupProbe', '/healthz'],
        ['livenessProbe', '/healthz'],
        ['readinessProbe', '/readyz'],
      ] as const) {
        expect(container[probe].httpGet, probe).toEqual({ path, port: 'https', scheme: 'HTTPS' });
      }
    });

    it('sets requests and limits, and the restricted security context the image allows', () => {
      for (const kind of ['requests', 'limits']) {
        expect(Object.keys(container.resources[kind]).sort(), kind).toEqual(['cpu', 'memory']);
      }
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`).toBe(dockerUser);
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const writable = (
        container.volumeMounts as { name: string; readOnly?: boolean; mountPath: string }[]
      ).filter((m) => !m.readOnly);
      expect(writable.map((m) => m.mountPath)).toEqual(['/tmp']);
      const tmp = (pod.volumes as { name: string; emptyDir?: { sizeLimit?: string } }[]).find(
        (v) => v.name === writable[0]?.name,
      );
      expect(tmp?.emptyDir?.sizeLimit).toBeTruthy();
    });

    it('has a Service with the payload and metrics ports, selecting the pods by name', () => {
      const service = one(base, 'Service', 'kindling');
      expect(service.spec.selector).toEqual(podLabels);
      expect(service.spec.ports).toEqual([
        { name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ]);
      expect(containerPort('https')).toBe(8443);
      expect(containerPort('metrics')).toBe(9090);
    });

    it('admits the payload port from anywhere and the metrics port only from the monitoring namespace', () => {
      const policy = one(base, 'NetworkPolicy');
      expect(policy.spec.podSelector.matchLabels).toEqual(podLabels);
      expect(policy.spec.policyTypes).toEqual(['Ingress']);
      expect(policy.spec.ingress).toEqual([
        { ports: [{ port: 'https', protocol: 'TCP' }] },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
          ports: [{ port: 'metrics', protocol: 'TCP' }],
        },
      ]);
    });
  });

  describe('overlays', () => {
    it('cert-manager: a Certificate fills the Secret the Deployment mounts, for the Service names, from a CA chain', () => {
      const objects = overlays['cert-manager'] as KubeObject[];
      const mounted = (pod.volumes as { name: string; secret?: { secretName: string } }[]).find(
        (v) => v.name === 'tls',
      )?.secret?.secretName;
      const serving = find(objects, 'Certificate').find((c) => c.spec.secretName === mounted) as KubeObject;
      expect(serving, `a Certificate for Secret ${mounted}`).toBeDefined();
      const service = one(base, 'Service', 'kindling');
      const dns = `${service.metadata.name}.${service.metadata.namespace}.svc`;
      expect(serving.spec.dnsNames).toEqual(expect.arrayContaining([dns, `${dns}.cluster.local`]));
      expect(serving.spec.usages).toContain('server auth');
      const issuer = one(objects, 'Issuer', serving.spec.issuerRef.name);
      const ca = find(objects, 'Certificate').find(
        (c) => c.spec.secretName === issuer.spec.ca?.secretName,
      ) as KubeObject;
      expect(ca?.spec.isCA).toBe(true);
      expect(one(objects, 'Issuer', ca.spec.issuerRef.name).spec.selfSigned).toEqual({});
    });

    it('prometheus: the ServiceMonitor scrapes the metrics port of the main Service only', () => {
      const monitor = one(combined, 'ServiceMonitor');
      const selected = find(combined, 'Service').filter((s) =>
        matches(monitor.spec.selector.matchLabels, s.metadata.labels),
      );
      expect(selected.map((s) => s.metadata.name)).toEqual(['kindling']);
      expect(monitor.spec.endpoints).toEqual([
        expect.objectContaining({ port: 'metrics', path: '/metrics', scheme: 'http' }),
      ]);
    });

    it('prometheus: alerts on /ignition 5xx, a stale watch and refused Secrets, using metrics the server exports', async () => {
      const rules = one(overlays['prometheus'] as KubeObject[], 'PrometheusRule').spec.groups.flatMap(
        (group: { rules: { alert: string; expr: string; for: string }[] }) => group.rules,
      ) as { alert: string; expr: string; for: string; annotations: Record<string, string> }[];
      expect(rules.map((r) => r.alert).sort()).toEqual(
        ['KindlingIgnitionHigh5xxRate', 'KindlingSecretRefused', 'KindlingWatchStale'].sort(),
      );
      const exported = await exportedMetrics();
      for (const rule of rules) {
        expect(rule.for).toMatch(/^\d+m$/);
        expect(rule.annotations['summary']).toBeTruthy();
        const names = rule.expr.match(/\bkindling_\w+/g) ?? [];
        expect(names.length, rule.alert).toBeGreaterThan(0);
        for (const name of names) expect(exported.names, `${rule.alert}: ${name}`).toContain(name);
      }
      const ratio = rules.find((r) => r.alert === 'KindlingIgnitionHigh5xxRate')?.expr ?? '';
      expect(ratio).toContain('route="ignition"');
      expect(exported.text).toMatch(/kindling_http_requests_total\{[^}]*route="ignition"/);
    });

    it('nodeport: a separate NodePort Service carries the payload port alone', () => {
      const objects = overlays['nodeport'] as KubeObject[];
      const service = find(objects, 'Service').find((s) => s.spec.type === 'NodePort') as KubeObject;
      expect(service.spec.selector).toEqual(podLabels);
      expect(service.spec.ports).toHaveLength(1);
      expect(service.spec.ports[0]).toMatchObject({ targetPort: 'https', port: 8443 });
      expect(service.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
      expect(service.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
      expect(one(objects, 'Service', 'kindling').spec.type).toBe('ClusterIP');
    });
  });
});

/** The metric names a running server exports (histograms under their series names too), after one fetch. */
async function exportedMetrics(): Promise<{ names: string[]; text: string }> {
  const { kindling } = await startKindling();
  try {
    await fetch(`${kindling.url}/ignition`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
    const text = await (await fetch(`${kindling.metricsUrl}/metrics`)).text();
    const names = [...text.matchAll(/^# TYPE (\w+) (\w+)$/gm)].flatMap(([, name = '', type]) =>
      type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
    );
    return { names, text };
  } finally {
    await kindling.shutdown();
  }
}
