import { describe, expect, it } from 'vitest';
import { tabKeyTarget } from './tabs.ts';

describe('tabKeyTarget', () => {
  it('moves with the arrow keys, wrapping around, and jumps with Home and End (WAI-ARIA tabs)', () => {
    expect([
      tabKeyTarget('ArrowRight', 0, 4),
      tabKeyTarget('ArrowRight', 3, 4),
      tabKeyTarget('ArrowLeft', 0, 4),
      tabKeyTarget('ArrowLeft', 2, 4),
      tabKeyTarget('Home', 2, 4),
      tabKeyTarget('End', 0, 4),
    ]).toEqual([1, 0, 3, 1, 0, 3]);
  });

  it('leaves other keys, and an empty tab list, to the browser', () => {
    expect([tabKeyTarget('Enter', 0, 4), tabKeyTarget('ArrowDown', 0, 4), tabKeyTarget('End', 0, 0)]).toEqual(
      [undefined, undefined, undefined],
    );
  });
});
