import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { Effects } from './effects.ts';

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
