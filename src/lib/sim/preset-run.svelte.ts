/**
 * A teaching preset loaded into the Simulation: sends the preset's messages
 * the way its users and hosts would, applies the documented solution when
 * asked (the same zone texts a learner would type, through `setZoneText`),
 * and tells whether the preset's check holds on the trace, which it
 * re-reads as the simulation publishes. The check evaluator comes with the
 * presets (`loadTeaching`), so neither weighs on the first page.
 */
import type { CheckOutcome, TeachingKit, TeachingPreset } from '../../../simulators/index.ts';
import type { Simulation } from './simulation.svelte.ts';

/** One preset, live in a Simulation. */
export class PresetRun {
  /** Whether the preset is fixed, and what the check saw; follows the trace. */
  readonly outcome: CheckOutcome = $derived.by(() =>
    this.kit.evaluateCheck(this.preset.check, this.sim.trace),
  );
  /** What the check asks for, in words. */
  readonly goal: string;

  /** Loads `preset`'s scenario into `sim` (a fresh world, paused at time 0). */
  constructor(
    readonly sim: Simulation,
    readonly preset: TeachingPreset,
    readonly kit: Pick<TeachingKit, 'evaluateCheck' | 'describeCheck'>,
  ) {
    this.goal = kit.describeCheck(preset.check);
    sim.loadScenario(preset.scenario);
  }

  /** Sends the preset's messages now; the journey shows as the clock runs. */
  send(): void {
    for (const m of this.preset.messages) {
      if (m.kind === 'submit') this.sim.send(m.from, { to: m.to, subject: m.subject, body: m.body });
      else {
        const { kind: _kind, host, ...message } = m;
        this.sim.sendDirect(host, message);
      }
    }
  }

  /**
   * Applies the documented fix: a changed scenario restarts the world with
   * it; zone texts go into the running world, as the zone editor's would.
   */
  applySolution(): void {
    const { scenario, zones = [] } = this.preset.fix;
    if (scenario) this.sim.loadScenario(scenario);
    for (const text of zones) this.sim.setZoneText(text);
  }
}
