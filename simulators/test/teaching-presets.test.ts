/**
 * Every teaching preset, as a learner meets it: send its messages, see the
 * failure in the trace (the specific verdict), apply the documented fix the
 * way the learner would (whole zone texts through setZoneText, in the same
 * running world; or the changed scenario, in a new world), send again and
 * see the preset's check pass.
 */
import { describe, expect, it } from 'vitest';
import { webCryptoDkim } from '../auth/dkim/crypto.ts';
import { evaluateCheck, type Check } from '../world/checks.ts';
import { TEACHING_PRESETS } from '../world/presets/teaching.ts';
import { sendPresetMessages, type TeachingPreset } from '../world/teaching-preset.ts';
import { World } from '../world/world.ts';

const crypto = webCryptoDkim(globalThis.crypto.subtle);

/** The auth verdicts of the last message matching `match`, as the trace records them. */
function lastAuth(world: World, match: { from?: string; to?: string; client?: string; at?: string }) {
  const clientAddress =
    match.client === undefined
      ? undefined
      : (world.scenario.hosts.find((h) => h.id === match.client)?.addresses[0] ?? match.client);
  const found = world.trace.events.flatMap((e) =>
    e.type === 'agent' &&
    e.action === 'auth' &&
    (match.from === undefined || e.detail['from'] === match.from) &&
    (match.to === undefined || (e.detail['to'] as readonly string[]).includes(match.to)) &&
    (clientAddress === undefined || e.detail['client'] === clientAddress) &&
    (match.at === undefined || e.host === match.at)
      ? [e.detail]
      : [],
  );
  return found.at(-1);
}

async function run(world: World, preset: TeachingPreset): Promise<void> {
  sendPresetMessages(world, preset.messages);
  await world.settle();
}

/** The learner's fix: a new world when the scenario changes, then each zone text into the running world. */
function applyFix(world: World, preset: TeachingPreset): World {
  const fixed = preset.fix.scenario ? new World(preset.fix.scenario, { crypto }) : world;
  for (const text of preset.fix.zones ?? []) {
    const report = fixed.setZoneText(text);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  }
  return fixed;
}

const ALICE_BOB = { from: 'alice@example.com', to: 'bob@example.net' };
const bounceToAlice: Check = { type: 'bounce', to: 'alice@example.com' };

/** What each preset shows before the fix (the verdicts), and after it. */
const EXPECTED: Record<
  string,
  {
    readonly match: Parameters<typeof lastAuth>[1];
    readonly before: Record<string, unknown>;
    readonly after: Record<string, unknown>;
    readonly alsoBefore?: Check;
  }
> = {
  'spf-missing-msa': {
    match: ALICE_BOB,
    before: { spf: 'fail', dkim: ['none'], dmarc: 'fail', disposition: 'reject' },
    after: { spf: 'pass', dmarc: 'pass', disposition: 'none' },
    alsoBefore: bounceToAlice,
  },
  'spf-too-many-lookups': {
    match: ALICE_BOB,
    before: { spf: 'permerror', dkim: ['pass', 'pass'], dmarc: 'pass' },
    after: { spf: 'pass', dmarc: 'pass' },
  },
  'spf-plus-all': {
    match: { client: 'attacker' },
    before: { spf: 'pass', dkim: ['none'], dmarc: 'pass', disposition: 'none' },
    after: { spf: 'fail', dmarc: 'fail', disposition: 'reject' },
    alsoBefore: {
      type: 'delivered',
      message: { to: 'bob@example.net', from: 'alice@example.com' },
      which: 'every',
      mailbox: 'INBOX',
    },
  },
  'dkim-selector-missing': {
    match: ALICE_BOB,
    before: { spf: 'pass', dkim: ['permerror'], dmarc: 'pass' },
    after: { spf: 'pass', dkim: ['pass'], dmarc: 'pass' },
  },
  'dkim-list-footer': {
    match: { to: 'bob@example.net', at: 'mx.example.net' },
    before: {
      from: 'club-bounces@lists.example.org',
      spf: 'pass',
      dkim: ['fail', 'fail'],
      dmarc: 'fail',
      disposition: 'reject',
      fromDomain: 'example.com',
    },
    after: { spf: 'pass', dkim: ['fail', 'fail'], dmarc: 'pass', fromDomain: 'lists.example.org' },
  },
  'forwarder-dkim': {
    match: { ...ALICE_BOB, client: 'mx.example.org' },
    before: { spf: 'fail', dkim: ['permerror'], dmarc: 'fail', disposition: 'reject' },
    after: { spf: 'fail', dkim: ['pass'], dmarc: 'pass', disposition: 'none' },
    alsoBefore: bounceToAlice,
  },
  'dmarc-spoof-p-none': {
    match: { client: 'attacker' },
    before: { spf: 'fail', dmarc: 'fail', policy: 'none', disposition: 'none' },
    after: { spf: 'fail', dmarc: 'fail', policy: 'reject', disposition: 'reject' },
    alsoBefore: {
      type: 'reply',
      command: 'end-of-data',
      at: 'mx.example.net',
      client: 'attacker',
      code: '2xx',
    },
  },
  'dmarc-subdomain-policy': {
    match: { from: 'payroll@hr.example.com' },
    before: { dmarc: 'fail', policy: 'none', disposition: 'none', fromDomain: 'hr.example.com' },
    after: { dmarc: 'fail', policy: 'reject', disposition: 'reject' },
    alsoBefore: {
      type: 'auth',
      message: { from: 'alice@example.com', client: 'attacker' },
      disposition: 'reject',
    },
  },
  'dmarc-strict-alignment': {
    match: { from: 'news@news.example.com', to: 'bob@example.net' },
    before: { spf: 'none', dkim: ['pass', 'pass'], dmarc: 'fail', disposition: 'reject' },
    after: { dkim: ['pass', 'pass'], dmarc: 'pass', disposition: 'none' },
  },
  'dmarc-two-records': {
    match: { client: 'attacker' },
    before: { spf: 'fail', dmarc: 'none', disposition: 'none' },
    after: { spf: 'fail', dmarc: 'fail', disposition: 'reject' },
  },
};

describe('teaching presets', () => {
  it('has an expectation for every preset, and ids are unique', () => {
    expect(TEACHING_PRESETS.map((p) => p.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(TEACHING_PRESETS.map((p) => [p.id, p] as const))(
    '%s: fails as described, and the documented fix makes its check pass',
    async (id, preset) => {
      const expected = EXPECTED[id]!;
      const world = new World(preset.scenario, { crypto });
      expect(world.zoneReports.size).toBeGreaterThan(0);
      for (const report of world.zoneReports.values())
        expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);

      await run(world, preset);
      expect(lastAuth(world, expected.match)).toMatchObject(expected.before);
      expect(evaluateCheck(preset.check, world.trace.events)).toMatchObject({ pass: false });
      if (expected.alsoBefore) expect(evaluateCheck(expected.alsoBefore, world.trace.events).pass).toBe(true);

      const fixed = applyFix(world, preset);
      await run(fixed, preset);
      expect(lastAuth(fixed, expected.match)).toMatchObject(expected.after);
      const outcome = evaluateCheck(preset.check, fixed.trace.events);
      expect(outcome, outcome.seen.join('\n')).toMatchObject({ pass: true });
    },
  );

  it('gives each preset words for the learner: a problem, a hint and a solution, all different', () => {
    for (const p of TEACHING_PRESETS) {
      expect(p.title.length).toBeGreaterThan(5);
      expect(new Set([p.problem, p.hint, p.solution]).size).toBe(3);
      expect(p.fix.zones !== undefined || p.fix.scenario !== undefined).toBe(true);
    }
  });
});
