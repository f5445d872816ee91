import { describe, expect, it } from 'vitest';
import { PRESETS, World } from '../../../simulators/index.ts';
import { layoutSequence, SequenceModel } from './sequence.ts';

function deliveredWorld(): World {
  const world = new World(PRESETS['default']);
  world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Hi', body: 'Hello\n' });
  world.runUntilIdle();
  return world;
}

describe('SequenceModel', () => {
  it('draws the submission in order, with STARTTLS and AUTH marked', () => {
    const world = deliveredWorld();
    const model = new SequenceModel([
      'alice-laptop',
      'smtp.example.com',
      'mx.example.net',
      'bob-laptop',
      'ns',
    ]);
    model.update(world.trace.events);
    const submission = model.groups.find((g) => g.label.endsWith('smtp.example.com:587'))!;
    const arrows = model.arrows.filter((a) => a.conn === submission.conn);
    const labels = arrows.map((a) => `${a.from === 'alice-laptop' ? 'C' : 'S'} ${a.label}`);
    expect(labels[0]).toBe('C SYN → port 587');
    expect(labels[1]).toMatch(/^S 220 smtp\.example\.com ESMTP/);
    expect(labels[2]).toMatch(/^C EHLO /);
    expect(labels.indexOf('C STARTTLS␍␊')).toBeGreaterThan(2);
    const starttls = arrows.filter((a) => a.mark === 'starttls').map((a) => a.label);
    expect(starttls[0]).toBe('STARTTLS␍␊');
    expect(starttls[1]).toMatch(/^220 /);
    expect(starttls).toContain('TLS ClientHello');
    const auth = arrows.filter((a) => a.mark === 'auth');
    expect(auth[0]!.label).toMatch(/^🔒 AUTH /);
    expect(auth.at(-1)!.label).toMatch(/^🔒 235 /);
    const after = arrows.slice(arrows.indexOf(auth.at(-1)!) + 1).map((a) => a.label);
    expect(after[0]).toMatch(/^🔒 MAIL FROM:<alice@example\.com>/);
    expect(after.some((l) => l.startsWith('🔒 250 2.0.0 Ok: queued'))).toBe(true);
    expect(arrows.at(-1)!.kind).toBe('close');
    expect(submission.first).toBe(model.arrows.indexOf(arrows[0]!));
    expect(submission.last).toBe(model.arrows.indexOf(arrows.at(-1)!));
  });

  it('draws DNS questions to the name server and its answers back', () => {
    const model = new SequenceModel();
    model.update(deliveredWorld().trace.events);
    const mx = model.arrows.findIndex((a) => a.label === 'DNS MX example.net?');
    expect(model.arrows[mx]).toMatchObject({ from: 'smtp.example.com', to: 'ns', kind: 'dns' });
    expect(model.arrows.slice(mx).find((a) => a.from === 'ns')!.label).toContain('mx.example.net');
  });

  it('grows by increments to the same model as one pass', () => {
    const events = deliveredWorld().trace.events;
    const once = new SequenceModel();
    once.update(events);
    const stepwise = new SequenceModel();
    for (let n = 0; n <= events.length; n += 7) stepwise.update(events.slice(0, n));
    stepwise.update(events);
    expect(stepwise.arrows).toEqual(once.arrows);
    expect(stepwise.groups).toEqual(once.groups);
    expect(stepwise.update(events)).toBe(false);
  });

  it('lays out the latest arrows only, with groups spanning their lifelines', () => {
    const model = new SequenceModel([
      'alice-laptop',
      'smtp.example.com',
      'mx.example.net',
      'bob-laptop',
      'ns',
    ]);
    model.update(deliveredWorld().trace.events);
    const all = layoutSequence(model);
    expect(all.hidden).toBe(0);
    expect(all.arrows).toHaveLength(model.arrows.length);
    expect(all.lifelines.map((l) => l.host)).toEqual(model.lifelines);
    const windowed = layoutSequence(model, 10);
    expect(windowed.hidden).toBe(model.arrows.length - 10);
    expect(windowed.arrows[0]!.arrow).toBe(model.arrows[model.arrows.length - 10]);
    for (const g of windowed.groups) expect(g.height).toBeGreaterThan(0);
  });
});
