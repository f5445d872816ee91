/**
 * DNS as the hosts of a world experience it: a query travels from the asking
 * host to the scenario's name server and the answer travels back, each way
 * taking the link's latency, and both are traced. The answers themselves come
 * from the pure resolver (dns/resolver.ts).
 *
 * SIMPLIFICATION: one name server is authoritative for every zone and is also
 * every host's recursive resolver. By default nothing is cached, so each
 * evaluation's lookups are all visible (a learner counting SPF's ten lookups
 * sees every one). With `caching` on — as a real MTA's local resolver does,
 * and as the TCP bridge runs, where latency is wall time — answers are kept
 * per asking host for their TTL (negative answers for the SOA minimum,
 * RFC 2308 §5) and a hit answers at once, traced as cached.
 */
import type { HostId } from '../core/ids.ts';
import type { DnsAnswer, DnsQuery } from '../dns/records.ts';
import type { SimResolver } from '../dns/resolver.ts';
import type { Network } from '../net/network.ts';
import type { Trace } from '../trace/trace.ts';

/** How long a stub resolver waits before giving up (glibc's default `timeout:5`). */
export const RESOLVER_TIMEOUT_MS = 5_000;

/** Lookups with latency and trace events. */
export class DnsService {
  #nextId = 1;
  /** Answers kept per host and question when `caching` is on; expiry in virtual ms. */
  readonly #cache = new Map<string, { readonly answer: DnsAnswer; readonly expires: number }>();
  /** Cache answers for their TTL (see the module comment). */
  caching = false;

  constructor(
    readonly network: Network,
    readonly trace: Trace,
    readonly resolver: SimResolver,
    readonly server: HostId,
  ) {}

  /**
   * Asks `query` on behalf of host `from`; `done` is called with the answer
   * after the round trip (or after the resolver timeout when the server
   * cannot be reached or a timeout is injected for the name).
   */
  lookup(from: HostId, query: DnsQuery, purpose: string, done: (answer: DnsAnswer) => void): void {
    const id = this.#nextId++;
    const { scheduler } = this.network;
    const key = `${from} ${query.type} ${query.name.toLowerCase()}`;
    const cached = this.caching ? this.#cache.get(key) : undefined;
    if (cached && cached.expires > scheduler.now) {
      this.trace.append({ type: 'dns.query', id, from, server: from, query, purpose: `${purpose} (cached)` });
      scheduler.schedule(0, () => {
        this.trace.append({ type: 'dns.answer', id, query, answer: cached.answer });
        done(cached.answer);
      });
      return;
    }
    this.trace.append({ type: 'dns.query', id, from, server: this.server, query, purpose });
    const finish = (answer: DnsAnswer) => {
      this.trace.append({ type: 'dns.answer', id, query, answer });
      if (this.caching && (answer.rcode === 'NOERROR' || answer.rcode === 'NXDOMAIN'))
        this.#cache.set(key, { answer, expires: scheduler.now + cacheSeconds(answer) * 1000 });
      done(answer);
    };
    const timeout = () => finish({ rcode: 'TIMEOUT', answers: [] });
    if (!this.network.reachable(from, this.server)) {
      scheduler.schedule(RESOLVER_TIMEOUT_MS, timeout, `dns ${id} timeout`);
      return;
    }
    const there = this.network.delay(from, this.server);
    scheduler.schedule(
      there,
      () => {
        // Answered now, so an edit to a zone before the query arrives is seen.
        const answer = this.resolver.resolve(query);
        if (answer.rcode === 'TIMEOUT' || !this.network.reachable(this.server, from)) {
          scheduler.schedule(Math.max(0, RESOLVER_TIMEOUT_MS - there), timeout, `dns ${id} timeout`);
          return;
        }
        scheduler.schedule(this.network.delay(this.server, from), () => finish(answer), `dns ${id} answer`);
      },
      `dns ${id} query`,
    );
  }

  /**
   * Drives a synchronous evaluator that yields DNS queries (SPF, DKIM and
   * DMARC are written so): each yielded query is looked up with latency and
   * the generator resumed with the answer; `done` gets its return value.
   */
  drive<R>(
    from: HostId,
    purpose: string,
    evaluator: Generator<DnsQuery, R, DnsAnswer>,
    done: (r: R) => void,
  ): void {
    const resume = (answer?: DnsAnswer) => {
      const step = answer === undefined ? evaluator.next() : evaluator.next(answer);
      if (step.done) done(step.value);
      else this.lookup(from, step.value, purpose, resume);
    };
    resume();
  }
}

/** How long an answer may be kept: its smallest TTL, or 300 s for a negative answer (RFC 2308 §5). */
function cacheSeconds(answer: DnsAnswer): number {
  if (answer.answers.length === 0) return 300;
  return Math.min(...answer.answers.map((rr) => rr.ttl));
}
