/**
 * The `dmarc=` method of Authentication-Results (RFC 8601 §2.7; the method
 * and its `header.from` property are registered by RFC 7489 §11.2).
 */
import type { DmarcResult } from './types.ts';

/** RFC 5322 §3.2.3 dot-atom; anything else is written as a quoted-string. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

function value(text: string): string {
  return DOT_ATOM.test(text) ? text : `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The resinfo, e.g. `dmarc=pass (p=reject dis=none) header.from=example.com`.
 * The comment, when a record applied, gives its `p=`, the `sp=` or `np=`
 * that was used instead, and the disposition applied (`dis=`), the way
 * large receivers write it.
 */
export function formatAuthResultsDmarc(result: DmarcResult): string {
  const parts = [`dmarc=${result.result}`];
  if (result.record !== undefined && result.policy !== undefined) {
    const words = [`p=${result.record.p ?? 'none'}`];
    if (result.policyTag === 'sp' || result.policyTag === 'np')
      words.push(`${result.policyTag}=${result.policy}`);
    words.push(`dis=${result.disposition}`);
    parts.push(`(${words.join(' ')})`);
  }
  parts.push(`header.from=${value(result.fromDomain)}`);
  return parts.join(' ');
}
