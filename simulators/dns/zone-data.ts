/**
 * Authoritative data for every zone of a world, answering questions the way
 * an authoritative server does (RFC 1034 §4.3.2).
 *
 * SIMPLIFICATION: there are no referrals. The simulated `ns` host serves
 * every zone itself, so NS records are data like any other and a name below
 * a zone cut is answered from the data, not delegated.
 *
 * Theory of operation:
 * - Records are kept by owner name. A name *exists* if it owns records or
 *   has a descendant that does; a name that exists without records is an
 *   empty non-terminal and answers NOERROR with no data (RFC 8020 §2:
 *   NXDOMAIN means nothing exists at or below the name).
 * - A CNAME at the name is followed within the data (RFC 1034 §4.3.2 step
 *   3a): the answer holds the chain of CNAMEs, then the target's records, and
 *   the rcode is the last name's (RFC 6604 §2.1). A loop, or a chain longer
 *   than {@link MAX_CNAME_CHAIN}, is SERVFAIL, as recursive servers give.
 * - A wildcard `*.<closest encloser>` answers for names that do not exist,
 *   with the query name as owner (RFC 4592 §3.3.1); a name that exists, even
 *   as an empty non-terminal, is never matched by a wildcard.
 * - A zone is a set of names under an origin, so {@link ZoneData.replaceZone}
 *   can swap one zone while the others stay, as the zone editor needs.
 */
import type { DnsAnswer, DnsQuery, ResourceRecord } from './records.ts';

/** Longest CNAME chain followed before answering SERVFAIL (BIND follows a similar, small number). */
export const MAX_CNAME_CHAIN = 8;

/** Lower-case (ASCII only, RFC 4343) and without the trailing dot. */
function normalise(name: string): string {
  const lower = name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The parent of a name; undefined for the root. */
function parentOf(name: string): string | undefined {
  if (name === '') return undefined;
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

function isAtOrBelow(name: string, origin: string): boolean {
  return origin === '' || name === origin || name.endsWith(`.${origin}`);
}

/** Identity of a record's data: an RRset holds no duplicates (RFC 2181 §5). */
function sameData(a: ResourceRecord, b: ResourceRecord): boolean {
  return JSON.stringify({ ...a, ttl: 0 }) === JSON.stringify({ ...b, ttl: 0 });
}

/** The records of every zone, and the authoritative answers they give. */
export class ZoneData {
  readonly #byName = new Map<string, ResourceRecord[]>();
  /** Origins given to replaceZone; '' (the root) holds whatever no other zone does. */
  readonly #origins = new Set<string>(['']);
  /** Every name that exists (owners and their ancestors), rebuilt lazily after a change. */
  #existing: Set<string> | undefined;

  /** Data holding `records` (in the root's catch-all zone). */
  static fromRecords(records: Iterable<ResourceRecord>): ZoneData {
    const data = new ZoneData();
    for (const rr of records) data.add(rr);
    return data;
  }

  /** Adds a record; a record equal to one already present (TTL aside) is dropped (RFC 2181 §5). */
  add(rr: ResourceRecord): void {
    const name = normalise(rr.name);
    const record = name === rr.name ? rr : { ...rr, name };
    const list = this.#byName.get(name);
    if (list === undefined) this.#byName.set(name, [record]);
    else if (!list.some((r) => sameData(r, record))) list.push(record);
    this.#existing = undefined;
  }

  /**
   * Replaces the zone at `origin` with `records`. The zone is every name at
   * or below the origin, except names inside another zone registered below
   * it. Records outside the origin are ignored, as BIND ignores out-of-zone
   * data.
   */
  replaceZone(origin: string, records: Iterable<ResourceRecord>): void {
    const zone = normalise(origin);
    this.#origins.add(zone);
    for (const name of [...this.#byName.keys()]) {
      if (this.#zoneOf(name) === zone) this.#byName.delete(name);
    }
    for (const rr of records) if (isAtOrBelow(normalise(rr.name), zone)) this.add(rr);
    this.#existing = undefined;
  }

  /** Every record, grouped by owner name in insertion order. */
  records(): ResourceRecord[] {
    return [...this.#byName.values()].flat();
  }

  /** The authoritative answer to a question (see the theory of operation above). */
  query(q: DnsQuery): DnsAnswer {
    const chain: ResourceRecord[] = [];
    const visited = new Set<string>();
    let name = normalise(q.name);
    for (;;) {
      visited.add(name);
      const found = this.#lookup(name);
      if (found === undefined) return { rcode: 'NXDOMAIN', answers: chain };
      // RFC 1034 §3.6.2: a query for the CNAME type itself gets the alias, not its target.
      const cname = q.type === 'CNAME' ? undefined : found.find((r) => r.type === 'CNAME');
      if (cname === undefined || cname.type !== 'CNAME') {
        return { rcode: 'NOERROR', answers: [...chain, ...found.filter((r) => r.type === q.type)] };
      }
      const target = normalise(cname.target);
      if (visited.has(target) || chain.length >= MAX_CNAME_CHAIN) return { rcode: 'SERVFAIL', answers: [] };
      chain.push(cname);
      name = target;
    }
  }

  /** The records at `name` (synthesised from a wildcard if need be), or undefined if the name does not exist. */
  #lookup(name: string): readonly ResourceRecord[] | undefined {
    const own = this.#byName.get(name);
    if (own !== undefined) return own;
    const existing = this.#existingNames();
    if (existing.has(name)) return []; // an empty non-terminal (RFC 8020 §2)
    // RFC 4592 §3.3.1: the closest encloser is the longest existing ancestor; only its wildcard applies.
    let encloser = parentOf(name);
    while (encloser !== undefined && !existing.has(encloser)) encloser = parentOf(encloser);
    if (encloser === undefined) return undefined;
    const wildcard = this.#byName.get(encloser === '' ? '*' : `*.${encloser}`);
    return wildcard?.map((r) => ({ ...r, name }));
  }

  #existingNames(): Set<string> {
    if (this.#existing === undefined) {
      const existing = new Set<string>();
      for (const owner of this.#byName.keys()) {
        for (let n: string | undefined = owner; n !== undefined && !existing.has(n); n = parentOf(n)) {
          existing.add(n);
        }
      }
      this.#existing = existing;
    }
    return this.#existing;
  }

  /** The registered zone a name belongs to: the longest origin at or above it. */
  #zoneOf(name: string): string {
    for (let n: string | undefined = name; n !== undefined; n = parentOf(n))
      if (this.#origins.has(n)) return n;
    return '';
  }
}
