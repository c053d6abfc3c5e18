import { describe, expect, it } from 'vitest';
import { formatDuration, rfc3339 } from '../../../src/cli/token/format/timeFormat.ts';
import { printTable } from '../../../src/cli/token/list/printTable.ts';
import { pointTemplateAtBootstrapToken } from '../../../src/cli/token/pool/pointTemplateAtBootstrapToken.ts';
import { parseNodeTemplate } from '../../../src/templates/parseNodeTemplate.ts';

describe('printTable', () => {
  it('pads columns to the widest cell, without trailing spaces', () => {
    expect(
      printTable(
        ['POOL', 'STATUS'],
        [
          ['workers', 'ok'],
          ['gpu', 'refused: bad-uuid'],
        ],
      ),
    ).toBe('POOL     STATUS\nworkers  ok\ngpu      refused: bad-uuid\n');
  });
});

describe('time formats', () => {
  it('writes RFC 3339 in whole seconds and shows the two largest units', () => {
    expect(rfc3339(Date.parse('2026-03-01T12:00:00.999Z'))).toBe('2026-03-01T12:00:00Z');
    expect([0, 45_000, 200_000, 3_600_000, 5_400_000, 90_061_000].map(formatDuration)).toEqual([
      '0s',
      '45s',
      '3m20s',
      '1h',
      '1h30m',
      '1d1h',
    ]);
  });
});

describe('pointTemplateAtBootstrapToken', () => {
  it('replaces cluster.bootstrapToken by a secretRef and keeps the rest, comments included', () => {
    const text = `# workers\napiVersion: kindling.dev/v1\nkind: NodeTemplate\ncluster:\n  apiServerEndpoint: 192.0.2.10:6443 # the VIP\n  bootstrapToken: { value: abcdef.0123456789abcdef }\n`;
    const edited = pointTemplateAtBootstrapToken(text, 'bootstrap-token-z9y8x7');
    expect(edited).toContain('# workers');
    expect(edited).toContain('# the VIP');
    expect(edited).not.toContain('0123456789abcdef');
    expect(parseNodeTemplate(edited).cluster).toEqual({
      apiServerEndpoint: '192.0.2.10:6443',
      bootstrapToken: { secretRef: { name: 'bootstrap-token-z9y8x7' } },
    });
  });
});
