import { describe, expect, it } from 'vitest';
import type { ClusterData } from '../../src/templates/ClusterData.ts';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { templateNeeds } from '../../src/templates/templateNeeds.ts';
import { catchKindlingError } from '../payload/expectPayloadError.ts';
import { viewIgnition } from './nodeView.ts';
import {
  FIXTURE_CA_HASH,
  FIXTURE_TOKEN,
  fixtureClusterData,
  readTemplate,
  templateFrom,
} from './templateFixtures.ts';

const KEY = 'c'.repeat(64);
const REF = 'cluster:\n  bootstrapToken: { secretRef: { name: bootstrap-token-abcdef } }\n';

describe('templateNeeds', () => {
  it('asks for the token Secret and all of cluster-info for the default worker', () => {
    expect(templateNeeds(readTemplate('worker'))).toEqual({
      bootstrapTokenSecret: { namespace: 'kube-system', name: 'bootstrap-token-abcdef' },
      clusterInfo: { caCertHashes: true, apiServerEndpoint: true },
      certificateKeySecret: undefined,
      machineName: false,
    });
  });

  it('asks for nothing when the template holds everything', () => {
    expect(templateNeeds(readTemplate('worker-custom'))).toEqual({
      bootstrapTokenSecret: undefined,
      clusterInfo: undefined,
      certificateKeySecret: undefined,
      machineName: false,
    });
  });

  it('asks for the CA hash, the certificate key Secret and the machine name of the control plane', () => {
    expect(templateNeeds(readTemplate('control-plane'))).toEqual({
      bootstrapTokenSecret: undefined,
      clusterInfo: { caCertHashes: true, apiServerEndpoint: false },
      certificateKeySecret: {
        namespace: 'kube-system',
        name: 'kindling-control-plane',
        key: 'certificate-key',
      },
      machineName: true,
    });
  });
});

describe('cluster data', () => {
  const full = fixtureClusterData();

  it('renders a template that holds everything with no cluster data at all', () => {
    expect(renderIgnition({ template: readTemplate('worker-custom') }).length).toBeGreaterThan(0);
  });

  it('lets the template win over the cluster data', () => {
    const template = templateFrom('');
    const other = {
      apiServerEndpoint: 'elsewhere:1',
      caCertHashes: [`sha256:${'e'.repeat(64)}`],
      bootstrapToken: 'zzzzzz.zzzzzzzzzzzzzzzz',
    };
    const join = viewIgnition(renderIgnition({ template, cluster: other })).files.get(
      '/etc/kindling/kubeadm-join.yaml',
    );
    expect(join?.text).toContain('apiServerEndpoint: 192.0.2.10:6443');
    expect(join?.text).toContain(FIXTURE_TOKEN);
    expect(join?.text).toContain(FIXTURE_CA_HASH);
  });

  const failures: [string, string, ClusterData, string, string][] = [
    [
      'no token from the Secret',
      REF,
      { ...full, bootstrapToken: undefined },
      'bootstrapToken',
      'bootstrap-token-abcdef',
    ],
    [
      'a token of another id than the Secret',
      REF,
      { ...full, bootstrapToken: 'zzzzzz.0123456789abcdef' },
      'bootstrapToken',
      'has token id zzzzzz',
    ],
    [
      'a malformed token',
      REF,
      { ...full, bootstrapToken: 'abcdef.0123456789ABCDEF' },
      'bootstrapToken',
      'must be <6',
    ],
    ['no endpoint', REF, { ...full, apiServerEndpoint: undefined }, 'apiServerEndpoint', 'not supplied'],
    [
      'a malformed endpoint',
      REF,
      { ...full, apiServerEndpoint: 'https://a:1' },
      'apiServerEndpoint',
      'host:port',
    ],
    ['no CA hash', REF, { ...full, caCertHashes: [] }, 'caCertHashes', 'not supplied'],
    [
      'a malformed CA hash',
      REF,
      { ...full, caCertHashes: [FIXTURE_CA_HASH, 'sha256:ABC'] },
      'caCertHashes[1]',
      'sha256:',
    ],
    ['no machine name', 'node: { hostname: { policy: machine-name } }\n', {}, 'machineName', 'machine-name'],
    [
      'a machine name that is no hostname',
      'node: { hostname: { policy: machine-name } }\n',
      { machineName: 'Node_1' },
      'machineName',
      'DNS name',
    ],
    [
      'no certificate key from the Secret',
      'role: control-plane\ncontrolPlane: { certificateKey: { secretRef: { namespace: kube-system, name: k, key: k } } }\n',
      {},
      'certificateKey',
      'not supplied',
    ],
    [
      'a malformed certificate key',
      'role: control-plane\ncontrolPlane: { certificateKey: { secretRef: { namespace: kube-system, name: k, key: k } } }\n',
      { certificateKey: KEY.toUpperCase() },
      'certificateKey',
      '64 lower-case hex digits',
    ],
  ];

  it.each(failures)(
    'refuses %s (ERR_RENDER_FAILED naming the field, never the secret)',
    (_, body, cluster, path, text) => {
      const template = templateFrom(body);
      for (const render of [renderIgnition, renderCloudConfig]) {
        const error = catchKindlingError(() => render({ template, cluster }));
        expect({ code: error.code, rule: error.rule, path: error.path }).toEqual({
          code: 'ERR_RENDER_FAILED',
          rule: 'cluster-data',
          path,
        });
        expect(error.message).toContain(text);
        expect(error.message).not.toMatch(/0123456789abcdef|0123456789ABCDEF|cccccccc|CCCCCCCC/);
      }
    },
  );

  it('writes the machine name as hostname and node name when the policy says so', () => {
    const template = templateFrom('node: { hostname: { policy: machine-name } }\n');
    const view = viewIgnition(renderIgnition({ template, cluster: { machineName: 'rack4-node17' } }));
    expect(view.hostname).toBe('rack4-node17');
    expect(view.files.get('/etc/kindling/kubeadm-join.yaml')?.text).toContain('name: rack4-node17');
  });

  it('writes a fixed hostname, and leaves the name alone by default', () => {
    const fixed = viewIgnition(
      renderIgnition({ template: templateFrom('node: { hostname: { policy: fixed, name: edge-1 } }\n') }),
    );
    expect(fixed.hostname).toBe('edge-1');
    const kept = viewIgnition(renderIgnition({ template: templateFrom('') }));
    expect(kept.files.has('/etc/hostname')).toBe(false);
    expect(kept.files.get('/etc/kindling/kubeadm-join.yaml')?.text).not.toContain('name:');
  });
});
