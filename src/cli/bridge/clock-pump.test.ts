import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../simulators/net/scheduler.ts';
import { Effects } from '../../../simulators/world/effects.ts';
import { ClockPump } from './clock-pump.ts';

describe('ClockPump', () => {
  it('moves the virtual clock to wall time and runs what is due by then', () => {
    const scheduler = new Scheduler();
    let wall = 1_000;
    const ran: number[] = [];
    scheduler.schedule(50, () => ran.push(scheduler.now));
    scheduler.schedule(500, () => ran.push(scheduler.now));
    const pump = new ClockPump(scheduler, { now: () => wall });
    try {
      wall = 1_100;
      pump.pump();
      expect(scheduler.now).toBe(100);
      expect(ran).toEqual([50]);
      wall = 1_600;
      pump.pump();
      expect(ran).toEqual([50, 500]);
      expect(scheduler.now).toBe(600);
    } finally {
      pump.stop();
    }
  });

  it('runs events scheduled for "now" without the clock moving', () => {
    const scheduler = new Scheduler();
    const pump = new ClockPump(scheduler, { now: () => 0 });
    try {
      let ran = false;
      scheduler.schedule(0, () => (ran = true));
      pump.pump();
      expect(ran).toBe(true);
    } finally {
      pump.stop();
    }
  });

  it('reports an event that throws and goes on with the others', () => {
    const scheduler = new Scheduler();
    let wall = 0;
    const errors: unknown[] = [];
    let after = false;
    scheduler.schedule(10, () => {
      throw new Error('boom');
    });
    scheduler.schedule(20, () => (after = true));
    const pump = new ClockPump(scheduler, { now: () => wall, onError: (e) => errors.push(e) });
    try {
      wall = 30;
      pump.pump();
      expect(errors).toHaveLength(1);
      expect(after).toBe(true);
      expect(scheduler.now).toBe(30);
    } finally {
      pump.stop();
    }
  });

  it('wakes up by itself when a timer is due', async () => {
    const scheduler = new Scheduler();
    const pump = new ClockPump(scheduler);
    try {
      const fired = new Promise<void>((resolve) => scheduler.schedule(5, () => resolve()));
      pump.pump();
      await fired;
    } finally {
      pump.stop();
    }
  });

  it('pumps again the moment an effect that held the clock settles (a WebCrypto signature)', async () => {
    const scheduler = new Scheduler();
    const effects = new Effects(scheduler);
    let wall = 0;
    const pump = new ClockPump(scheduler, { now: () => wall, effects, maxSleepMs: 60_000 });
    try {
      const ran: string[] = [];
      let release!: () => void;
      scheduler.schedule(10, () =>
        effects.run(
          () => new Promise<void>((resolve) => (release = resolve)),
          () => ran.push(`resumed at ${scheduler.now}`),
        ),
      );
      scheduler.schedule(20, () => ran.push(`later event at ${scheduler.now}`));
      wall = 50;
      pump.pump();
      // Held at 10: nothing after the effect's start has run, and time has not moved past it.
      expect({ ran, now: scheduler.now, held: scheduler.held }).toEqual({ ran: [], now: 10, held: true });
      release();
      await effects.next();
      await Promise.resolve();
      expect(ran).toEqual(['resumed at 10', 'later event at 20']);
      expect(scheduler.now).toBe(50);
    } finally {
      pump.stop();
    }
  });
});
