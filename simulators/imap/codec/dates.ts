/**
 * IMAP dates without `Date` (banned in the engine): the `date` of SEARCH
 * (`1-Feb-1994`) and the `date-time` of APPEND and INTERNALDATE
 * (`17-Jul-1996 02:44:25 -0700`), both RFC 3501 §9, converted with
 * `core/civil-time.ts`.
 */
import { daysFromCivil, formatImapDate, MONTH_NAMES, toCivil } from '../../core/civil-time.ts';
import { fail, ok, type Parsed } from './result.ts';

/** An instant with the zone it was written in, as INTERNALDATE keeps it (RFC 3501 §2.3.3). */
export interface ImapDateTime {
  /** Milliseconds since the Unix epoch. */
  readonly epochMs: number;
  /** The written zone, in minutes east of UTC (`-0700` is −420). */
  readonly offsetMinutes: number;
}

const MS_PER_DAY = 86_400_000;

function monthIndex(name: string): number {
  const lower = name.toLowerCase();
  return MONTH_NAMES.findIndex((m) => m.toLowerCase() === lower);
}

function daysInMonth(year: number, month: number): number {
  return (
    daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) -
    daysFromCivil(year, month, 1)
  );
}

function civilDay(day: number, monthName: string, year: number, text: string): Parsed<number> {
  const m = monthIndex(monthName);
  if (m < 0) return fail(`'${monthName}' is not a month; use Jan, Feb, … Dec (in '${text}')`);
  if (day < 1 || day > daysInMonth(year, m + 1)) {
    return fail(`${MONTH_NAMES[m]} ${year} has no day ${day} (in '${text}')`);
  }
  return ok(daysFromCivil(year, m + 1, day));
}

/**
 * Parses a SEARCH `date` (`1-Feb-1994`; month names case-insensitive) to the
 * epoch milliseconds of 00:00 UTC that day. SEARCH compares dates "disregarding
 * time and timezone" (RFC 3501 §6.4.4), so a day is all the server needs.
 *
 * `; RFC 3501 §9 date-text = date-day "-" date-month "-" date-year`
 */
export function parseDate(text: string): Parsed<number> {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return fail(`'${text}' is not an IMAP date like 1-Feb-1994`);
  const day = civilDay(Number(m[1]), m[2]!, Number(m[3]), text);
  return day.ok ? ok(day.value * MS_PER_DAY) : day;
}

/** Formats the UTC day containing `epochMs` as a SEARCH `date`: `1-Feb-1994` (no leading zero). */
export function formatDate(epochMs: number): string {
  const t = toCivil(epochMs);
  return `${t.day}-${MONTH_NAMES[t.month - 1]}-${t.year}`;
}

/**
 * Parses an APPEND / INTERNALDATE `date-time` (the text between the quotes):
 * `17-Jul-1996 02:44:25 -0700`.
 *
 * `; RFC 3501 §9 date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE`
 *
 * TOLERANCE: a one-digit day without its padding space (`7-Jul-1996 …`) is
 * accepted, as Dovecot and Cyrus do. A leap second (`:60`) is accepted and
 * lands on the next minute.
 */
export function parseDateTime(text: string): Parsed<ImapDateTime> {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return fail(`'${text}' is not an IMAP date-time like "17-Jul-1996 02:44:25 -0700"`);
  const day = civilDay(Number(m[1]), m[2]!, Number(m[3]), text);
  if (!day.ok) return day;
  const [hour, minute, second, zh, zm] = [m[4], m[5], m[6], m[8], m[9]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 60) return fail(`'${text}' has an impossible time of day`);
  if (zm > 59) return fail(`'${text}' has an impossible zone: minutes above 59`);
  // `-0000` becomes 0, not −0.
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (zh * 60 + zm) + 0;
  const local = ((day.value * 24 + hour) * 60 + minute) * 60 + second;
  return ok({ epochMs: (local - offsetMinutes * 60) * 1000, offsetMinutes });
}

/** Formats a `date-time` without quotes: `17-Jul-1996 02:44:25 -0700`. */
export function formatDateTime(value: ImapDateTime): string {
  return formatImapDate(value.epochMs, value.offsetMinutes);
}
