import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../src/payload/validateIgnition.ts';
import { renderCloudConfig } from '../../src/templates/renderCloudConfig.ts';
import { renderIgnition } from '../../src/templates/renderIgnition.ts';
import { fixtureClusterData, readTemplate, TEMPLATE_NAMES, TEMPLATES_DIR } from './templateFixtures.ts';

// fixtures/templates/NAME.yaml → NAME.ignition.json and NAME.cloud-config.yaml, compared exactly.
// `UPDATE_GOLDEN=1 npx vitest run test/templates/golden.test.ts` rewrites them; review the diff.
// The Ignition golden is the rendered bytes indented for review: minifying it must give the bytes back.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cluster = fixtureClusterData();

describe.each(TEMPLATE_NAMES)('fixtures/templates/%s.yaml', (name) => {
  const template = readTemplate(name);
  const ignition = renderIgnition({ template, cluster });
  const cloudConfig = renderCloudConfig({ template, cluster });
  const ignitionGolden = `${TEMPLATES_DIR}${name}.ignition.json`;
  const cloudConfigGolden = `${TEMPLATES_DIR}${name}.cloud-config.yaml`;
  if (UPDATE) {
    writeFileSync(ignitionGolden, `${JSON.stringify(JSON.parse(ignition.toString('utf8')), null, 2)}\n`);
    writeFileSync(cloudConfigGolden, cloudConfig);
  }

  it('renders the Ignition golden file byte for byte', () => {
    expect(existsSync(ignitionGolden), `${ignitionGolden} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    const golden = readFileSync(ignitionGolden, 'utf8');
    // Readable diff first, then the exact bytes.
    expect(JSON.stringify(JSON.parse(ignition.toString('utf8')), null, 2)).toBe(golden.trimEnd());
    expect(ignition.toString('utf8')).toBe(JSON.stringify(JSON.parse(golden)));
  });

  it('renders the #cloud-config golden file byte for byte', () => {
    expect(existsSync(cloudConfigGolden), `${cloudConfigGolden} is missing: run with UPDATE_GOLDEN=1`).toBe(
      true,
    );
    expect(cloudConfig.toString('utf8')).toBe(readFileSync(cloudConfigGolden, 'utf8'));
  });

  it('emits a config that passes every schema and semantic check of its spec', () => {
    const { version } = validateIgnition(JSON.parse(ignition.toString('utf8')));
    expect(version).toBe(template.ignition.version);
  });

  it('gives the same bytes on every render (same ETag, same hash)', () => {
    expect(renderIgnition({ template: readTemplate(name), cluster }).equals(ignition)).toBe(true);
    expect(renderCloudConfig({ template: readTemplate(name), cluster }).equals(cloudConfig)).toBe(true);
  });

  it('starts the cloud-config with the #cloud-config line cloud-init looks for', () => {
    expect(cloudConfig.subarray(0, 14).toString('utf8')).toBe('#cloud-config\n');
  });
});

describe('the fixtures', () => {
  it('include a default worker, a customised worker and a control plane', () => {
    expect(TEMPLATE_NAMES).toEqual(['control-plane', 'worker', 'worker-custom']);
  });
});
