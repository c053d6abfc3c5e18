import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { viewIgnition } from './nodeView.ts';
import {
  fixtureClusterData,
  readTemplate,
  skipWithout,
  TEMPLATE_NAMES,
  templateFrom,
} from './templateFixtures.ts';

// The verdicts of the tools the machines themselves trust: cloud-init's own schema check of every rendered
// #cloud-config (Debian's cloud-init 22.4 package), and systemd's check of the join unit. In CI both tools
// must be installed: a missing one fails the suite rather than skipping it.
const cluster = fixtureClusterData();
const scratch = mkdtempSync(join(tmpdir(), 'kindling-templates-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A template using every field that changes the #cloud-config, its fragment every part that translates. */
function everythingTemplate() {
  const fragment = {
    ignition: { timeouts: { httpTotal: 30 } },
    storage: {
      files: [
        {
          path: '/etc/a',
          contents: { source: `data:;base64,${gzipSync('text\n').toString('base64')}`, compression: 'gzip' },
          user: { name: 'ops' },
        },
        { path: '/etc/b', mode: 0o640, contents: { source: 'data:;base64,AAEC/w==' } },
        { path: '/etc/c' },
        { path: '/opt/tool', mode: 0o755, contents: { source: 'https://example.com/tool' } },
      ],
      directories: [{ path: '/var/lib/extra', mode: 0o700 }],
      links: [
        { path: '/usr/local/bin/tool', target: '/opt/tool' },
        { path: '/etc/d', target: '/etc/c', hard: true },
      ],
    },
    systemd: {
      units: [
        { name: 'x.service', mask: true },
        { name: 'kubelet.service', enabled: true, dropins: [{ name: 'a.conf', contents: '[Service]\n' }] },
      ],
    },
    passwd: { users: [{ name: 'audit', groups: ['audit'] }], groups: [{ name: 'audit' }] },
  };
  return templateFrom(
    'node: { hostname: { policy: fixed, name: edge-1 } }\n' +
      `binaries:\n  source: download\n  kubeadm: { url: https://x/kubeadm, hash: sha256-${'0'.repeat(64)} }\n` +
      `  kubelet: { url: https://x/kubelet, hash: sha512-${'0'.repeat(128)} }\n` +
      `  kubectl: { url: https://x/kubectl, hash: sha256-${'0'.repeat(64)} }\n` +
      'users: [{ name: ops, groups: [sudo], shell: /bin/bash, passwordHash: "$6$salt$hash", sshAuthorizedKeys: [ssh-ed25519 AAAA ops] }]\n' +
      `ignition:\n  fragment: ${JSON.stringify(fragment)}\n`,
  );
}

const PACKAGES: Record<string, string> = { 'cloud-init': 'cloud-init', 'systemd-analyze': 'systemd' };

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    const install = `apt-get install -y --no-install-recommends ${PACKAGES[command] ?? command}`;
    throw new Error(`${command} is not installed, and CI must run this check: ${install}`);
  }
  if (result.error !== undefined) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(skipWithout('cloud-init', "install Debian's cloud-init package to run `cloud-init schema`"))(
  'cloud-init schema --config-file',
  () => {
    const schema = (name: string, text: string | Buffer) => {
      const file = join(scratch, `${name}.cloud-config.yaml`);
      writeFileSync(file, text);
      return run('cloud-init', ['schema', '--config-file', file]);
    };

    it.each(TEMPLATE_NAMES)('accepts the #cloud-config rendered from %s.yaml', (name) => {
      const { status, output } = schema(name, renderCloudConfig({ template: readTemplate(name), cluster }));
      expect(output).toContain('Valid cloud-config');
      expect(status, output).toBe(0);
    });

    it('accepts every construct a template or fragment can produce', () => {
      const { status, output } = schema('everything', renderCloudConfig({ template: everythingTemplate() }));
      expect(output).toContain('Valid cloud-config');
      expect(status, output).toBe(0);
    });

    it.each(['worker-custom', 'everything'])(
      'is read by PyYAML, as cloud-init reads it, as written (%s)',
      (name) => {
        const bytes =
          name === 'everything'
            ? renderCloudConfig({ template: everythingTemplate() })
            : renderCloudConfig({ template: readTemplate(name), cluster });
        const script = 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))';
        const result = spawnSync('/usr/bin/python3', ['-c', script], { input: bytes, encoding: 'utf8' });
        expect(result.status, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual(parse(bytes.toString('utf8'), { version: '1.1' }));
      },
    );

    it('refuses a broken #cloud-config (the check is real)', () => {
      const { status, output } = schema(
        'broken',
        '#cloud-config\nwrite_files:\n  - path: /etc/x\n    permissions: 420\n',
      );
      expect(status).not.toBe(0);
      expect(output).toMatch(/permissions/);
    });
  },
);

describe.skipIf(skipWithout('systemd-analyze', 'install systemd to verify the rendered join unit'))(
  'systemd-analyze verify',
  () => {
    it.each(TEMPLATE_NAMES)('accepts the join unit rendered from %s.yaml', (name) => {
      const node = viewIgnition(renderIgnition({ template: readTemplate(name), cluster }));
      const file = join(scratch, `${name}-kindling-join.service`);
      writeFileSync(file, node.units.get('kindling-join.service')?.contents ?? '');
      const { status, output } = run('systemd-analyze', ['verify', '--man=no', file]);
      expect(status, output).toBe(0);
    });
  },
);
