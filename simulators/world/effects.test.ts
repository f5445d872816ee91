import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { Effects } from './effects.ts';

/** What World.settle does: run, and await effects while one holds the clock. */
async function world(scheduler: Scheduler, effects: Effects): Promise<void> {
  for (;;) {
    scheduler.runUntilIdle();
    if (effects.pending === 0) return;
    await effects.next();
  }
}

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('Effects', () => {
  it('holds the clock, then resumes at the same virtual instant in the order the effects began', async () => {
    const scheduler = new Scheduler();
    const effects = new Effects(scheduler);
    const log: string[] = [];
    scheduler.schedule(5, () => {
      effects.run(
        () => later('slow', 30),
        (o) => log.push(`${scheduler.now} ${o.ok && o.value}`),
      );
      effects.run(
        () => later('fast', 1),
        (o) => log.push(`${scheduler.now} ${o.ok && o.value}`),
      );
    });
    scheduler.schedule(6, () => log.push(`${scheduler.now} later event`));
    scheduler.runUntilIdle();
    expect([scheduler.now, scheduler.held, log]).toEqual([5, true, []]);
    while (effects.pending > 0) await effects.next();
    scheduler.runUntilIdle();
    expect(log).toEqual(['5 slow', '5 fast', '6 later event']);
  });

  it('lets the effects of one instant run at the same time, and resumes them in the order they began', async () => {
    const scheduler = new Scheduler();
    const effects = new Effects(scheduler);
    const log: string[] = [];
    const settle: ((value: string) => void)[] = [];
    for (const name of ['a', 'b', 'c'])
      scheduler.schedule(5, () =>
        effects.run(
          () => new Promise<string>((resolve) => settle.push(() => resolve(name))),
          (o) => log.push(`${scheduler.now} ${o.ok && o.value}`),
        ),
      );
    scheduler.schedule(6, () => log.push('6 later event'));
    scheduler.runUntilIdle();
    // All three are under way before any has settled.
    expect([settle.length, effects.pending, scheduler.held, log]).toEqual([3, 3, true, []]);
    settle[2]!('c');
    settle[0]!('a');
    settle[1]!('b');
    await world(scheduler, effects);
    expect(log).toEqual(['5 a', '5 b', '5 c', '6 later event']);
  });

  it('reports a failed effect as an outcome, not an exception', async () => {
    const scheduler = new Scheduler();
    const effects = new Effects(scheduler);
    const outcomes: unknown[] = [];
    effects.run(
      () => Promise.reject(new Error('bad key')),
      (o) => outcomes.push(o.ok ? 'ok' : (o.error as Error).message),
    );
    effects.run(
      () => {
        throw new Error('sync throw');
      },
      (o) => outcomes.push(o.ok ? 'ok' : (o.error as Error).message),
    );
    await effects.next();
    await effects.next();
    scheduler.runUntilIdle();
    expect(outcomes).toEqual(['bad key', 'sync throw']);
  });
});
