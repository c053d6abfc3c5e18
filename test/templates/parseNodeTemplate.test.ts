import { describe, expect, it } from 'vitest';
import { parseNodeTemplate } from '../../src/templates/parseNodeTemplate.ts';
import { catchKindlingError } from '../payload/expectPayloadError.ts';
import { FIXTURE_CA_HASH, templateFrom } from './templateFixtures.ts';

const HEAD = 'apiVersion: kindling.dev/v1\nkind: NodeTemplate\n';
const SECRET_REF = 'cluster:\n  bootstrapToken: { secretRef: { name: bootstrap-token-abcdef } }\n';

function problems(text: string) {
  const error = catchKindlingError(() => parseNodeTemplate(text));
  expect(error.code).toBe('ERR_TEMPLATE_INVALID');
  return error;
}

describe('parseNodeTemplate', () => {
  it('fills every default into the smallest template', () => {
    expect(parseNodeTemplate(HEAD + SECRET_REF)).toEqual({
      apiVersion: 'kindling.dev/v1',
      kind: 'NodeTemplate',
      cluster: { bootstrapToken: { secretRef: { name: 'bootstrap-token-abcdef' } } },
      role: 'worker',
      node: {
        hostname: { policy: 'keep' },
        labels: {},
        kubeletExtraArgs: {},
        criSocket: 'unix:///run/containerd/containerd.sock',
        ignorePreflightErrors: [],
      },
      host: {
        disableSwap: true,
        kernelModules: ['overlay', 'br_netfilter'],
        sysctls: {
          'net.bridge.bridge-nf-call-iptables': '1',
          'net.bridge.bridge-nf-call-ip6tables': '1',
          'net.ipv4.ip_forward': '1',
        },
        containerd: { configure: true, systemdCgroup: true },
      },
      binaries: { source: 'image' },
      users: [],
      ignition: { version: '3.4.0' },
    });
  });

  it('takes numbers and booleans where the value ends up as text', () => {
    const template = templateFrom(
      'node:\n  labels: { example.com/rack: 7 }\n  kubeletExtraArgs: { max-pods: 110, v: true }\n',
    );
    expect(template.node.labels).toEqual({ 'example.com/rack': '7' });
    expect(template.node.kubeletExtraArgs).toEqual({ 'max-pods': '110', v: 'true' });
  });

  it('defaults the machine-id prefix and the control-plane port', () => {
    const template = templateFrom(
      'role: control-plane\ncontrolPlane: { certificateKey: { value: ' +
        'a'.repeat(64) +
        ' } }\n' +
        'node: { hostname: { policy: machine-id } }\n',
    );
    expect(template.node.hostname).toEqual({ policy: 'machine-id', prefix: 'node-' });
    expect(template.controlPlane?.bindPort).toBe(6443);
  });

  it('names every bad field, with its path, in one message', () => {
    const error = problems(
      HEAD +
        'cluster:\n  apiServerEndpoint: https://api:6443\n  bootstrapToken: { value: abcdef.0123456789ABCDEF }\n' +
        '  caCertHashes: [sha256:XYZ]\n' +
        'node:\n  hostname: { policy: random }\n  labels: { node-role.kubernetes.io/worker: "" }\n' +
        'host: { swap: off }\n' +
        'binaries: { source: download, kubeadm: { url: ftp://x/kubeadm, hash: md5-00 } }\n' +
        'users: [{ name: Ops }]\nignition: { version: 2.3.0 }\n',
    );
    expect(error.rule).toBe('schema');
    expect(error.path).toBe('cluster.apiServerEndpoint');
    for (const expected of [
      'cluster.apiServerEndpoint: must be host:port',
      'cluster.bootstrapToken.value: must be a bootstrap token',
      'cluster.caCertHashes[0]: must be "sha256:"',
      'node.hostname.policy: must be one of keep, fixed, machine-name, machine-id',
      'node.labels["node-role.kubernetes.io/worker"]: key is in the kubernetes.io/k8s.io namespaces',
      'host.swap: is not a field here',
      'binaries.kubeadm.url: must be an http or https URL',
      'binaries.kubeadm.hash: must be "sha256-"',
      'binaries.kubelet: is required',
      'users[0].name: must be a user name',
      'ignition.version: must be one of "3.0.0", "3.1.0"',
    ]) {
      expect(error.message).toContain(expected);
    }
  });

  it('checks the rules spanning several fields once the fields themselves are valid', () => {
    const key = 'a'.repeat(64);
    const cases: [string, string, string][] = [
      ['role: control-plane\n', 'controlPlane', 'is required when role is control-plane'],
      [
        `controlPlane: { certificateKey: { value: ${key} } }\n`,
        'controlPlane',
        'is only for role: control-plane',
      ],
      [
        'node: { kubeletExtraArgs: { node-labels: a=b } }\n',
        'node.kubeletExtraArgs.node-labels',
        'node.labels',
      ],
      [
        'node:\n  taints: [{ key: a, effect: NoSchedule }, { key: a, effect: NoSchedule }]\n',
        'node.taints[1]',
        'repeats a:NoSchedule',
      ],
      ['users: [{ name: ops }, { name: ops }]\n', 'users[1].name', 'repeats the user'],
      [
        'binaries:\n  source: download\n' +
          `  kubeadm: { url: https://x/kubeadm, hash: sha256-${'0'.repeat(64)} }\n` +
          `  kubelet: { url: https://x/kubelet, hash: sha512-${'0'.repeat(128)} }\n` +
          'ignition: { version: 3.0.0 }\n',
        'binaries.kubeadm.hash',
        'sha256 hashes need ignition.version 3.1.0 or newer',
      ],
      [
        `role: control-plane\ncontrolPlane: { certificateKey: { value: ${key}, secretRef: { namespace: a, name: b, key: c } } }\n`,
        'controlPlane.certificateKey',
        'set exactly one of value, secretRef',
      ],
    ];
    for (const [body, path, message] of cases) {
      const error = catchKindlingError(() => templateFrom(body));
      expect({ path: error.path, rule: error.rule }).toEqual({ path, rule: 'schema' });
      expect(error.message).toContain(`${path}: `);
      expect(error.message).toContain(message);
    }
  });

  it('wants exactly one token source', () => {
    for (const token of [
      '{}',
      `{ value: abcdef.0123456789abcdef, secretRef: { name: bootstrap-token-abcdef } }`,
    ]) {
      const error = problems(`${HEAD}cluster: { bootstrapToken: ${token} }\n`);
      expect(error.message).toContain('cluster.bootstrapToken: set exactly one of value, secretRef');
    }
  });

  it('validates the raw Ignition fragment against the template spec, naming the path inside it', () => {
    const error = catchKindlingError(() =>
      templateFrom('ignition:\n  fragment:\n    storage: { files: [{ path: etc/motd }] }\n'),
    );
    expect({ rule: error.rule, path: error.path }).toEqual({
      rule: 'fragment',
      path: 'ignition.fragment.storage.files[0].path',
    });
    expect(error.message).toContain(
      'ignition.fragment.storage.files[0].path: "etc/motd" is not an absolute path',
    );
    const typo = catchKindlingError(() =>
      templateFrom('ignition:\n  fragment:\n    systemd: { unit: [] }\n'),
    );
    expect(typo.path).toBe('ignition.fragment.systemd.unit');
    const newer = catchKindlingError(() =>
      templateFrom(
        'ignition:\n  version: 3.1.0\n  fragment: { kernelArguments: { shouldExist: [quiet] } }\n',
      ),
    );
    expect(newer.path).toBe('ignition.fragment.kernelArguments');
    const version = catchKindlingError(() =>
      templateFrom('ignition:\n  fragment: { ignition: { version: 3.2.0 } }\n'),
    );
    expect(version.path).toBe('ignition.fragment.ignition.version');
  });

  it('refuses YAML it cannot read with the position only, and more than one document', () => {
    const duplicate = problems(`${HEAD}${SECRET_REF}role: worker\nrole: worker\n`);
    expect({ rule: duplicate.rule, message: duplicate.message }).toEqual({
      rule: 'yaml',
      message: 'node template: YAML duplicate key at line 6, column 1',
    });
    expect(problems(`${HEAD}---\n${SECRET_REF}`).rule).toBe('yaml');
    expect(problems('').message).toContain('(template): must be an object');
    expect(problems('- a\n- b\n').message).toContain('(template): must be an object');
  });

  it('refuses an alias bomb', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    expect(problems(bomb.join('\n')).rule).toBe('yaml');
  });

  it('never repeats a token or certificate key in a message', () => {
    const token = 'abcdef.0123456789ABCDEF';
    const key = 'F'.repeat(64);
    const texts = [
      `${HEAD}cluster: { bootstrapToken: { value: ${token} } }\n`,
      `${HEAD}cluster: { bootstrapToken: { value: ${token}, extra: 1 } }\n`,
      `${HEAD}cluster: { bootstrapToken: { value: ${token} }\n`,
      `${HEAD}cluster: { bootstrapToken: { value: "${token}" , value: "${token}" } }\n`,
      `${HEAD}${SECRET_REF}role: control-plane\ncontrolPlane: { certificateKey: { value: ${key} } }\n`,
      `${HEAD}cluster: { bootstrapToken: { ${token}: x } }\n`,
    ];
    for (const text of texts) {
      const { message } = problems(text);
      expect(message).not.toContain('0123456789ABCDEF');
      expect(message).not.toContain('0123456789abcdef');
      expect(message).not.toContain(key);
    }
  });

  it('refuses labels kubelet would refuse to set on its own node, and accepts the ones it allows', () => {
    for (const key of [
      'node-role.kubernetes.io/worker',
      'kubernetes.io/role',
      'x.k8s.io/y',
      'node-restriction.kubernetes.io/a',
    ]) {
      expect(() => templateFrom(`node: { labels: { ${key}: "1" } }\n`), key).toThrow(
        /kubernetes\.io\/k8s\.io namespaces/,
      );
    }
    const allowed = [
      'node.kubernetes.io/role',
      'a.node.kubernetes.io/b',
      'kubelet.kubernetes.io/x',
      'topology.kubernetes.io/zone',
      'example.com/node-id',
      'plain',
    ];
    for (const key of allowed)
      expect(templateFrom(`node: { labels: { ${key}: v } }\n`).node.labels[key]).toBe('v');
  });

  it('accepts endpoints kubeadm accepts', () => {
    for (const endpoint of [
      '10.0.0.1:6443',
      'api.example.com:443',
      '"[fd00::1]:6443"',
      'API.Example.com:6443',
    ]) {
      const template = parseNodeTemplate(
        `${HEAD}cluster:\n  apiServerEndpoint: ${endpoint}\n  bootstrapToken: { secretRef: { name: bootstrap-token-abcdef } }\n  caCertHashes: [${FIXTURE_CA_HASH}]\n`,
      );
      expect(template.cluster.apiServerEndpoint).toBe(endpoint.replaceAll('"', ''));
    }
    for (const endpoint of [
      '10.0.0.1',
      'api:0',
      'api:65536',
      '"[zz::1]:6443"',
      'https://api:6443',
      'a_b:1',
    ]) {
      expect(
        () =>
          templateFrom(
            `cluster:\n  apiServerEndpoint: ${endpoint}\n  bootstrapToken: { secretRef: { name: bootstrap-token-abcdef } }\n`,
          ),
        endpoint,
      ).toThrow(/host:port/);
    }
  });
});
