/**
 * Building blocks of the teaching presets: each is the default world with a
 * few edits, written as edits so that a preset file shows only what it
 * changes.
 */
import type { PresetMessage } from '../teaching-preset.ts';
import type { ScenarioInput } from '../scenario.ts';
import { defaultScenario } from './default.ts';

type Host = ScenarioInput['hosts'][number];
type Link = NonNullable<ScenarioInput['links']>[number];

/** The default world every preset starts from. */
export const base = defaultScenario;

/** The text of zone `origin` in `scenario`. */
export function zoneOf(scenario: ScenarioInput, origin: string): string {
  const zone = scenario.dns.zones?.find((z) => z.origin === origin);
  if (zone === undefined) throw new Error(`no zone ${origin} in ${scenario.name}`);
  return Array.isArray(zone.text) ? zone.text.join('\n') : (zone.text as string);
}

/** `text` with `find` replaced by `by`; throws when `find` is not there (a preset that no longer fits its base). */
export function replaced(text: string, find: string | RegExp, by: string): string {
  const out = text.replace(find, by);
  if (out === text) throw new Error(`preset edit found nothing to replace: ${String(find)}`);
  return out;
}

/** `scenario` with zone `origin` passed through `edit`, or added when `edit` is a text and there is none. */
export function withZone(
  scenario: ScenarioInput,
  origin: string,
  edit: string | ((text: string) => string),
): ScenarioInput {
  const zones = scenario.dns.zones ?? [];
  const exists = zones.some((z) => z.origin === origin);
  const text = typeof edit === 'string' ? edit : edit(zoneOf(scenario, origin));
  return {
    ...scenario,
    dns: {
      ...scenario.dns,
      zones: exists
        ? zones.map((z) => (z.origin === origin ? { origin, text } : z))
        : [...zones, { origin, text }],
    },
  };
}

/** `scenario` with more hosts and links. */
export function withHosts(
  scenario: ScenarioInput,
  hosts: readonly Host[],
  links: readonly Link[],
): ScenarioInput {
  return {
    ...scenario,
    hosts: [...scenario.hosts, ...hosts],
    links: [...(scenario.links ?? []), ...links],
  };
}

/** `scenario` signing with only the DKIM keys whose selectors are named (none: no DKIM at all). */
export function signingWith(scenario: ScenarioInput, selectors: readonly string[]): ScenarioInput {
  return { ...scenario, dkim: (scenario.dkim ?? []).filter((k) => selectors.includes(k.selector)) };
}

/** The default example.com zone's DKIM key records (and the comment above them). */
export const DKIM_KEY_RECORDS = /; DKIM keys[^\n]*\n[\s\S]*?ed2026\._domainkey[^\n]*\n/;
/** The rsa2026 record alone (three lines: it is long). */
export const RSA_KEY_RECORD = /rsa2026\._domainkey IN TXT \([^)]*\)\n/;
/** The ed2026 record. */
export const ED_KEY_RECORD = /ed2026\._domainkey {2}IN TXT "[^"]*"\n/;
/** example.com's SPF record line. */
export const EXAMPLE_COM_SPF = '        IN TXT  "v=spf1 ip4:192.0.2.25 -all"';
/** example.com's DMARC record line. */
export const EXAMPLE_COM_DMARC = '_dmarc  IN TXT  "v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"';

/** A host on the internet that sends mail in other people's names. */
export const ATTACKER: Host = {
  id: 'attacker',
  label: 'Attacker',
  addresses: ['203.0.113.66'],
  roles: [],
  site: 'internet',
};
/** Only the link it attacks over is drawn; its DNS lookups cross the internet at the default latency. */
export const ATTACKER_LINKS: readonly Link[] = [{ between: ['attacker', 'mx.example.net'], latencyMs: 30 }];

/** Alice's everyday message to Bob. */
export const ALICE_TO_BOB: PresetMessage = {
  kind: 'submit',
  from: 'alice@example.com',
  to: ['bob@example.net'],
  subject: 'Lunch on Friday?',
  body: 'Noon at the usual place?\n\nAlice\n',
};

/** The attacker's message: Alice's name in From: and in MAIL FROM, sent from the attacker's own host. */
export function spoof(from = 'Alice <alice@example.com>', mailFrom = 'alice@example.com'): PresetMessage {
  return {
    kind: 'direct',
    host: 'attacker',
    helo: 'mail.attacker.example',
    mailFrom,
    from,
    to: ['bob@example.net'],
    subject: 'Please pay this invoice today',
    body: 'Hi Bob, the supplier needs the money today: the bank details are in the attachment.\n\nThanks\n',
  };
}

/** A zone at `origin` with the usual SOA and NS, then `records`. */
export function zoneFile(origin: string, records: readonly string[]): string {
  return [
    `$ORIGIN ${origin}.`,
    '$TTL 3600',
    `@       IN SOA  ns.example.com. hostmaster.${origin}. ( 2026112901 3600 900 604800 300 )`,
    '        IN NS   ns.example.com.',
    ...records,
    '',
  ].join('\n');
}
