import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../simulators/index.ts';
import { Simulation, type FrameScheduler } from './simulation.svelte.ts';

/** Animation frames driven by the test: `frame(wallMs)` runs the pending callback. */
function manualFrames() {
  let pending: ((wallMs: number) => void) | undefined;
  let requests = 0;
  const frames: FrameScheduler = {
    request(callback) {
      pending = callback;
      return ++requests;
    },
    cancel() {
      pending = undefined;
    },
  };
  return {
    frames,
    frame(wallMs: number) {
      const run = pending;
      pending = undefined;
      run?.(wallMs);
    },
    get waiting() {
      return pending !== undefined;
    },
  };
}

describe('Simulation', () => {
  it('starts at time 0 with the hosts of the default world', () => {
    const sim = new Simulation(PRESETS.default, { frames: manualFrames().frames });
    expect({
      now: sim.now,
      up: sim.trace.filter((e) => e.type === 'host.up').map((e) => e.type === 'host.up' && e.host),
      hosts: sim.hosts.map((h) => [h.id, h.isUp]),
      playing: sim.playing,
    }).toEqual({
      now: 0,
      up: ['alice-laptop', 'smtp.example.com', 'mx.example.net', 'bob-laptop', 'ns'],
      hosts: [
        ['alice-laptop', true],
        ['smtp.example.com', true],
        ['mx.example.net', true],
        ['bob-laptop', true],
        ['ns', true],
      ],
      playing: false,
    });
  });

  it('steps a lookup to the name server and back, one event at a time', () => {
    const sim = new Simulation(PRESETS.default, { frames: manualFrames().frames });
    sim.runUntilIdle();
    const start = sim.now;
    const before = sim.trace;
    const seq = sim.lookup('mx.example.net', 'Example.NET.', 'MX');
    expect({ seq, query: sim.trace[seq], nextAt: sim.nextAt, replaced: sim.trace !== before }).toEqual({
      seq: before.length,
      query: {
        type: 'dns.query',
        id: 1,
        from: 'mx.example.net',
        server: 'ns',
        query: { name: 'example.net', type: 'MX' },
        purpose: 'asked in the DNS panel',
        seq: before.length,
        at: start,
      },
      nextAt: start + 15,
      replaced: true,
    });

    // The query arrives at the name server: time moves, the trace does not.
    const asked = sim.trace;
    expect(sim.step()).toBe(true);
    expect({ now: sim.now, replaced: sim.trace !== asked }).toEqual({ now: start + 15, replaced: false });

    expect(sim.step()).toBe(true);
    expect({ now: sim.now, answer: sim.trace.at(-1), canStep: sim.canStep }).toEqual({
      now: start + 30,
      answer: {
        type: 'dns.answer',
        id: 1,
        query: { name: 'example.net', type: 'MX' },
        answer: {
          rcode: 'NOERROR',
          answers: [
            {
              name: 'example.net',
              ttl: 3600,
              class: 'IN',
              type: 'MX',
              preference: 10,
              exchange: 'mx.example.net',
            },
          ],
        },
        seq: before.length + 1,
        at: start + 30,
      },
      canStep: false,
    });
    // Nothing is scheduled: step does nothing (the Step button is disabled).
    expect([sim.step(), sim.now]).toEqual([false, start + 30]);
  });

  it('maps wall time × speed onto virtual time while playing, in whole milliseconds', () => {
    const driver = manualFrames();
    const sim = new Simulation(PRESETS.default, { frames: driver.frames });
    sim.play(2);
    driver.frame(1000); // the first frame only notes the wall time
    driver.frame(1016.7);
    driver.frame(1033.4);
    expect(sim.now).toBe(66);
    sim.pause();
    expect([sim.playing, driver.waiting]).toEqual([false, false]);
    driver.frame(2000);
    expect(sim.now).toBe(66);
  });

  it('caps one frame at 100 ms of wall time, so a hidden tab does not jump ahead', () => {
    const driver = manualFrames();
    const sim = new Simulation(PRESETS.default, { frames: driver.frames });
    sim.play(1);
    driver.frame(0);
    driver.frame(60_000);
    expect(sim.now).toBe(100);
  });

  it('advances a fixed slice per frame in manual clock mode, whatever the wall clock says', () => {
    const driver = manualFrames();
    const sim = new Simulation(PRESETS.default, { frames: driver.frames, clock: 'manual' });
    sim.play(0.1);
    for (let i = 0; i < 60; i++) driver.frame(i * 1000);
    expect(sim.now).toBe(100);
  });

  it('advances by 100 ms, and resets to a fresh world from the same scenario', () => {
    const sim = new Simulation(PRESETS.default, { frames: manualFrames().frames });
    const fresh = sim.trace;
    sim.lookup('mx.example.net', 'example.net', 'MX');
    sim.advance();
    expect([sim.now, sim.trace.at(-1)?.type, sim.epoch]).toEqual([100, 'dns.answer', 1]);
    sim.play();
    sim.reset();
    expect([sim.now, sim.trace, sim.epoch, sim.playing]).toEqual([0, fresh, 2, false]);
  });
});
