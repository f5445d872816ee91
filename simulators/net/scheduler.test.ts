import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler.ts';

describe('Scheduler', () => {
  it('runs events in time order, and equal times in the order they were scheduled', () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.schedule(20, () => log.push('b@20'));
    s.schedule(10, () => log.push('a@10'));
    s.schedule(20, () => log.push('c@20'));
    s.schedule(0, () => log.push('z@0'));
    expect(s.runUntilIdle()).toBe(4);
    expect(log).toEqual(['z@0', 'a@10', 'b@20', 'c@20']);
    expect(s.now).toBe(20);
  });

  it('steps one event at a time, moving the clock to each', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    s.schedule(5, () => seen.push(s.now));
    s.schedule(7, () => seen.push(s.now));
    expect(s.step()).toBe(true);
    expect([s.now, seen]).toEqual([5, [5]]);
    expect(s.step()).toBe(true);
    expect(s.step()).toBe(false);
    expect(seen).toEqual([5, 7]);
  });

  it('lets time pass with runFor even when nothing is due', () => {
    const s = new Scheduler();
    const fired: number[] = [];
    s.schedule(150, () => fired.push(s.now));
    expect(s.runFor(100)).toBe(0);
    expect(s.now).toBe(100);
    expect(s.runFor(100)).toBe(1);
    expect([s.now, fired]).toEqual([200, [150]]);
  });

  it('does not run cancelled events, and events scheduled from events run at their own time', () => {
    const s = new Scheduler();
    const log: string[] = [];
    const id = s.schedule(10, () => log.push('cancelled'));
    s.schedule(5, () => s.schedule(1, () => log.push(`nested@${s.now}`)));
    s.cancel(id);
    s.runUntilIdle();
    expect(log).toEqual(['nested@6']);
    expect(s.pending).toBe(0);
  });

  it('serves as an XState clock (setTimeout / clearTimeout on virtual time)', () => {
    const s = new Scheduler();
    const log: number[] = [];
    s.setTimeout(() => log.push(s.now), 300_000);
    const t = s.setTimeout(() => log.push(-1), 10);
    s.clearTimeout(t);
    s.advance(299_999);
    expect(log).toEqual([]);
    s.advance(1);
    expect(log).toEqual([300_000]);
  });

  it('stops runUntilIdle at maxEvents and at `until`', () => {
    const s = new Scheduler();
    const tick = () => s.schedule(10, tick);
    tick();
    expect(s.runUntilIdle({ maxEvents: 5 })).toBe(5);
    expect(s.now).toBe(50);
    expect(s.runUntilIdle({ until: 100 })).toBe(5);
    expect(s.now).toBe(100);
  });

  it('calls afterEach hooks after every event', () => {
    const s = new Scheduler();
    let hooks = 0;
    const remove = s.afterEach(() => hooks++);
    s.schedule(1, () => {});
    s.schedule(2, () => {});
    s.runUntilIdle();
    remove();
    s.schedule(1, () => {});
    s.runUntilIdle();
    expect(hooks).toBe(2);
  });
});

describe('Scheduler holds', () => {
  it('runs nothing and lets no time pass while an effect holds the clock', () => {
    const s = new Scheduler();
    const log: number[] = [];
    s.schedule(10, () => log.push(s.now));
    const release = s.hold();
    expect(s.step()).toBe(false);
    expect(s.runFor(100)).toBe(0);
    expect(s.runUntilIdle()).toBe(0);
    expect([s.now, s.held, log]).toEqual([0, true, []]);
    release();
    release();
    expect(s.held).toBe(false);
    s.runFor(100);
    expect([s.now, log]).toEqual([100, [10]]);
  });

  it('holds a place after what the current event schedules; earlier events of the instant run meanwhile', () => {
    const s = new Scheduler();
    const log: string[] = [];
    const releases: ((continuation?: () => void) => void)[] = [];
    s.schedule(5, () => {
      releases.push(s.hold());
      s.schedule(0, () => log.push('scheduled after the hold, by the same event'));
    });
    s.schedule(5, () => {
      log.push('second event of the instant');
      releases.push(s.hold());
    });
    s.schedule(6, () => log.push('next instant'));
    expect(s.runUntilIdle()).toBe(3);
    expect([s.now, s.held, log]).toEqual([
      5,
      true,
      ['second event of the instant', 'scheduled after the hold, by the same event'],
    ]);
    // Settling out of order changes nothing: each continuation runs in its own place.
    releases[1]!(() => log.push('second effect'));
    expect(s.held).toBe(true);
    releases[0]!(() => log.push('first effect'));
    s.runUntilIdle();
    expect(log).toEqual([
      'second event of the instant',
      'scheduled after the hold, by the same event',
      'first effect',
      'second effect',
      'next instant',
    ]);
  });

  it('places a hold at the end of its event even when the event looks at the queue', () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.schedule(1, () => {
      const release = s.hold();
      // Its place is fixed when the event ends; until then the queue does not show it.
      expect([s.nextAt(), s.held, s.pending]).toEqual([undefined, false, 1]);
      s.schedule(0, () => log.push('scheduled after looking'));
      release(() => log.push('continuation'));
    });
    s.runUntilIdle();
    expect(log).toEqual(['scheduled after looking', 'continuation']);
  });

  it('gives up a place released without a continuation', () => {
    const s = new Scheduler();
    const log: string[] = [];
    let release: (continuation?: () => void) => void = () => {};
    s.schedule(1, () => {
      release = s.hold();
    });
    s.schedule(2, () => log.push('later'));
    s.runUntilIdle();
    expect([s.now, s.held, s.pending, log]).toEqual([1, true, 2, []]);
    release();
    expect([s.held, s.pending]).toEqual([false, 1]);
    s.runUntilIdle();
    expect([s.now, s.eventsRun, log]).toEqual([2, 2, ['later']]);
  });
});

describe('Scheduler bookkeeping', () => {
  it('never cancels a later event with the id of one that already ran', () => {
    const s = new Scheduler();
    const log: string[] = [];
    const first = s.schedule(1, () => log.push('first'));
    s.runUntilIdle();
    const second = s.schedule(1, () => log.push('second'));
    s.cancel(first);
    expect(second).not.toBe(first);
    s.runUntilIdle();
    expect(log).toEqual(['first', 'second']);
  });

  it('keeps order and counts through mass cancellation (compaction)', () => {
    const s = new Scheduler();
    const log: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) ids.push(s.schedule(100 + (i % 7), () => log.push(i)));
    for (let i = 0; i < 5000; i++) if (i % 10 !== 0) s.cancel(ids[i]!);
    expect(s.pending).toBe(500);
    expect(s.runUntilIdle()).toBe(500);
    const kept = Array.from({ length: 500 }, (_, k) => k * 10);
    expect(log).toEqual([...kept].sort((a, b) => (a % 7) - (b % 7) || a - b));
    expect(s.pending).toBe(0);
  });

  it('runs an instant that keeps scheduling into itself in order', () => {
    const s = new Scheduler();
    let count = 0;
    const again = () => {
      if (++count < 5000) s.schedule(0, again);
    };
    s.schedule(3, again);
    s.schedule(3, () => expect(count).toBe(1));
    expect(s.runUntilIdle()).toBe(5001);
    expect([s.now, count]).toEqual([3, 5000]);
  });
});
