/**
 * Modified UTF-7 mailbox names (RFC 3501 §5.1.3).
 *
 * Printable US-ASCII (0x20–0x7E) stands for itself, except `&`, which is
 * written `&-`. Any other run of characters is written `&`, the modified
 * BASE64 (`,` instead of `/`, no `=` padding) of its UTF-16BE code units, and
 * `-`. So `~peter/mail/台北/日本語` is `~peter/mail/&U,BTFw-/&ZeVnLIqe-`.
 *
 * Decoding is strict, because RFC 3501 §5.1.3 says a name "MUST NOT" use
 * BASE64 for a printable character and servers reject such names
 * (Dovecot answers "Mailbox name is not valid mUTF-7"): we refuse raw 8-bit or
 * control octets, a `&` without its `-`, characters outside the alphabet,
 * non-zero padding bits, half a UTF-16 unit, unpaired surrogates and encoded
 * printable ASCII. TOLERANCE: two encoded runs side by side (`&AOQ-&AOQ-`),
 * which the RFC does not forbid in so many words, are accepted.
 */
import { fail, ok, type Parsed } from './result.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

const AMP = 0x26;

const isPrintable = (c: number) => c >= 0x20 && c <= 0x7e;

/** Encodes a Unicode mailbox name as modified UTF-7; lone surrogates become U+FFFD. */
export function encodeMutf7(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (isPrintable(c)) {
      out += c === AMP ? '&-' : name[i];
      i++;
      continue;
    }
    // Collect the run of characters that need BASE64, as UTF-16 code units.
    const units: number[] = [];
    while (i < name.length && !isPrintable(name.charCodeAt(i))) {
      const u = name.charCodeAt(i);
      if (u >= 0xd800 && u <= 0xdbff) {
        const lo = name.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          units.push(u, lo);
          i += 2;
          continue;
        }
        units.push(0xfffd);
      } else if (u >= 0xdc00 && u <= 0xdfff) units.push(0xfffd);
      else units.push(u);
      i++;
    }
    out += '&' + base64Units(units) + '-';
  }
  return out;
}

function base64Units(units: readonly number[]): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const u of units) {
    acc = (acc << 16) | u;
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += B64[(acc >> bits) & 63];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B64[(acc << (6 - bits)) & 63];
  return out;
}

/**
 * Decodes a modified UTF-7 mailbox name (RFC 3501 §5.1.3) to Unicode, or says
 * precisely what is wrong with it.
 */
export function decodeMutf7(text: string): Parsed<string> {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isPrintable(c)) {
      return fail(
        `Mailbox name has the character U+${hex4(c)} at offset ${i}; ` +
          'only printable ASCII may appear in modified UTF-7 (RFC 3501 §5.1.3)',
      );
    }
    if (c !== AMP) {
      out += text[i];
      i++;
      continue;
    }
    const close = text.indexOf('-', i + 1);
    if (close < 0) return fail(`Mailbox name has a '&' at offset ${i} without its closing '-'`);
    if (close === i + 1) {
      out += '&';
      i += 2;
      continue;
    }
    const run = decodeRun(text, i + 1, close);
    if (!run.ok) return run;
    out += run.value;
    i = close + 1;
  }
  return ok(out);
}

function decodeRun(text: string, start: number, end: number): Parsed<string> {
  let acc = 0;
  let bits = 0;
  const units: number[] = [];
  for (let k = start; k < end; k++) {
    const ch = text.charCodeAt(k);
    const v = ch < 128 ? B64_INDEX[ch]! : -1;
    if (v < 0) {
      return fail(`Mailbox name has '${text[k]}' at offset ${k}, which is not modified BASE64`);
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >> bits) & 0xffff);
    }
  }
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) {
    return fail(
      `Mailbox name has a modified BASE64 run at offset ${start - 1} that does not end on a whole UTF-16 character`,
    );
  }
  let out = '';
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    if (isPrintable(u)) {
      return fail(
        `Mailbox name encodes the printable character '${String.fromCharCode(u)}' in BASE64 at offset ${start - 1}; ` +
          'it must be written as itself (RFC 3501 §5.1.3)',
      );
    }
    if (u >= 0xd800 && u <= 0xdbff) {
      const lo = units[k + 1];
      if (lo === undefined || lo < 0xdc00 || lo > 0xdfff) {
        return fail(`Mailbox name has an unpaired UTF-16 surrogate at offset ${start - 1}`);
      }
      out += String.fromCharCode(u, lo);
      k++;
      continue;
    }
    if (u >= 0xdc00 && u <= 0xdfff) {
      return fail(`Mailbox name has an unpaired UTF-16 surrogate at offset ${start - 1}`);
    }
    out += String.fromCharCode(u);
  }
  return ok(out);
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
