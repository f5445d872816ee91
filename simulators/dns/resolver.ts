/**
 * The resolver every simulated host asks: it answers from the world's
 * {@link ZoneData}, lets a lesson break a name on purpose (a timeout, a
 * SERVFAIL), and counts lookups so SPF's limit of ten DNS-querying terms
 * (RFC 7208 §4.6.4) can be enforced and shown. It has no notion of time: the
 * world's DNS service adds latency, the resolver timeout and trace events
 * around {@link SimResolver.resolve}.
 */
import type { DnsAnswer, DnsQuery } from './records.ts';
import type { ZoneData } from './zone-data.ts';

/** A failure injected for one name: the server does not answer, or answers SERVFAIL. */
export type InjectedFailure = 'timeout' | 'servfail';

/** Counts the queries made between {@link SimResolver.startCount} and {@link LookupCounter.stop}. */
export interface LookupCounter {
  /** Queries made while this counter was active. */
  readonly count: number;
  /** Stops counting; `count` keeps its value. */
  stop(): void;
}

/** Lower-case (ASCII only, RFC 4343) and without the trailing dot, as records store names. */
function normalise(name: string): string {
  const lower = name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** A resolver over zone data, with failure injection and lookup accounting. */
export class SimResolver {
  /** The data answers come from; editing it changes later answers. */
  readonly data: ZoneData;
  readonly #failures = new Map<string, InjectedFailure>();
  readonly #counters = new Set<{ count: number }>();
  #lookups = 0;

  constructor(data: ZoneData) {
    this.data = data;
  }

  /** Every query answered since the resolver was made, failed ones included. */
  get lookups(): number {
    return this.#lookups;
  }

  /**
   * Answers a question. A failure injected for the query's exact name wins
   * over the data, whatever the type; a name reached through a CNAME is not
   * affected (SIMPLIFICATION: a real resolver would fail there too, but
   * lessons break the name they ask about).
   */
  resolve(q: DnsQuery): DnsAnswer {
    this.#lookups++;
    for (const counter of this.#counters) counter.count++;
    const failure = this.#failures.get(normalise(q.name));
    if (failure === 'timeout') return { rcode: 'TIMEOUT', answers: [] };
    if (failure === 'servfail') return { rcode: 'SERVFAIL', answers: [] };
    return this.data.query(q);
  }

  /** Makes every query for `name` (any type) fail until {@link SimResolver.clearFailure}. */
  fail(name: string, failure: InjectedFailure): void {
    this.#failures.set(normalise(name), failure);
  }

  /** Lets queries for `name` reach the data again. */
  clearFailure(name: string): void {
    this.#failures.delete(normalise(name));
  }

  /** Starts a counter of the queries made from now until its `stop()`; counters may overlap. */
  startCount(): LookupCounter {
    const state = { count: 0 };
    this.#counters.add(state);
    return {
      get count() {
        return state.count;
      },
      stop: () => {
        this.#counters.delete(state);
      },
    };
  }
}
