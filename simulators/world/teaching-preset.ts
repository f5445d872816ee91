/**
 * A teaching preset: a scenario with something wrong in it, the messages
 * that show the problem, words for the learner (what is wrong, a hint and a
 * solution, kept apart so the app can reveal them one at a time), the fix
 * as data, and a check on the trace that says when it is fixed.
 *
 * The fix is what a learner would hand over: whole zone texts, as the zone
 * editor passes them to `setZoneText`, or a changed scenario when the
 * problem is in a host's settings rather than in DNS. Tests apply it the
 * same way, so the solution the learner reads is the one that is tested.
 */
import type { DirectMessage } from '../agents/direct-sender.ts';
import type { Check, describeCheck, evaluateCheck } from './checks.ts';
import type { ScenarioInput } from './scenario.ts';
import type { World } from './world.ts';

/** A message the preset sends to show its problem. */
export type PresetMessage =
  /** A user writes it in their mail program, which submits it to their MSA. */
  | {
      readonly kind: 'submit';
      readonly from: string;
      readonly to: readonly string[];
      readonly subject: string;
      readonly body: string;
    }
  /** A host sends it straight to the recipients' MX (a spoofer, a bulk sender). */
  | ({ readonly kind: 'direct'; readonly host: string } & DirectMessage);

/** What fixes a preset. */
export interface PresetFix {
  /** Zone master files after the fix, whole (each names its zone with $ORIGIN). */
  readonly zones?: readonly string[];
  /** The scenario after the fix, when the fix is not in DNS; zones above apply on top. */
  readonly scenario?: ScenarioInput;
}

/** A scenario that teaches. */
export interface TeachingPreset {
  /** Short and stable, for links and lessons: `spf-missing-msa`. */
  readonly id: string;
  readonly title: string;
  readonly scenario: ScenarioInput;
  readonly messages: readonly PresetMessage[];
  /** What the learner sees go wrong, without the answer. Paragraphs split by blank lines; `code` in backticks. */
  readonly problem: string;
  /** Where to look. */
  readonly hint: string;
  /** What to change, and why. */
  readonly solution: string;
  readonly fix: PresetFix;
  /** Holds once the problem is fixed (and the messages sent again). */
  readonly check: Check;
}

/**
 * What the app loads on demand to teach (`loadTeaching`): the presets, and
 * the check evaluator, which the first page does not need either.
 */
export interface TeachingKit {
  readonly presets: readonly TeachingPreset[];
  readonly evaluateCheck: typeof evaluateCheck;
  readonly describeCheck: typeof describeCheck;
}

/** Sends a preset's messages in `world`, in order, at the current virtual time. */
export function sendPresetMessages(world: World, messages: readonly PresetMessage[]): void {
  for (const m of messages) {
    if (m.kind === 'submit') world.send(m.from, { to: m.to, subject: m.subject, body: m.body });
    else {
      const { kind: _kind, host, ...message } = m;
      world.sendDirect(host, message);
    }
  }
}
