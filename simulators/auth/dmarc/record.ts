/**
 * The DMARC policy record (RFC 7489 §6.3–§6.4; RFC 9989 §4.7–§4.8): a TXT
 * record at `_dmarc.<domain>` in DKIM's tag=value syntax.
 *
 * What is fatal and what is not, chosen to follow both RFCs to the letter:
 * - A record that does not *start* with `v=DMARC1` is not a DMARC record at
 *   all; policy discovery discards it (RFC 7489 §6.6.3 step 2, RFC 9989
 *   §4.10 step 2). That is the only parse error.
 * - Everything after the version is lenient: "Syntax errors in the remainder
 *   of the record SHOULD be discarded in favor of default values (if any) or
 *   ignored outright" (RFC 7489 §6.3), and unknown tags "MUST be ignored"
 *   (both RFCs). Each such problem is a warning with its position.
 * - A missing or invalid `p=` (or invalid `sp=`, or in RFC 9989 `np=`) is not
 *   decided here: it changes policy selection (RFC 7489 §6.6.3 step 6,
 *   RFC 9989 §4.10.1), so the record says which policy tags were invalid.
 * - The two RFCs define different tag sets. RFC 7489 has `pct`, `rf`, `ri`;
 *   RFC 9989 removed them and added `np`, `psd` and `t`. A tag of the other
 *   RFC is ignored with a warning naming where it belongs.
 *
 * TOLERANCE: tag names and the keyword values are compared case-insensitively
 * (RFC 5234 §2.3: ABNF quoted strings are case-insensitive), while `DMARC1`
 * is written with %x values in the ABNF and must match exactly.
 * TOLERANCE: a repeated tag is a warning and the first one counts. DKIM's
 * tag-list rule (RFC 6376 §3.2) would make the whole record invalid, but
 * RFC 7489 §6.3 asks for errors after the version to be discarded.
 * TOLERANCE: RFC 7489's ABNF puts `p=` right after `v=`; elsewhere it is
 * accepted with a warning (RFC 9989 lifts the ordering rule).
 */

/** Which specification the evaluator follows. */
export type DmarcMode = 'rfc9989' | 'rfc7489';

/** A requested handling for mail that fails DMARC (RFC 7489 §6.3 `p`). */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

/** One reporting URI of `rua=` or `ruf=` (RFC 7489 §6.2, §6.4 `dmarc-uri`). */
export interface DmarcUri {
  /** As written, without the size limit. */
  readonly uri: string;
  /** Lower-case scheme, e.g. `mailto`. */
  readonly scheme: string;
  /** For `mailto:`, the host of the address (lower case); reports can only be sent there. */
  readonly host?: string;
  /** RFC 7489 `!size` limit in bytes (RFC 9989 ignores it). */
  readonly maxSize?: number;
  /** 0-based position of the URI in the record text. */
  readonly position: number;
}

/** What kind of problem a warning reports, for tools that treat them apart (the zone editor). */
export type DmarcProblem =
  | 'not-a-tag'
  | 'bad-tag-name'
  | 'duplicate-tag'
  | 'other-rfc-tag'
  | 'unknown-tag'
  | 'bad-value'
  | 'tag-order'
  | 'bad-uri'
  | 'no-policy';

/** A problem in a record, with a 0-based position in the record text. */
export interface DmarcDiagnostic {
  readonly message: string;
  readonly position: number;
  readonly tag?: string;
  /** Set on warnings (the one error, a bad version, has none). */
  readonly problem?: DmarcProblem;
}

/** A parsed DMARC record; absent tags take their defaults. */
export interface DmarcRecord {
  readonly text: string;
  /** `p=`: undefined when missing or invalid (see {@link DmarcRecord.invalidPolicyTags}). */
  readonly p?: DmarcPolicy;
  readonly sp?: DmarcPolicy;
  /** RFC 9989 only: policy for non-existent subdomains. */
  readonly np?: DmarcPolicy;
  /** Policy tags that are present with a value that is not none/quarantine/reject, or `p` when missing. */
  readonly invalidPolicyTags: readonly ('p' | 'sp' | 'np')[];
  readonly adkim: 'r' | 's';
  readonly aspf: 'r' | 's';
  /** RFC 7489 only: percentage of failing mail the policy applies to (default 100). */
  readonly pct: number;
  /** RFC 9989 only: public suffix domain flag (default `u`). */
  readonly psd: 'y' | 'n' | 'u';
  /** RFC 9989 only: test mode (default `n`). */
  readonly t: 'y' | 'n';
  readonly rua: readonly DmarcUri[];
  readonly ruf: readonly DmarcUri[];
  /** Failure reporting options (default `['0']`). */
  readonly fo: readonly string[];
  /** RFC 7489 only: failure report formats (default `['afrf']`). */
  readonly rf: readonly string[];
  /** RFC 7489 only: aggregate report interval in seconds (default 86400). */
  readonly ri: number;
  /** Tag names as they appear, lower-cased, the ignored ones included. */
  readonly tags: readonly string[];
}

/** The outcome of {@link parseDmarcRecord}. */
export type DmarcRecordParse =
  | { readonly ok: true; readonly record: DmarcRecord; readonly warnings: readonly DmarcDiagnostic[] }
  | { readonly ok: false; readonly error: DmarcDiagnostic };

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];
const WSP = /^[ \t]*/;

/** Tags of each RFC (RFC 7489 §6.3; RFC 9989 §4.7). */
const TAGS: Readonly<Record<DmarcMode, readonly string[]>> = {
  rfc7489: ['v', 'p', 'sp', 'adkim', 'aspf', 'pct', 'rua', 'ruf', 'fo', 'rf', 'ri'],
  rfc9989: ['v', 'p', 'sp', 'np', 'psd', 't', 'adkim', 'aspf', 'rua', 'ruf', 'fo'],
};

/** Why a tag of the other RFC is ignored. */
const OTHER_RFC: Readonly<Record<DmarcMode, Readonly<Record<string, string>>>> = {
  rfc7489: {
    np: 'np= is not part of RFC 7489 (it comes from RFC 9091 and RFC 9989 §4.7); ignored',
    psd: 'psd= is not part of RFC 7489 (RFC 9989 §4.7); ignored',
    t: 't= is not part of RFC 7489 (RFC 9989 §4.7); ignored',
  },
  rfc9989: {
    pct: 'pct= was removed by RFC 9989 (see t=, §4.7); ignored',
    rf: 'rf= was removed by RFC 9989 (failure report format is fixed by RFC 9991); ignored',
    ri: 'ri= was removed by RFC 9989 (RFC 9990 reports daily); ignored',
  },
};

/**
 * Whether a TXT string is a DMARC record: it starts with the version tag
 * `v=DMARC1`, followed by `;` or the end (RFC 7489 §6.4 `dmarc-version
 * dmarc-sep`; RFC 9989 §4.8).
 */
export function isDmarcRecord(text: string): boolean {
  return /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)/.test(text);
}

/** Why `text` is not a DMARC record: the most precise message for its first tag. */
function versionError(text: string): DmarcDiagnostic {
  if (text.trim() === '') return { message: 'the record is empty; it must start with v=DMARC1', position: 0 };
  if (/^[ \t]/.test(text))
    return { message: 'the record must start with v=DMARC1, not with whitespace', position: 0 };
  const semi = text.indexOf(';');
  const first = semi === -1 ? text : text.slice(0, semi);
  const eq = first.indexOf('=');
  const name = (eq === -1 ? first : first.slice(0, eq)).trim();
  if (name.toLowerCase() !== 'v') {
    return { message: `the record must start with v=DMARC1, but its first tag is "${name}"`, position: 0 };
  }
  if (eq === -1) return { message: 'the v tag has no "=" (expected v=DMARC1)', position: name.length };
  const rawValue = first.slice(eq + 1);
  const at = eq + 1 + (WSP.exec(rawValue)?.[0].length ?? 0);
  const value = rawValue.trim();
  if (/^DMARC1[ \t]+\S/.test(value)) {
    return { message: 'v=DMARC1 must be followed by ";" before the next tag', position: at + 6 };
  }
  if (value.toUpperCase() === 'DMARC1') {
    return { message: `the version must be exactly "DMARC1" (upper case), not "${value}"`, position: at };
  }
  return { message: `the version must be DMARC1, not "${value}"`, position: at };
}

/** RFC 3986 percent-decoding that never throws (a malformed escape is kept as written). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseUris(
  value: string,
  valueAt: number,
  tag: string,
  mode: DmarcMode,
  warn: (message: string, position: number, problem: DmarcProblem) => void,
): DmarcUri[] {
  const out: DmarcUri[] = [];
  let offset = 0;
  for (const raw of value.split(',')) {
    const lead = WSP.exec(raw)?.[0].length ?? 0;
    const item = raw.trim();
    const at = valueAt + offset + lead;
    offset += raw.length + 1;
    // RFC 7489 §6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):([^\s!,]+)(?:!(\d+)([kmgt]?))?$/i.exec(item);
    if (m === null) {
      warn(
        `${tag}=: "${item}" is not a URI (e.g. mailto:reports@example.com); ignored (RFC 7489 §6.4)`,
        at,
        'bad-uri',
      );
      continue;
    }
    const scheme = m[1]!.toLowerCase();
    const rest = m[2]!;
    let maxSize: number | undefined;
    if (m[3] !== undefined) {
      if (mode === 'rfc9989') {
        warn(
          `${tag}=: the "!${m[3]}${m[4] ?? ''}" size limit is obsolete and ignored (RFC 9989 §4.8)`,
          at,
          'bad-uri',
        );
      } else {
        const unit =
          { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[(m[4] ?? '').toLowerCase()] ?? 1;
        maxSize = Number(m[3]) * unit;
      }
    }
    let host: string | undefined;
    if (scheme === 'mailto') {
      const addr = safeDecode(rest.split('?')[0] ?? '');
      const atSign = addr.lastIndexOf('@');
      if (atSign <= 0 || atSign === addr.length - 1) {
        warn(`${tag}=: "${item}" has no address of the form local@domain; ignored`, at, 'bad-uri');
        continue;
      }
      host = addr.slice(atSign + 1).toLowerCase();
    } else {
      warn(
        `${tag}=: only mailto: URIs are used for reports (RFC 7489 §7.1); "${item}" is kept but unused`,
        at,
        'bad-uri',
      );
    }
    out.push({
      uri: `${m[1]}:${rest}`,
      scheme,
      ...(host === undefined ? {} : { host }),
      ...(maxSize === undefined ? {} : { maxSize }),
      position: at,
    });
  }
  return out;
}

/**
 * Parses a DMARC record under the rules of `mode`. Never throws: the only
 * error is a missing or malformed `v=DMARC1` at the start; every other
 * problem is a warning and the tag takes its default.
 */
export function parseDmarcRecord(text: string, mode: DmarcMode = 'rfc9989'): DmarcRecordParse {
  if (!isDmarcRecord(text)) return { ok: false, error: versionError(text) };
  const warnings: DmarcDiagnostic[] = [];
  const seen = new Set<string>();
  const tags: string[] = [];
  const invalid: ('p' | 'sp' | 'np')[] = [];
  const rec: {
    p?: DmarcPolicy;
    sp?: DmarcPolicy;
    np?: DmarcPolicy;
    adkim: 'r' | 's';
    aspf: 'r' | 's';
    pct: number;
    psd: 'y' | 'n' | 'u';
    t: 'y' | 'n';
    rua: DmarcUri[];
    ruf: DmarcUri[];
    fo: string[];
    rf: string[];
    ri: number;
  } = {
    adkim: 'r',
    aspf: 'r',
    pct: 100,
    psd: 'u',
    t: 'n',
    rua: [],
    ruf: [],
    fo: ['0'],
    rf: ['afrf'],
    ri: 86400,
  };
  let start = 0;
  let index = 0;
  for (const spec of text.split(';')) {
    const specAt = start;
    start += spec.length + 1;
    const lead = WSP.exec(spec)?.[0].length ?? 0;
    const body = spec.trim();
    const at = specAt + lead;
    if (body === '') continue;
    const tagIndex = index++;
    const warn = (message: string, position: number, problem: DmarcProblem, tag?: string) =>
      warnings.push({ message, position, ...(tag === undefined ? {} : { tag }), problem });
    const eq = body.indexOf('=');
    if (eq === -1) {
      warn(`"${body}" is not a tag=value pair; ignored (RFC 7489 §6.3)`, at, 'not-a-tag');
      continue;
    }
    const name = body.slice(0, eq).trim().toLowerCase();
    const rawValue = body.slice(eq + 1);
    const value = rawValue.trim();
    const valueAt = at + eq + 1 + (WSP.exec(rawValue)?.[0].length ?? 0);
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      warn(
        `"${body.slice(0, eq).trim()}" is not a valid tag name; ignored (RFC 6376 §3.2)`,
        at,
        'bad-tag-name',
      );
      continue;
    }
    tags.push(name);
    if (tagIndex === 0) {
      seen.add('v');
      continue;
    }
    if (seen.has(name)) {
      warn(
        `${name}= appears more than once; only the first one counts (RFC 6376 §3.2)`,
        at,
        'duplicate-tag',
        name,
      );
      continue;
    }
    seen.add(name);
    const other = OTHER_RFC[mode][name];
    if (other !== undefined) {
      warn(other, at, 'other-rfc-tag', name);
      continue;
    }
    if (!TAGS[mode].includes(name)) {
      warn(
        `unknown tag ${name}= ignored (${mode === 'rfc7489' ? 'RFC 7489 §6.3' : 'RFC 9989 §4.7'})`,
        at,
        'unknown-tag',
        name,
      );
      continue;
    }
    const bad = (expected: string, fallback: string) =>
      warn(`${name}=${value} is not valid (expected ${expected}); ${fallback}`, valueAt, 'bad-value', name);
    const lower = value.toLowerCase();
    switch (name) {
      case 'v':
        warn('v= may only appear once, at the start', at, 'duplicate-tag', name);
        break;
      case 'p':
      case 'sp':
      case 'np':
        if (name === 'p' && tagIndex !== 1 && mode === 'rfc7489') {
          warn('p= should come right after v=DMARC1 (RFC 7489 §6.4); accepted anyway', at, 'tag-order', name);
        }
        if (POLICIES.includes(lower)) rec[name] = lower as DmarcPolicy;
        else {
          invalid.push(name);
          bad('none, quarantine or reject', 'the record is handled as if it had no valid policy');
        }
        break;
      case 'adkim':
      case 'aspf':
        if (lower === 'r' || lower === 's') rec[name] = lower;
        else bad('r or s', 'the default r (relaxed) is used');
        break;
      case 'pct':
        if (/^\d{1,3}$/.test(value) && Number(value) <= 100) rec.pct = Number(value);
        else bad('an integer from 0 to 100', 'the default 100 is used');
        break;
      case 'psd':
        if (lower === 'y' || lower === 'n' || lower === 'u') rec.psd = lower;
        else bad('y, n or u', 'the default u is used');
        break;
      case 't':
        if (lower === 'y' || lower === 'n') rec.t = lower;
        else bad('y or n', 'the default n is used');
        break;
      case 'rua':
      case 'ruf':
        rec[name] = parseUris(value, valueAt, name, mode, (m, p, problem) => warn(m, p, problem, name));
        break;
      case 'fo': {
        const opts = value.split(':').map((o) => o.trim().toLowerCase());
        if (opts.every((o) => ['0', '1', 'd', 's'].includes(o))) rec.fo = opts;
        else bad('a colon-separated list of 0, 1, d, s', 'the default 0 is used');
        break;
      }
      case 'rf': {
        const formats = value.split(':').map((f) => f.trim().toLowerCase());
        if (formats.every((f) => /^[a-z0-9-]+$/.test(f))) {
          rec.rf = formats;
          if (!formats.includes('afrf'))
            warn(`rf=${value}: only afrf is defined (RFC 7489 §6.3)`, valueAt, 'bad-value', name);
        } else bad('a colon-separated list of report formats', 'the default afrf is used');
        break;
      }
      case 'ri':
        if (/^\d+$/.test(value) && Number(value) <= 0xffffffff) rec.ri = Number(value);
        else bad('a 32-bit unsigned integer of seconds', 'the default 86400 is used');
        break;
    }
  }
  if (rec.p === undefined && !invalid.includes('p')) {
    invalid.unshift('p');
    warnings.push({
      message: 'the record has no p= tag (required for policy records)',
      position: text.length,
      tag: 'p',
      problem: 'no-policy',
    });
  }
  return { ok: true, record: { text, ...rec, invalidPolicyTags: invalid, tags }, warnings };
}
