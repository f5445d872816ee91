/**
 * The DNS panel's view of one lookup it asked for: the `dns.query` at a known
 * position in the trace and, once the simulation has run far enough, its
 * `dns.answer`. Read from the trace like every other view.
 */
import type { TraceEvent, TraceEventOf } from '../../../simulators/index.ts';

/** A lookup as the trace tells it. */
export interface LookupView {
  readonly query: TraceEventOf<'dns.query'>;
  readonly answer: TraceEventOf<'dns.answer'> | undefined;
}

/** The query recorded at `seq` and its answer if it has arrived; undefined if `seq` is not a query. */
export function findLookup(events: readonly TraceEvent[], seq: number): LookupView | undefined {
  const query = events[seq];
  if (query?.type !== 'dns.query') return undefined;
  for (let i = seq + 1; i < events.length; i++) {
    const e = events[i];
    if (e?.type === 'dns.answer' && e.id === query.id) return { query, answer: e };
  }
  return { query, answer: undefined };
}

/** The record types the panel offers, in the order `dig` users expect. */
export const LOOKUP_TYPES = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA'] as const;

/**
 * A name as typed, made into the engine's form: trimmed, lower-case, without
 * the trailing dot (names in the engine are absolute and lower-case).
 */
export function normalizeName(typed: string): string {
  return typed.trim().toLowerCase().replace(/\.$/, '');
}
