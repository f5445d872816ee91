import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.ts';

describe('SeededRandom', () => {
  it('gives equal sequences for equal seeds and different ones for different seeds', () => {
    const a = new SeededRandom('mailroom');
    const b = new SeededRandom('mailroom');
    const c = new SeededRandom('mailroom2');
    const seq = (r: SeededRandom) => Array.from({ length: 8 }, () => r.nextUint32());
    const sa = seq(a);
    expect(seq(b)).toEqual(sa);
    expect(seq(c)).not.toEqual(sa);
  });

  it('keeps next() in [0, 1) and int() within bounds', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
        const r = new SeededRandom(seed);
        const x = r.next();
        const n = r.int(min, min + span);
        return x >= 0 && x < 1 && n >= min && n <= min + span && Number.isInteger(n);
      }),
      { numRuns: 200 },
    );
  });

  it('forks children that depend on the label, not on later draws of the parent', () => {
    const p1 = new SeededRandom(1);
    const p2 = new SeededRandom(1);
    const f1 = p1.fork('net');
    p2.fork('other');
    const f2 = p2.fork('net');
    expect(f1.nextUint32()).toBe(f2.nextUint32());
    expect(new SeededRandom(1).fork('a').nextUint32()).not.toBe(new SeededRandom(1).fork('b').nextUint32());
  });
});
