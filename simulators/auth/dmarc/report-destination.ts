/**
 * Before a receiver mails an aggregate report, it checks each `rua`
 * destination (RFC 9990 §4, RFC 7489 §7.1): a `mailto:` host within the
 * Policy Domain's Organizational Domain may be used; a host of another
 * organisation must publish a `v=DMARC1` TXT record at
 * `<policy domain>._report._dmarc.<host>`, or the URI is ignored. This is
 * the evaluator's own check (evaluate.ts `authorizeReports`), run again at
 * sending time, as a generator of DNS queries, so that the report's own
 * lookups show in the trace.
 */
import type { DnsAnswer, DnsQuery } from '../../dns/records.ts';
import { organizationalDomain, type State } from './discovery.ts';
import { authorizeReports } from './evaluate.ts';
import type { DmarcMode, DmarcUri } from './record.ts';
import type { DmarcStep } from './types.ts';

/** Which destinations may receive the report. */
export interface DestinationCheck {
  /** The authorised URIs, in the record's order. */
  readonly uris: readonly string[];
  /** Why each URI was kept or dropped (`report-uri` steps among the lookups). */
  readonly steps: readonly DmarcStep[];
  readonly warnings: readonly string[];
}

/** Checks the `rua` URIs of `policyDomain`'s record. */
export function* authorizeReportDestinations(
  policyDomain: string,
  rua: readonly DmarcUri[],
  mode: DmarcMode,
): Generator<DnsQuery, DestinationCheck, DnsAnswer> {
  const st: State = { mode, steps: [], cache: new Map(), orgDomains: new Map(), queries: 0, walks: 0 };
  const org = yield* organizationalDomain(st, policyDomain);
  const warnings: string[] = [];
  const uris = yield* authorizeReports(
    st,
    policyDomain,
    org.ok ? org.domain : undefined,
    'rua',
    rua,
    warnings,
  );
  return { uris, steps: st.steps, warnings };
}

/** The address of a `mailto:` URI (RFC 6068), without its `?` fields; undefined for other URIs. */
export function mailtoAddress(uri: string): string | undefined {
  const m = /^mailto:([^?]*)/i.exec(uri);
  if (m === null) return undefined;
  let address = m[1]!;
  try {
    address = decodeURIComponent(address);
  } catch {
    // A malformed escape: keep it as written.
  }
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : undefined;
}
