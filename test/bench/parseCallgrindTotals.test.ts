import { describe, expect, it } from 'vitest';
import { parseCallgrindTotals } from './instructions.ts';

const DUMP = `version: 1
creator: callgrind-3.19.0
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
fn=(1) main
16 3 1 1 0 0 0 0 0 0 1 0 0 0
summary: 900 400 200 30 20 10 3 2 1 100 7 50 5
`;

describe('parseCallgrindTotals', () => {
  it('reads each event by its name in the events line, whatever the order', () => {
    expect(parseCallgrindTotals(DUMP)).toEqual({
      Ir: 900,
      I1mr: 30,
      D1mr: 20,
      D1mw: 10,
      ILmr: 3,
      DLmr: 2,
      DLmw: 1,
      Bcm: 7,
      Bim: 5,
    });
  });

  it('reads a totals line as well as a summary line', () => {
    expect(parseCallgrindTotals(DUMP.replace('summary:', 'totals:')).Ir).toBe(900);
  });

  it('says which event is missing when the simulation was off', () => {
    const plain = 'events: Ir\nsummary: 900\n';
    expect(() => parseCallgrindTotals(plain)).toThrow(/without I1mr \(cache and branch simulation off\?\)/);
  });

  it('refuses a file that is not a dump', () => {
    expect(() => parseCallgrindTotals('nothing here')).toThrow('callgrind dump without events and totals');
  });
});
