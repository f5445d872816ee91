/**
 * Scenario edits the app makes as data: a zone's text replaced, by origin
 * (compared without case and final dot), in place, or added at the end.
 */
import type { ScenarioInput } from '../../../simulators/index.ts';

const bare = (origin: string) => origin.replace(/\.$/, '').toLowerCase();

/** `scenario` with the zone at `origin` holding `text`. */
export function withZoneText(scenario: ScenarioInput, origin: string, text: string): ScenarioInput {
  const zones = scenario.dns.zones ?? [];
  const edited = zones.some((z) => bare(z.origin) === bare(origin))
    ? zones.map((z) => (bare(z.origin) === bare(origin) ? { origin: z.origin, text } : z))
    : [...zones, { origin: bare(origin), text }];
  return { ...scenario, dns: { ...scenario.dns, zones: edited } };
}
