/**
 * DNS queries in flight, for the map's animation: every `dns.query` whose
 * `dns.answer` is not in the trace yet is a dot travelling from the asking
 * host to the name server (the query) and back (the answer), placed by
 * virtual time and the link's latency. Pure: the same trace and the same
 * instant give the same dots, so pausing freezes them and stepping moves them.
 */
import type { TraceEvent } from '../../../simulators/index.ts';
import { along, boxEdge, type MapLayout } from './map-layout.ts';

/** One dot on the map. */
export interface DnsFlight {
  readonly id: number;
  readonly from: string;
  readonly server: string;
  /** `query` on the way to the server, `answer` on the way back, `waiting` past the round trip (a timeout is coming). */
  readonly leg: 'query' | 'answer' | 'waiting';
  /** Position now. */
  readonly x: number;
  readonly y: number;
  /** Midpoint of the path, where a static marker goes under reduced motion. */
  readonly midX: number;
  readonly midY: number;
  /** `MX example.net?` on the way there, `answer: MX example.net` on the way back. */
  readonly label: string;
}

/**
 * The queries without answers at `now`. `latency(a, b)` is the one-way delay
 * the map assumes between two hosts (jitter is not known to the view).
 */
export function dnsFlights(
  events: readonly TraceEvent[],
  now: number,
  layout: MapLayout,
  latency: (a: string, b: string) => number,
): DnsFlight[] {
  const open = new Map<number, TraceEvent & { type: 'dns.query' }>();
  for (const e of events) {
    if (e.type === 'dns.query') open.set(e.id, e);
    else if (e.type === 'dns.answer') open.delete(e.id);
  }
  const hosts = new Map(layout.hosts.map((h) => [h.id, h]));
  const flights: DnsFlight[] = [];
  for (const q of open.values()) {
    const ha = hosts.get(q.from);
    const hb = hosts.get(q.server);
    if (!ha || !hb || q.from === q.server) continue;
    // From the edge of one box to the edge of the other.
    const a = boxEdge(ha, hb, layout.hostWidth / 2, layout.hostHeight / 2);
    const b = boxEdge(hb, ha, layout.hostWidth / 2, layout.hostHeight / 2);
    const oneWay = Math.max(latency(q.from, q.server), 1e-9);
    const elapsed = Math.max(0, now - q.at);
    const leg = elapsed < oneWay ? 'query' : elapsed < 2 * oneWay ? 'answer' : 'waiting';
    const p =
      leg === 'query'
        ? along(a, b, elapsed / oneWay)
        : leg === 'answer'
          ? along(b, a, elapsed / oneWay - 1)
          : a;
    const mid = along(a, b, 0.5);
    flights.push({
      id: q.id,
      from: q.from,
      server: q.server,
      leg,
      x: p.x,
      y: p.y,
      midX: mid.x,
      midY: mid.y,
      label:
        leg === 'answer' ? `answer: ${q.query.type} ${q.query.name}` : `${q.query.type} ${q.query.name}?`,
    });
  }
  return flights;
}

/** One-way latency between two hosts as the map knows it: the link's, else the scenario's default. */
export function latencyLookup(
  links: readonly { a: string; b: string; latencyMs: number }[],
  defaultLatencyMs: number,
): (a: string, b: string) => number {
  const byPair = new Map<string, number>();
  for (const l of links) {
    byPair.set(`${l.a}|${l.b}`, l.latencyMs);
    byPair.set(`${l.b}|${l.a}`, l.latencyMs);
  }
  return (a, b) => (a === b ? 0 : (byPair.get(`${a}|${b}`) ?? defaultLatencyMs));
}
