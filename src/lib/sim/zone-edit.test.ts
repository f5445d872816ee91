import { describe, expect, it } from 'vitest';
import {
  PRESETS,
  findField,
  loadZoneChecks,
  readHeaderSection,
  type StoredMessage,
  type TraceEvent,
} from '../../../simulators/index.ts';
import { Simulation, type FrameScheduler } from './simulation.svelte.ts';

/** Frames that never run: the clock stays paused, as a learner leaves it. */
const noFrames: FrameScheduler = { request: () => 1, cancel: () => {} };

const ALICE = 'alice@example.com';
const BOB = 'bob@example.net';

/** The verdicts of the receiving MTA's checks, as the trace gives them. */
function verdicts(trace: readonly TraceEvent[]) {
  return trace.flatMap((e) =>
    e.type === 'agent' && e.action === 'auth'
      ? [{ spf: e.detail['spf'], dkim: e.detail['dkim'], dmarc: e.detail['dmarc'] }]
      : [],
  );
}

/** The Subject fields of a mailbox's messages. */
function subjects(messages: readonly StoredMessage[] | undefined): string[] {
  return (messages ?? []).map((m) => findField(readHeaderSection(m.raw), 'Subject')?.value.trim() ?? '');
}

async function sendAndSettle(sim: Simulation, subject: string): Promise<void> {
  sim.send(ALICE, { to: [BOB], subject, body: 'hello' });
  await sim.settle();
}

describe('Simulation zone editing', () => {
  const original = new Simulation(PRESETS.default, { frames: noFrames, crypto: null }).zoneText(
    'example.com',
  );
  const withoutMsa = original.replace('"v=spf1 ip4:192.0.2.25 -all"', '"v=spf1 -all"');

  it('lists the scenario’s zones and their text', () => {
    const sim = new Simulation(PRESETS.default, { frames: noFrames, crypto: null });
    expect(sim.zoneOrigins).toEqual([
      'example.com',
      'example.net',
      '2.0.192.in-addr.arpa',
      '100.51.198.in-addr.arpa',
    ]);
    expect(original).toContain('"v=spf1 ip4:192.0.2.25 -all"');
    expect(withoutMsa).not.toBe(original);
  });

  it('serves a saved zone to the next message: SPF fails, DMARC p=reject refuses it, alice gets a bounce', async () => {
    // Without crypto DKIM is skipped, so SPF alone decides DMARC.
    const sim = new Simulation(PRESETS.default, { frames: noFrames, crypto: null });
    await sendAndSettle(sim, 'before');
    const report = sim.applyZone('example.com', withoutMsa);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(sim.trace.at(-1)).toMatchObject({
      type: 'note',
      text: 'ns reloaded zone example.com: 10 records',
    });
    await sendAndSettle(sim, 'after');
    expect(verdicts(sim.trace)).toEqual([
      { spf: 'pass', dkim: ['none'], dmarc: 'pass' },
      { spf: 'fail', dkim: ['none'], dmarc: 'fail' },
    ]);
    expect(subjects(sim.mailboxes[BOB])).toEqual(['before']);
    expect(subjects(sim.mailboxes[ALICE])).toEqual([expect.stringMatching(/^Undelivered Mail/)]);
  });

  it('lets DMARC pass on an aligned DKIM signature when only SPF fails (RFC 7489 §4.2)', async () => {
    const sim = new Simulation(PRESETS.default, { frames: noFrames });
    sim.applyZone('example.com', withoutMsa);
    await sendAndSettle(sim, 'signed');
    expect(verdicts(sim.trace)).toEqual([{ spf: 'fail', dkim: ['pass', 'pass'], dmarc: 'pass' }]);
    expect(subjects(sim.mailboxes[BOB])).toEqual(['signed']);
  });

  it('fails DMARC when the DKIM keys cannot be fetched either (;@servfail), and p=reject bounces it', async () => {
    const sim = new Simulation(PRESETS.default, { frames: noFrames });
    const pragmas =
      ';@servfail rsa2026._domainkey.example.com.\n;@servfail ed2026._domainkey.example.com. TXT\n';
    sim.applyZone('example.com', `${withoutMsa}${pragmas}`);
    await sendAndSettle(sim, 'unsigned');
    expect(verdicts(sim.trace)).toEqual([{ spf: 'fail', dkim: ['temperror', 'temperror'], dmarc: 'fail' }]);
    expect(subjects(sim.mailboxes[BOB])).toEqual([]);
    expect(subjects(sim.mailboxes[ALICE])).toEqual([expect.stringMatching(/^Undelivered Mail/)]);
  });

  it('keeps saved zones across a reset, and a save of the scenario’s text restores it', async () => {
    const sim = new Simulation(PRESETS.default, { frames: noFrames, crypto: null });
    sim.applyZone('example.com', withoutMsa);
    sim.reset();
    expect(sim.zoneText('example.com')).toBe(withoutMsa);
    await sendAndSettle(sim, 'one');
    sim.applyZone('example.com', sim.scenarioZoneText('example.com'));
    await sendAndSettle(sim, 'two');
    expect(verdicts(sim.trace).map((v) => v.spf)).toEqual(['fail', 'pass']);
  });

  it('gives the engine’s checks the other zones the world serves, so includes are followed into them', async () => {
    const { checkZone } = await loadZoneChecks();
    const sim = new Simulation(PRESETS.default, { frames: noFrames, crypto: null });
    const text = original.replace('ip4:192.0.2.25 -all', 'include:example.net +all');
    const check = checkZone(text, sim.zoneCheckOptions('example.com'));
    expect(check.diagnostics.map((d) => d.code)).toEqual(['spf-pass-all']);
    const broken = checkZone(
      original.replace('ip4:192.0.2.25', 'include:nope.example.net'),
      sim.zoneCheckOptions('example.com'),
    );
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['spf-void-lookup', 'spf-include-none']);
    expect(check.terms.filter((t) => t.protocol === 'spf').map((t) => t.text)).toEqual([
      'v=spf1',
      'include:example.net',
      '+all',
    ]);
  });
});
