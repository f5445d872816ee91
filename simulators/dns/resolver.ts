/**
 * The resolver every simulated host asks: it answers from the world's
 * {@link ZoneData}, lets a lesson break a name on purpose (a timeout, a
 * SERVFAIL), and counts lookups so SPF's limit of ten DNS-querying terms
 * (RFC 7208 §4.6.4) can be enforced and shown. It has no notion of time: the
 * world's DNS service adds latency, the resolver timeout and trace events
 * around {@link SimResolver.resolve}.
 *
 * Failures come from two places: a lesson calling {@link SimResolver.fail},
 * and the `;@timeout` / `;@servfail` pragmas of zone files, installed per
 * zone with {@link SimResolver.setFaults} so re-applying a zone replaces its
 * own pragmas and nothing else. A lesson's failure wins over a pragma's.
 */
import type { DnsAnswer, DnsQuery, RRType } from './records.ts';
import type { ZoneData } from './zone-data.ts';

/** A failure injected for one name: the server does not answer, or answers SERVFAIL. */
export type InjectedFailure = 'timeout' | 'servfail';

/** A failure for one name, for every type or only some (a zone pragma, see zone-file.ts `ZoneFault`). */
export interface DnsFault {
  readonly kind: InjectedFailure;
  readonly name: string;
  /** Only these types fail; every type when absent or empty. */
  readonly types?: readonly RRType[];
}

/** The failures set for one name: one for every type, and some for given types (which win). */
interface FailureRule {
  all?: InjectedFailure;
  readonly byType: Map<RRType, InjectedFailure>;
}

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

function failed(failure: InjectedFailure): DnsAnswer {
  return { rcode: failure === 'timeout' ? 'TIMEOUT' : 'SERVFAIL', answers: [] };
}

/** A resolver over zone data, with failure injection and lookup accounting. */
export class SimResolver {
  /** The data answers come from; editing it changes later answers. */
  readonly data: ZoneData;
  readonly #failures = new Map<string, FailureRule>();
  /** Faults from zone pragmas, by the source that set them (a zone origin, a file). */
  readonly #faults = new Map<string, readonly DnsFault[]>();
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
   * Answers a question. A failure set for the query's name and type wins over
   * the data. When the data follows a CNAME, a failure set for a name the
   * chain reaches (and the asked type) fails the query the same way, as a
   * recursive resolver chasing the alias to a broken server would.
   */
  resolve(q: DnsQuery): DnsAnswer {
    this.#lookups++;
    for (const counter of this.#counters) counter.count++;
    const direct = this.#failureFor(normalise(q.name), q.type);
    if (direct !== undefined) return failed(direct);
    const answer = this.data.query(q);
    for (const rr of answer.answers) {
      if (rr.type !== 'CNAME' || q.type === 'CNAME') continue;
      const reached = this.#failureFor(normalise(rr.target), q.type);
      if (reached !== undefined) return failed(reached);
    }
    return answer;
  }

  /**
   * Makes every query for `name` fail until {@link SimResolver.clearFailure}:
   * of any type, or only of `types` when given. A failure for given types
   * wins over one for every type.
   */
  fail(name: string, failure: InjectedFailure, types?: readonly RRType[]): void {
    const key = normalise(name);
    let rule = this.#failures.get(key);
    if (rule === undefined) {
      rule = { byType: new Map() };
      this.#failures.set(key, rule);
    }
    if (types === undefined || types.length === 0) rule.all = failure;
    else for (const type of types) rule.byType.set(type, failure);
  }

  /** Lets queries for `name` reach the data again (every failure set with {@link SimResolver.fail}). */
  clearFailure(name: string): void {
    this.#failures.delete(normalise(name));
  }

  /**
   * Replaces the faults set by `source` (a zone's origin, a file name) with
   * `faults`; an empty list removes them. Among the faults of every source,
   * one for the asked type wins over one for every type, then the later one.
   */
  setFaults(source: string, faults: readonly DnsFault[]): void {
    if (faults.length === 0) this.#faults.delete(source);
    else this.#faults.set(source, faults);
  }

  #failureFor(name: string, type: RRType): InjectedFailure | undefined {
    const rule = this.#failures.get(name);
    const injected = rule?.byType.get(type) ?? rule?.all;
    if (injected !== undefined) return injected;
    let forAll: InjectedFailure | undefined;
    let forType: InjectedFailure | undefined;
    for (const faults of this.#faults.values()) {
      for (const fault of faults) {
        if (normalise(fault.name) !== name) continue;
        if (fault.types === undefined || fault.types.length === 0) forAll = fault.kind;
        else if (fault.types.includes(type)) forType = fault.kind;
      }
    }
    return forType ?? forAll;
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
