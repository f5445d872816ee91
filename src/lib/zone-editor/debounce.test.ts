import { describe, expect, it } from 'vitest';
import { debounce, type Timers } from './debounce.ts';

/** Timers run by hand: `fire()` runs what is pending. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    set(callback) {
      pending.set(next, callback);
      return next++;
    },
    clear(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    get count() {
      return pending.size;
    },
    fire() {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const c of callbacks) c();
    },
  };
}

describe('debounce', () => {
  it('runs once after a burst of requests', () => {
    const t = manualTimers();
    let runs = 0;
    const d = debounce(() => runs++, 250, t.timers);
    d.request();
    d.request();
    d.request();
    expect([t.count, runs]).toEqual([1, 0]);
    t.fire();
    expect(runs).toBe(1);
  });

  it('runs at once on flush when a run is pending, and not otherwise', () => {
    const t = manualTimers();
    let runs = 0;
    const d = debounce(() => runs++, 250, t.timers);
    d.flush();
    expect(runs).toBe(0);
    d.request();
    d.flush();
    expect([t.count, runs]).toEqual([0, 1]);
  });

  it('forgets a pending run on cancel', () => {
    const t = manualTimers();
    let runs = 0;
    const d = debounce(() => runs++, 250, t.timers);
    d.request();
    d.cancel();
    t.fire();
    d.flush();
    expect([t.count, runs]).toEqual([0, 0]);
  });
});
