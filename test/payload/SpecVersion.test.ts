import { describe, expect, it } from 'vitest';
import {
  compareSpecVersions,
  isSpecVersion,
  SPEC_VERSIONS,
  type SpecVersion,
} from '../../src/payload/SpecVersion.ts';

describe('compareSpecVersions', () => {
  it('orders every pair of known versions as the list does', () => {
    for (const [i, a] of SPEC_VERSIONS.entries())
      for (const [j, b] of SPEC_VERSIONS.entries())
        expect(Math.sign(compareSpecVersions(a, b)), `${a} against ${b}`).toBe(Math.sign(i - j));
  });

  it('compares versions parsed from a Secret, not only the list’s own strings', () => {
    const parsed = JSON.parse('["3.4.0","3.5.0"]') as SpecVersion[];
    expect(compareSpecVersions(parsed[0] as SpecVersion, '3.5.0')).toBeLessThan(0);
    expect(compareSpecVersions(parsed[1] as SpecVersion, '3.4.0')).toBeGreaterThan(0);
    expect(compareSpecVersions(parsed[0] as SpecVersion, '3.4.0')).toBe(0);
  });
});

describe('isSpecVersion', () => {
  it('knows the stable 3.x specs and nothing else', () => {
    expect(SPEC_VERSIONS.every(isSpecVersion)).toBe(true);
    for (const value of ['2.3.0', '3.7.0', '3.4.0-experimental', '3.4', 340, undefined])
      expect(isSpecVersion(value), String(value)).toBe(false);
  });
});
