/**
 * RFC 5322 §3.3 date-time → epoch milliseconds, without `Date` (banned in
 * the engine: it reads the host's clock and time zone). Accepts the
 * obsolete forms of §4.3 and what real mail contains.
 */
import { daysFromCivil } from '../core/civil-time.ts';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// RFC 5322 §4.3 obs-zone. Military single letters "SHOULD all be considered
// equivalent to -0000" because their sign was defined backwards in RFC 822.
const ZONES: ReadonlyMap<string, number> = new Map([
  ['ut', 0],
  ['utc', 0],
  ['gmt', 0],
  ['z', 0],
  ['est', -300],
  ['edt', -240],
  ['cst', -360],
  ['cdt', -300],
  ['mst', -420],
  ['mdt', -360],
  ['pst', -480],
  ['pdt', -420],
]);

const DATE =
  /^(?:[a-z]+\s*,?\s*)?(\d{1,2})\s*[-\s]\s*([a-z]{3})[a-z]*\.?\s*[-\s]\s*(\d{2,4})\s+(\d{1,2})\s*:\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?:\s*([+-]\d{4}|[a-z]+))?/;

/** Removes RFC 5322 comments (nested, with quoted-pairs), which §3.3 allows as CFWS anywhere. */
function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (depth > 0 && c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) {
      depth--;
      out += ' ';
    } else if (depth === 0) out += c;
  }
  return out;
}

function daysInMonth(year: number, month: number): number {
  return (
    daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    daysFromCivil(year, month, 1)
  );
}

/** A parsed date: the instant and the zone offset it was written in. */
export interface ParsedDate {
  readonly epochMs: number;
  /** Minutes east of UTC as written (0 for unknown or military zones). */
  readonly offsetMinutes: number;
}

/**
 * Parses an RFC 5322 date-time. Accepted obsolete forms (§4.3): two- and
 * three-digit years (`07` → 2007, `97` → 1997, `107` → 2007), zone names
 * (UT, GMT, EST … PDT), military zones (as -0000), missing seconds, comments.
 * TOLERANCE: an optional or misspelt day name, full month names, a missing
 * comma, `-` between date parts and a missing or unknown zone (taken as
 * UTC). Returns undefined for anything else, including impossible dates.
 */
export function parseDateWithZone(value: string): ParsedDate | undefined {
  const m = DATE.exec(stripComments(value).trim().toLowerCase());
  if (!m) return undefined;
  const [, d, mon, y, h, mi, s, zone] = m;
  const month = MONTHS.indexOf(mon!) + 1;
  let year = Number(y);
  if (y!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (y!.length === 3) year += 1900;
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? 0);
  if (month === 0 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]\d{4}$/.test(zone)) {
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(3, 5));
    if (mm > 59) return undefined;
    // `-0000` (no zone information, §3.3) is an offset of zero too; avoid -0.
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm) || 0;
  } else if (zone !== undefined) offsetMinutes = ZONES.get(zone) ?? 0;
  const days = daysFromCivil(year, month, day);
  const epochMs = (((days * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second) * 1000;
  return { epochMs, offsetMinutes };
}

/** {@link parseDateWithZone}, the instant only (epoch ms), or undefined. */
export function parseDate(value: string): number | undefined {
  return parseDateWithZone(value)?.epochMs;
}
