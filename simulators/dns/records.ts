/**
 * DNS resource records as the engine knows them (RFC 1035 §3.2, RFC 3596 for
 * AAAA). Names are absolute, lower-case, without the trailing dot
 * (`mx.example.net`); the root is the empty string. TXT data keeps its
 * character-strings apart because SPF and DKIM join them (RFC 7208 §3.3).
 */

/** The record types the simulated DNS serves. */
export const RR_TYPES = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA'] as const;
/** One of {@link RR_TYPES}. */
export type RRType = (typeof RR_TYPES)[number];

/** Type-specific record data. */
export type RData =
  | { readonly type: 'A'; readonly address: string }
  | { readonly type: 'AAAA'; readonly address: string }
  | { readonly type: 'MX'; readonly preference: number; readonly exchange: string }
  | { readonly type: 'TXT'; readonly strings: readonly string[] }
  | { readonly type: 'CNAME'; readonly target: string }
  | { readonly type: 'PTR'; readonly target: string }
  | { readonly type: 'NS'; readonly host: string }
  | {
      readonly type: 'SOA';
      readonly mname: string;
      readonly rname: string;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    };

/** A resource record: owner name, TTL in seconds, class IN, and data. */
export type ResourceRecord = {
  readonly name: string;
  readonly ttl: number;
  readonly class: 'IN';
} & RData;

/** A question, as an evaluator yields it (SPF, DKIM and DMARC are generators over these). */
export interface DnsQuery {
  readonly name: string;
  readonly type: RRType;
}

/**
 * The outcome of a lookup. `NOERROR` with no answers is NODATA (the name
 * exists, the type does not); `NXDOMAIN` means no such name; `SERVFAIL` and
 * `TIMEOUT` are the failures SPF maps to temperror (RFC 7208 §5).
 */
export type DnsRcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT';

/** An answer: the rcode and the records (for a CNAME chain, the CNAMEs first, then the target's records). */
export interface DnsAnswer {
  readonly rcode: DnsRcode;
  readonly answers: readonly ResourceRecord[];
}
