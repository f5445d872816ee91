/**
 * The Author Domain: the domain of the RFC5322.From address that DMARC
 * evaluates (RFC 7489 §6.6.1; RFC 9989, "Author Domain").
 *
 * RFC 5322 §3.6 requires exactly one From field. A message without one, or
 * with several, is outside DMARC: both RFCs leave its handling to the
 * receiver, which typically rejects it, so it is reported as an error.
 * One From field with several addresses (a mailbox-list) differs by RFC:
 * - RFC 7489 §6.6.1: evaluate DMARC for each domain and apply the strictest
 *   policy among the checks that fail ({@link strictestResult}).
 * - RFC 9989: proceed only when every address has the same domain; with
 *   several domains the message is exempt from DMARC.
 */
import type { DmarcMode } from './record.ts';
import type { DmarcResult } from './types.ts';
import { findField, readHeaderSection } from '../../mime/header-section.ts';
import { mailboxesOf, parseAddressList } from '../../mime/header-values.ts';

/** What {@link fromDomainOf} found. */
export type FromDomainResult =
  | { readonly kind: 'domain'; readonly domain: string; readonly addresses: number }
  | { readonly kind: 'several'; readonly domains: readonly string[]; readonly message: string }
  | { readonly kind: 'exempt'; readonly domains: readonly string[]; readonly message: string }
  | {
      readonly kind: 'error';
      readonly problem: 'no-from' | 'several-from-fields' | 'no-address' | 'no-domain';
      readonly message: string;
    };

/**
 * The Author Domain of a message (its header section is enough). Domains
 * are lower-cased; a domain literal (`[192.0.2.1]`) is reported as
 * `no-domain`, since it cannot publish a DMARC record.
 */
export function fromDomainOf(message: Uint8Array, mode: DmarcMode = 'rfc9989'): FromDomainResult {
  const section = readHeaderSection(message);
  const fields = section.fields.filter((f) => f.name.toLowerCase() === 'from');
  if (fields.length === 0) {
    return {
      kind: 'error',
      problem: 'no-from',
      message:
        'the message has no From field (RFC 5322 §3.6 requires one), so DMARC cannot be applied; receivers typically reject it',
    };
  }
  if (fields.length > 1) {
    return {
      kind: 'error',
      problem: 'several-from-fields',
      message: `the message has ${fields.length} From fields (RFC 5322 §3.6 allows one), so DMARC cannot be applied; receivers typically reject it`,
    };
  }
  const field = findField(section, 'from');
  const boxes = mailboxesOf(parseAddressList(field?.value ?? '')).filter(
    (m) => m.mailbox !== undefined || m.domain !== undefined,
  );
  if (boxes.length === 0) {
    return { kind: 'error', problem: 'no-address', message: 'the From field holds no address' };
  }
  const domains: string[] = [];
  for (const box of boxes) {
    const domain = box.domain?.toLowerCase();
    if (domain === undefined || domain.startsWith('[')) {
      const written = box.domain === undefined ? `${box.mailbox ?? ''} (no "@domain")` : box.domain;
      return {
        kind: 'error',
        problem: 'no-domain',
        message: `the From address ${written} has no domain name DMARC could look up`,
      };
    }
    if (!domains.includes(domain)) domains.push(domain);
  }
  if (domains.length === 1) return { kind: 'domain', domain: domains[0]!, addresses: boxes.length };
  if (mode === 'rfc7489') {
    return {
      kind: 'several',
      domains,
      message: `the From field has addresses in ${domains.length} domains; DMARC is evaluated for each and the strictest failing policy applies (RFC 7489 §6.6.1)`,
    };
  }
  return {
    kind: 'exempt',
    domains,
    message: `the From field has addresses in ${domains.length} different domains, so the message is exempt from DMARC (RFC 9989)`,
  };
}

const STRENGTH = { none: 0, quarantine: 1, reject: 2 } as const;

/**
 * RFC 7489 §6.6.1 for a multi-valued From: of the results for each domain,
 * the failing one with the strictest disposition, or the first result when
 * none fails. Throws on an empty list (a programmer error).
 */
export function strictestResult(results: readonly DmarcResult[]): DmarcResult {
  const first = results[0];
  if (first === undefined) throw new RangeError('strictestResult: no results');
  const failing = results.filter((r) => r.result === 'fail');
  return (
    failing.reduce<DmarcResult | undefined>(
      (best, r) => (best === undefined || STRENGTH[r.disposition] > STRENGTH[best.disposition] ? r : best),
      undefined,
    ) ?? first
  );
}
