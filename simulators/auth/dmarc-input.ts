/**
 * What DMARC needs from a message and from SPF and DKIM, as both the MTA's
 * inbound checks (agents/inbound-auth.ts) and `mailroom auth` compose them:
 * the Author Domains to evaluate, and the {@link DmarcInput} for one of them.
 */
import type { DkimResult } from './dkim/verify.ts';
import type { FromDomainResult } from './dmarc/from-domain.ts';
import type { DmarcMode } from './dmarc/record.ts';
import type { DmarcInput } from './dmarc/types.ts';
import type { SpfInput, SpfResult } from './spf/evaluate.ts';

/**
 * The domains DMARC is evaluated for: one, several (RFC 7489 §6.6.1, a From
 * field with addresses in several domains; the caller applies
 * `strictestResult`), or none, with why (no single Author Domain: no or
 * several From fields, or RFC 9989's exemption).
 */
export function dmarcAuthorDomains(from: FromDomainResult): {
  readonly domains: readonly string[];
  readonly why?: string;
} {
  if (from.kind === 'domain') return { domains: [from.domain] };
  if (from.kind === 'several') return { domains: from.domains };
  return { domains: [], why: from.message };
}

/**
 * The input of `evaluateDmarc` for one Author Domain: SPF's result and the
 * domain it checked (none when SPF did not run), and each DKIM signature
 * whose `d=` could be read.
 */
export function dmarcInputFor(
  fromDomain: string,
  spf: { readonly result: SpfResult; readonly input: SpfInput } | undefined,
  dkim: readonly DkimResult[],
  options: { readonly mode: DmarcMode; readonly random?: () => number },
): DmarcInput {
  return {
    fromDomain,
    spf: { result: spf?.result.result ?? 'none', domain: spf?.input.domain ?? '' },
    dkim: dkim.flatMap((d) => (d.domain === undefined ? [] : [{ result: d.result, domain: d.domain }])),
    mode: options.mode,
    ...(options.random === undefined ? {} : { random: options.random }),
  };
}
