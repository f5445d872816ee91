/**
 * Recording an SPF result in the message: the Received-SPF header field
 * (RFC 7208 §9.1) and the `spf=` method of Authentication-Results
 * (RFC 8601 §2.7.2).
 *
 * The comment texts follow the examples of RFC 7208 §9.1. Folding is at the
 * spaces between the result, the words of the comment and the key-value
 * pairs, so lines
 * stay within 78 characters where the pieces allow (RFC 5322 §2.1.1); the
 * caller adds the final CRLF.
 */
import type { SpfInput, SpfResult } from './evaluate.ts';
import { parseClientIp, readableIp } from './client-ip.ts';

/** RFC 5322 §3.2.3 dot-atom. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

/** A key-value value (§9.1: `dot-atom / quoted-string`). */
function kvValue(value: string): string {
  return DOT_ATOM.test(value) ? value : `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Comment text (RFC 5322 §3.2.2 ctext): parentheses and backslashes quoted, line breaks flattened. */
function commentText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[()\\]/g, (c) => `\\${c}`);
}

function sentence(result: SpfResult, sender: string, ip: string): string {
  switch (result.result) {
    case 'pass':
      return `domain of ${sender} designates ${ip} as permitted sender`;
    case 'fail':
      return `domain of ${sender} does not designate ${ip} as permitted sender`;
    case 'softfail':
      return `domain of transitioning ${sender} does not designate ${ip} as permitted sender`;
    case 'neutral':
      return `${ip} is neither permitted nor denied by domain of ${sender}`;
    case 'none':
      return `domain of ${sender} does not designate permitted sender hosts`;
    case 'temperror':
      return `error in processing during lookup of ${sender}`;
    case 'permerror':
      return `permanent error in processing the SPF record for ${sender}`;
  }
}

/** Joins pieces with spaces, folding (CRLF + space) before a piece that would pass 78 columns. */
function fold(pieces: readonly string[]): string {
  let out = '';
  let column = 0;
  for (const piece of pieces) {
    if (out === '') {
      out = piece;
      column = piece.length;
    } else if (column + 1 + piece.length > 78) {
      out += `\r\n ${piece}`;
      column = 1 + piece.length;
    } else {
      out += ` ${piece}`;
      column += 1 + piece.length;
    }
  }
  return out;
}

/**
 * The Received-SPF header field (RFC 7208 §9.1), without the final CRLF:
 * `Received-SPF: pass (mx.example.org: domain of a@example.com designates
 * 192.0.2.1 as permitted sender) client-ip=192.0.2.1; …`.
 */
export function formatReceivedSpf(result: SpfResult, input: SpfInput, receiver: string): string {
  const ip = parseClientIp(input.ip);
  const client = ip === undefined ? input.ip : readableIp(ip);
  const identity = input.identity ?? 'mailfrom';
  const pairs: [string, string][] = [['client-ip', client]];
  if (identity === 'mailfrom') pairs.push(['envelope-from', input.sender]);
  if (input.helo !== '') pairs.push(['helo', input.helo]);
  if (result.result === 'permerror' || result.result === 'temperror') pairs.push(['problem', result.reason]);
  pairs.push(['receiver', receiver], ['identity', identity]);
  if (result.mechanism !== undefined) pairs.push(['mechanism', result.mechanism]);
  const comment = `(${commentText(`${receiver}: ${sentence(result, input.sender, client)}`)})`;
  // RFC 5322 §3.2.2: a comment may contain FWS, so it folds at its spaces too.
  return fold([
    `Received-SPF: ${result.result}`,
    ...comment.split(' '),
    ...pairs.map(([k, v]) => `${k}=${kvValue(v)};`),
  ]);
}

/**
 * The `spf=` resinfo of an Authentication-Results field (RFC 8601 §2.7.2),
 * e.g. `spf=pass smtp.mailfrom=example.com`: the property is `smtp.mailfrom`
 * with the MAIL FROM domain, or `smtp.helo` with the HELO name.
 */
export function formatAuthResultsSpf(result: SpfResult, input: SpfInput): string {
  const identity = input.identity ?? 'mailfrom';
  const value = identity === 'helo' ? input.helo : input.domain;
  return `spf=${result.result} smtp.${identity}=${kvValue(value)}`;
}
