import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil } from '../../core/civil-time.ts';
import { formatDate, formatDateTime, parseDate, parseDateTime } from './dates.ts';

const day = (y: number, m: number, d: number) => daysFromCivil(y, m, d) * 86_400_000;

describe('SEARCH dates (RFC 3501 §9 date)', () => {
  it.each([
    ['1-Feb-1994', day(1994, 2, 1)],
    ['29-Feb-2024', day(2024, 2, 29)],
    ['31-Dec-1969', day(1969, 12, 31)],
    ['1-Jan-1970', 0],
  ])('%s both ways', (text, ms) => {
    expect(parseDate(text)).toEqual({ ok: true, value: ms });
    expect(formatDate(ms)).toBe(text);
  });

  it.each([
    ['01-feb-1994', day(1994, 2, 1)],
    ['1-FEB-1994', day(1994, 2, 1)],
  ])('reads %s (leading zero, any case)', (text, ms) => {
    expect(parseDate(text)).toEqual({ ok: true, value: ms });
  });

  it('formats the UTC day of any instant', () => {
    expect(formatDate(day(1994, 2, 1) + 86_399_999)).toBe('1-Feb-1994');
  });

  it.each([
    ['29-Feb-2023', "Feb 2023 has no day 29 (in '29-Feb-2023')"],
    ['0-Jan-2000', "Jan 2000 has no day 0 (in '0-Jan-2000')"],
    ['1-Foo-2000', "'Foo' is not a month; use Jan, Feb, … Dec (in '1-Foo-2000')"],
    ['1-Feb-94', "'1-Feb-94' is not an IMAP date like 1-Feb-1994"],
    ['1994-02-01', "'1994-02-01' is not an IMAP date like 1-Feb-1994"],
    ['', "'' is not an IMAP date like 1-Feb-1994"],
  ])('refuses %j', (text, message) => {
    expect(parseDate(text)).toEqual({ ok: false, message });
  });
});

describe('date-time (RFC 3501 §9 date-time)', () => {
  it.each([
    ['17-Jul-1996 02:44:25 -0700', { epochMs: 837596665000, offsetMinutes: -420 }],
    ['01-Jan-1970 00:00:00 +0000', { epochMs: 0, offsetMinutes: 0 }],
    [
      '29-Nov-2026 09:00:00 +0530',
      { epochMs: day(2026, 11, 29) + (9 * 60 - 330) * 60_000, offsetMinutes: 330 },
    ],
  ])('%s both ways', (text, value) => {
    expect(parseDateTime(text)).toEqual({ ok: true, value });
    expect(formatDateTime(value)).toBe(text);
  });

  it.each([
    [' 7-Jul-1996 02:44:25 -0700', -420],
    ['7-Jul-1996 02:44:25 -0700', -420],
    ['07-jul-1996 02:44:25 -0000', 0],
  ])('reads %j (space-padded day, TOLERANCE unpadded, -0000)', (text, offset) => {
    const r = parseDateTime(text);
    expect(r.ok && r.value.offsetMinutes).toBe(offset);
    expect(Object.is(r.ok && r.value.offsetMinutes, -0)).toBe(false);
  });

  it.each([
    ['17-Jul-1996 24:00:00 -0700', "'17-Jul-1996 24:00:00 -0700' has an impossible time of day"],
    ['17-Jul-1996 02:44:25 -0760', "'17-Jul-1996 02:44:25 -0760' has an impossible zone: minutes above 59"],
    [
      '17-Jul-1996 02:44:25',
      `'17-Jul-1996 02:44:25' is not an IMAP date-time like "17-Jul-1996 02:44:25 -0700"`,
    ],
    ['31-Jun-1996 02:44:25 +0000', "Jun 1996 has no day 31 (in '31-Jun-1996 02:44:25 +0000')"],
  ])('refuses %j', (text, message) => {
    expect(parseDateTime(text)).toEqual({ ok: false, message });
  });

  it('round-trips any instant at any whole-minute zone (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_200_000 }), // up to 9999, whatever the zone
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (seconds, offsetMinutes) => {
          const value = { epochMs: seconds * 1000, offsetMinutes };
          expect(parseDateTime(formatDateTime(value))).toEqual({ ok: true, value });
        },
      ),
    );
  });
});
