/**
 * Calendar dates without `Date` (which reads the real clock and the machine's
 * time zone, and is banned in the engine). A world starts at a scenario's
 * epoch; virtual time is added to it. Formats for RFC 5322 `Date:` and
 * `Received:` (§3.3) and IMAP's INTERNALDATE (RFC 3501 §9 date-time).
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** A broken-down UTC (or offset) time. */
export interface CivilTime {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
}

/** Days since 1970-01-01 → (year, month, day); Howard Hinnant's `civil_from_days`. */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

/** (year, month, day) → days since 1970-01-01; Hinnant's `days_from_civil`. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Milliseconds since the Unix epoch → broken-down time at `offsetMinutes` east of UTC. */
export function toCivil(epochMs: number, offsetMinutes = 0): CivilTime {
  const totalSeconds = Math.floor(epochMs / 1000) + offsetMinutes * 60;
  const days = Math.floor(totalSeconds / 86400);
  const secs = totalSeconds - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    // 1970-01-01 was a Thursday.
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

/** Parses `2026-11-29T09:00:00Z` (or with `±hh:mm`) to epoch ms; undefined when malformed. */
export function parseIsoTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:Z|([+-])(\d{2}):?(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s ?? 0) > 60
  )
    return undefined;
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  const days = daysFromCivil(Number(y), month, day);
  return ((days * 24 + Number(h)) * 60 + Number(mi) - offset) * 60_000 + Number(s ?? 0) * 1000;
}

const two = (n: number) => String(n).padStart(2, '0');

function zone(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/** RFC 5322 §3.3 date-time: `Sun, 29 Nov 2026 09:00:00 +0000`. */
export function formatRfc5322Date(epochMs: number, offsetMinutes = 0): string {
  const t = toCivil(epochMs, offsetMinutes);
  return `${DAYS[t.weekday]}, ${t.day} ${MONTHS[t.month - 1]} ${t.year} ${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${zone(offsetMinutes)}`;
}

/** RFC 3501 §9 date-time (INTERNALDATE): `29-Nov-2026 09:00:00 +0000`. */
export function formatImapDate(epochMs: number, offsetMinutes = 0): string {
  const t = toCivil(epochMs, offsetMinutes);
  return `${two(t.day)}-${MONTHS[t.month - 1]}-${t.year} ${two(t.hour)}:${two(t.minute)}:${two(t.second)} ${zone(offsetMinutes)}`;
}

/** Month abbreviations as RFC 5322 and IMAP write them. */
export const MONTH_NAMES = MONTHS;
