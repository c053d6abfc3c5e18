import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADVERTISE_UNIT } from '../../src/templates/advertisePart.ts';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { parseUnit, unitValues, viewCloudConfig, viewIgnition } from '../templates/nodeView.ts';
import { findTool, fixtureClusterData, readTemplate } from '../templates/templateFixtures.ts';

// The advertise unit in the rendered payload (issue "Render"), read back from both formats.
const cluster = fixtureClusterData();
const scratch = mkdtempSync(join(tmpdir(), 'kindling-advertise-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FORMATS = {
  ignition: (name: string) => viewIgnition(renderIgnition({ template: readTemplate(name), cluster })),
  'cloud-config': (name: string) =>
    viewCloudConfig(renderCloudConfig({ template: readTemplate(name), cluster })),
};

describe.each(Object.entries(FORMATS))('%s output', (_format, view) => {
  it.each(['worker', 'worker-custom', 'control-plane'])(
    'of %s starts the advertise unit at every boot, after the network, holding up neither the join nor the boot',
    (name) => {
      const node = view(name);
      const advertise = node.units.get(ADVERTISE_UNIT);
      expect(advertise?.enabled).toBe(true);
      const unit = parseUnit(advertise?.contents ?? '');
      expect(unitValues(unit, 'Unit', 'After')).toEqual(['network-online.target']);
      expect(unitValues(unit, 'Unit', 'Wants')).toEqual(['network-online.target']);
      expect(unitValues(unit, 'Unit', 'ConditionPathExists')).toEqual([
        '/etc/kindling/advertise-url',
        '/etc/kindling/authorization',
      ]);
      for (const key of ['Before', 'RequiredBy', 'Requires', 'BindsTo']) {
        expect(unitValues(unit, 'Unit', key), key).toEqual([]);
      }
      expect(unitValues(unit, 'Service', 'Type')).toEqual(['simple']);
      expect(unitValues(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
      const join = parseUnit(node.units.get('kindling-join.service')?.contents ?? '');
      for (const key of ['After', 'Wants', 'Requires']) {
        expect(unitValues(join, 'Unit', key)).not.toContain(ADVERTISE_UNIT);
      }
      expect(node.files.get('/opt/kindling/advertise.sh')?.mode).toBe(0o700);
    },
  );

  it('names the node as the join will: fixed at render, from the machine id, or left to the hostname', () => {
    const script = (name: string) => view(name).files.get('/opt/kindling/advertise.sh')?.text ?? '';
    expect(script('control-plane')).toContain('\nnode_name=cp-2\n');
    expect(script('worker-custom')).toContain('\nnode_name=gpu-"$(head -c 12 "$root/etc/machine-id")"\n');
    expect(script('worker')).toContain("\nnode_name=''\n");
  });
});

describe.skipIf(findTool('systemd-analyze') === undefined)('systemd-analyze verify', () => {
  it('accepts the advertise unit', () => {
    const node = FORMATS.ignition('worker');
    const file = join(scratch, ADVERTISE_UNIT);
    writeFileSync(file, node.units.get(ADVERTISE_UNIT)?.contents ?? '');
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });
});
