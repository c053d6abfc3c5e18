import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SPEC_VERSIONS } from '../../src/payload/SpecVersion.ts';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { viewCloudConfig, viewIgnition } from './nodeView.ts';
import { fixtureClusterData, readTemplate, templateFrom } from './templateFixtures.ts';

const both = (body: string) => {
  const template = templateFrom(body);
  return [
    viewIgnition(renderIgnition({ template })),
    viewCloudConfig(renderCloudConfig({ template })),
  ] as const;
};

describe('rendering', () => {
  it.each(SPEC_VERSIONS)('emits a valid spec %s config when the template asks for it', (version) => {
    const config = JSON.parse(
      renderIgnition({ template: templateFrom(`ignition: { version: ${version} }\n`) }).toString(),
    );
    expect(validateIgnition(config).version).toBe(version);
  });

  it('gives the same bytes whatever the order of the template maps', () => {
    const a = templateFrom(
      'node:\n  labels: { a.example/x: "1", b.example/y: "2" }\n  kubeletExtraArgs: { v: "2", max-pods: "10" }\n' +
        'host:\n  sysctls: { net.ipv4.ip_forward: 1, vm.swappiness: 0 }\n',
    );
    const b = templateFrom(
      'host:\n  sysctls: { vm.swappiness: 0, net.ipv4.ip_forward: 1 }\n' +
        'node:\n  kubeletExtraArgs: { max-pods: "10", v: "2" }\n  labels: { b.example/y: "2", a.example/x: "1" }\n',
    );
    expect(renderIgnition({ template: a }).equals(renderIgnition({ template: b }))).toBe(true);
    expect(renderCloudConfig({ template: a }).equals(renderCloudConfig({ template: b }))).toBe(true);
  });

  it('leaves swap alone when told to', () => {
    for (const view of both('host: { disableSwap: false }\n')) {
      expect(view.units.has('swap.target')).toBe(false);
      expect(view.files.get('/opt/kindling/join.sh')?.text).not.toContain('swapoff');
    }
  });

  it('writes no module, sysctl or containerd file when the template turns them off', () => {
    for (const view of both('host: { kernelModules: [], sysctls: {}, containerd: { configure: false } }\n')) {
      expect([...view.files.keys()].sort()).toEqual([
        '/etc/kindling/kubeadm-join.yaml',
        '/opt/kindling/advertise.sh',
        '/opt/kindling/join.sh',
      ]);
    }
    const cloud = parse(
      renderCloudConfig({
        template: templateFrom(
          'host: { kernelModules: [], sysctls: {}, containerd: { configure: false } }\n',
        ),
      }).toString(),
    );
    expect(JSON.stringify(cloud.runcmd)).not.toMatch(/sysctl|modules-load|restart/);
  });

  it('writes the containerd cgroup driver the template asks for', () => {
    for (const view of both('host: { containerd: { systemdCgroup: false } }\n')) {
      expect(view.files.get('/etc/containerd/config.toml')?.text).toMatch(/^ {2}SystemdCgroup = false$/m);
    }
  });

  it("passes an empty taint list through, so that a control plane drops kubeadm's default taint", () => {
    const template = templateFrom(
      `role: control-plane\ncontrolPlane: { certificateKey: { value: ${'a'.repeat(64)} } }\nnode: { taints: [] }\n`,
    );
    const join = parse(
      viewIgnition(renderIgnition({ template })).files.get('/etc/kindling/kubeadm-join.yaml')?.text ?? '',
    );
    expect(join.nodeRegistration.taints).toEqual([]);
    expect(join.controlPlane).toEqual({
      localAPIEndpoint: { bindPort: 6443 },
      certificateKey: 'a'.repeat(64),
    });
  });

  it('quotes for YAML 1.1 readers (kubeadm, cloud-init): a label value "on" stays a string', () => {
    const template = templateFrom(
      'node:\n  labels: { example.com/flag: "on" }\n  kubeletExtraArgs: { v: "2" }\n',
    );
    const join =
      viewIgnition(renderIgnition({ template })).files.get('/etc/kindling/kubeadm-join.yaml')?.text ?? '';
    expect(join).toContain('node-labels: example.com/flag=on');
    expect(join).toContain('v: "2"');
    expect(parse(join, { version: '1.1' }).nodeRegistration.kubeletExtraArgs).toEqual({
      'node-labels': 'example.com/flag=on',
      v: '2',
    });
  });

  it('passes ignorePreflightErrors and the CRI socket to kubeadm', () => {
    const template = templateFrom(
      'node:\n  criSocket: unix:///var/run/crio/crio.sock\n  ignorePreflightErrors: [FileExisting-crictl]\n',
    );
    const view = viewIgnition(renderIgnition({ template }));
    const join = parse(view.files.get('/etc/kindling/kubeadm-join.yaml')?.text ?? '');
    expect(join.nodeRegistration).toMatchObject({
      criSocket: 'unix:///var/run/crio/crio.sock',
      ignorePreflightErrors: ['FileExisting-crictl'],
    });
    expect(view.files.get('/opt/kindling/join.sh')?.text).toContain(
      'kubeadm reset --force --cri-socket unix:///var/run/crio/crio.sock',
    );
  });

  it('is fast enough to render on every change of every Secret', () => {
    const template = readTemplate('worker-custom');
    const cluster = fixtureClusterData();
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      renderIgnition({ template, cluster });
      renderCloudConfig({ template, cluster });
    }
    // Typically under 1 ms per pair; the bound only catches an accidental slow path.
    expect((performance.now() - started) / 100).toBeLessThan(50);
  });
});
