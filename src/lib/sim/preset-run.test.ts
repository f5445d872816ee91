import { describe, expect, it } from 'vitest';
import { loadTeaching, PRESETS } from '../../../simulators/index.ts';
import { PresetRun } from './preset-run.svelte.ts';
import { Simulation, type FrameScheduler } from './simulation.svelte.ts';

const frames: FrameScheduler = { request: () => 0, cancel: () => {} };

async function preset(id: string) {
  const found = (await loadTeaching()).presets.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
}

describe('Simulation: scenarios and zone text', () => {
  it('loads another scenario as a fresh world, and shows its hosts and users', async () => {
    const sim = new Simulation(PRESETS.default, { frames, crypto: null });
    sim.loadScenario((await preset('spf-plus-all')).scenario);
    expect([sim.now, sim.epoch, sim.hosts.map((h) => h.id).at(-1), sim.scenario.name]).toEqual([
      0,
      2,
      'attacker',
      'spf-plus-all',
    ]);
  });

  it('applies setZoneText to the running world at once, and keeps it through a reset', () => {
    const sim = new Simulation(PRESETS.default, { frames, crypto: null });
    const text = (PRESETS.default!.dns.zones![0]!.text as string).replace('ip4:192.0.2.25', 'ip4:192.0.2.99');
    const txt = () => {
      const seq = sim.lookup('mx.example.net', 'example.com', 'TXT');
      sim.runUntilIdle();
      const answer = sim.trace.find((e) => e.type === 'dns.answer' && e.seq > seq);
      return answer?.type === 'dns.answer' && answer.answer.answers[0]?.type === 'TXT'
        ? answer.answer.answers[0].strings.join('')
        : undefined;
    };
    expect(sim.setZoneText(text)).toMatchObject({ diagnostics: [] });
    expect(txt()).toBe('v=spf1 ip4:192.0.2.99 -all');
    sim.reset();
    expect(txt()).toBe('v=spf1 ip4:192.0.2.99 -all');
    expect(sim.scenario.dns.zones.map((z) => z.origin)).toEqual(
      PRESETS.default!.dns.zones!.map((z) => z.origin),
    );
  });
});

describe('PresetRun', () => {
  it('sends the preset’s mail, reads its check off the trace, and is fixed once the solution is applied', async () => {
    const sim = new Simulation(PRESETS.default, { frames, crypto: null });
    const run = new PresetRun(sim, await preset('spf-missing-msa'), await loadTeaching());
    expect(run.outcome).toEqual({
      pass: false,
      seen: ['no message from alice@example.com to bob@example.net has been checked yet'],
    });
    expect(run.goal).toBe(
      'the last message from alice@example.com to bob@example.net has spf=pass, dmarc=pass',
    );
    run.send();
    expect(sim.submissions.map((s) => [s.from, s.to])).toEqual([['alice@example.com', ['bob@example.net']]]);
    sim.runUntilIdle();
    expect(run.outcome).toEqual({
      pass: false,
      seen: [
        'mx.example.net checked alice@example.com → bob@example.net from smtp.example.com: spf=fail dkim=none dmarc=fail; refused',
      ],
    });
    run.applySolution();
    run.send();
    sim.runUntilIdle();
    expect(run.outcome.pass).toBe(true);
  });

  it('sends a spoofer’s message from its host, and restarts the world for a fix in the scenario', async () => {
    const sim = new Simulation(PRESETS.default, { frames, crypto: null });
    const spoofed = new PresetRun(sim, await preset('dmarc-spoof-p-none'), await loadTeaching());
    spoofed.send();
    sim.runUntilIdle();
    expect(sim.trace.some((e) => e.type === 'agent' && e.host === 'attacker' && e.action === 'sent')).toBe(
      true,
    );

    const list = new PresetRun(sim, await preset('dkim-list-footer'), await loadTeaching());
    const epoch = sim.epoch;
    list.applySolution();
    expect([sim.epoch, sim.scenario.hosts.at(-1)?.lists?.[0]?.rewriteFrom]).toEqual([epoch + 1, true]);
  });
});
