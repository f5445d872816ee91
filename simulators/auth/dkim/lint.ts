/**
 * Checks of a DKIM key record (RFC 6376 §3.6.1) for the zone editor and
 * `mailroom check-zone`, with the verifier's own parser
 * ({@link parseKeyRecord}): a key that a verifier cannot use makes every
 * signature that names it fail, so it is an error; a weak or revoked key is
 * a warning.
 */
import { itemEnd, type RecordProblem } from '../lint-support.ts';
import { MIN_RSA_BITS, parseKeyRecord } from './key-record.ts';

/** The label that holds DKIM keys: `selector._domainkey.domain` (RFC 6376 §3.6.2.1). */
export const DOMAINKEY_LABEL = '_domainkey';

/** Whether `owner` is where a key is published: a selector, then `_domainkey`, then the domain. */
export function isKeyName(owner: string): boolean {
  const labels = owner.split('.');
  const at = labels.indexOf(DOMAINKEY_LABEL);
  return at >= 1 && at < labels.length - 1;
}

/** The value of tag `name` in a tag list, as a range of the text (the whole text when it is absent). */
function tagValue(text: string, name: string): { start: number; end: number } {
  let start = 0;
  for (const spec of text.split(';')) {
    const eq = spec.indexOf('=');
    if (eq >= 0 && spec.slice(0, eq).trim() === name) {
      let s = start + eq + 1;
      while (/[ \t\r\n]/.test(text[s] ?? '')) s++;
      let end = itemEnd(text, s, ';');
      while (end > s && /[ \t\r\n]/.test(text[end - 1]!)) end--;
      return end > s ? { start: s, end } : { start: start + spec.indexOf(name), end: start + eq + 1 };
    }
    start += spec.length + 1;
  }
  return { start: 0, end: text.length };
}

/** The tag a key-record error is about, by the tag it names (`p=`, `k=`, `v=`); undefined for the list's syntax. */
function blamedTag(reason: string): string | undefined {
  return /\b([pkv])=/.exec(reason)?.[1];
}

/**
 * Checks the TXT record `text` at `owner`. A record at a key name is a key;
 * a `v=DKIM1` record elsewhere is misplaced.
 */
export function lintDkimRecord(text: string, owner: string): RecordProblem[] {
  if (!isKeyName(owner)) {
    return [
      {
        severity: 'warning',
        code: 'dkim-misplaced',
        message: `a DKIM key is looked up at <selector>._domainkey.<domain> (RFC 6376 §3.6.2.1): here, at ${owner}, no verifier finds it`,
        start: 0,
        end: text.length,
      },
    ];
  }
  const parsed = parseKeyRecord(text);
  if (!parsed.ok) {
    const tag = blamedTag(parsed.reason);
    return [
      {
        severity: 'error',
        code: 'dkim-key-invalid',
        message: `the key does not parse: ${parsed.reason}; every signature with this selector fails (permerror)`,
        ...(tag === undefined ? { start: 0, end: text.length } : tagValue(text, tag)),
      },
    ];
  }
  const key = parsed.key;
  const p = tagValue(text, 'p');
  const out: RecordProblem[] = [];
  if (key.spki === undefined) {
    out.push({
      severity: 'warning',
      code: 'dkim-key-revoked',
      message: 'p= is empty: the key is revoked, and signatures with this selector fail (RFC 6376 §3.6.1)',
      ...p,
    });
  } else if (key.keyType === 'rsa' && (key.bits ?? 0) < MIN_RSA_BITS) {
    out.push({
      severity: 'error',
      code: 'dkim-key-too-short',
      message: `this RSA key has ${key.bits ?? 0} bits: verifiers refuse keys under ${MIN_RSA_BITS} bits (RFC 8301 §3.2), so every signature with this selector fails; publish a 2048-bit key`,
      ...p,
    });
  }
  for (const warning of key.warnings) {
    out.push({ severity: 'warning', code: 'dkim-key-warning', message: warning, ...p });
  }
  if (key.testing) {
    out.push({
      severity: 'warning',
      code: 'dkim-key-testing',
      message:
        't=y: the domain is testing DKIM, and verifiers may treat its signatures as if unsigned (RFC 6376 §3.6.1)',
      ...tagValue(text, 't'),
    });
  }
  return out;
}
