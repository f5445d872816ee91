/**
 * What the record checks of SPF, DMARC and DKIM share: the problem they
 * report, in the coordinates of the record's joined text, and the DNS they
 * may look at. record-lint.ts turns problems into zone diagnostics.
 *
 * The DNS a check sees is the zones at hand (the one being edited and the
 * other zones of the world, or just the file for `check-zone`). A name in
 * none of them is *unknown*, not missing: the real DNS would have to be
 * asked, so nothing is concluded about it.
 */
import type { DnsAnswer, ResourceRecord, RRType } from '../dns/records.ts';
import { ZoneData } from '../dns/zone-data.ts';

/** A replacement of characters `[start, end)` of a record's joined text. */
export interface RecordReplacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A way to fix a problem: change the record's text, or delete the whole record. */
export type RecordFix =
  | { readonly title: string; readonly replace: readonly RecordReplacement[] }
  | { readonly title: string; readonly removeRecord: true };

/** A problem found in one record, placed by 0-based positions in its joined text. */
export interface RecordProblem {
  readonly severity: 'error' | 'warning';
  /** Stable, e.g. `spf-too-many-lookups`; see record-lint.ts for the list. */
  readonly code: string;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  readonly fixes?: readonly RecordFix[];
}

/** The zones a check may look into. */
export interface KnownDns {
  /** The answer the zones give, or undefined when the name is in none of them. */
  query(name: string, type: RRType): DnsAnswer | undefined;
}

/** A zone's origin and records. */
export interface ZoneRecords {
  readonly origin: string;
  readonly records: readonly ResourceRecord[];
}

function isAtOrBelow(name: string, origin: string): boolean {
  return name === origin || name.endsWith(`.${origin}`);
}

/**
 * The DNS of some zones, answered as the simulated name server answers
 * (CNAMEs, wildcards, empty non-terminals: {@link ZoneData}). A zone without
 * an origin ('') knows only the names it has records for.
 */
export function knownDns(zones: readonly ZoneRecords[]): KnownDns {
  const data = new ZoneData();
  const origins: string[] = [];
  const owners = new Set<string>();
  for (const zone of zones) {
    if (zone.origin === '') {
      for (const rr of zone.records) {
        data.add(rr);
        owners.add(rr.name);
      }
    } else {
      origins.push(zone.origin);
      data.replaceZone(zone.origin, zone.records);
    }
  }
  return {
    query(name, type) {
      const known = owners.has(name) || origins.some((origin) => isAtOrBelow(name, origin));
      return known ? data.query({ name, type }) : undefined;
    },
  };
}

/** The records of the asked type in an answer (a CNAME chain's aliases are skipped). */
export function recordsOf(answer: DnsAnswer, type: RRType): readonly ResourceRecord[] {
  return answer.rcode === 'NOERROR' ? answer.answers.filter((r) => r.type === type) : [];
}

/** The TXT texts at a name, each RR's strings joined (RFC 7208 §3.3); undefined when the name is unknown. */
export function txtTexts(dns: KnownDns, name: string): string[] | undefined {
  const answer = dns.query(name, 'TXT');
  if (answer === undefined) return undefined;
  return recordsOf(answer, 'TXT').map((r) => (r.type === 'TXT' ? r.strings.join('') : ''));
}

/** The end of the item starting at `start`: the next character in `stops`, or the end of the text. */
export function itemEnd(text: string, start: number, stops: string): number {
  let i = start;
  while (i < text.length && !stops.includes(text[i]!)) i++;
  return i;
}
