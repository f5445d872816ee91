import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, formatImapDate, formatRfc5322Date, parseIsoTime, toCivil } from './civil-time.ts';

describe('civil-time', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 'Thu, 1 Jan 1970 00:00:00 +0000'],
    ['2026-11-29T09:05:07Z', 'Sun, 29 Nov 2026 09:05:07 +0000'],
    ['2000-02-29T23:59:59Z', 'Tue, 29 Feb 2000 23:59:59 +0000'],
    ['1997-11-21T15:55:06-06:00', 'Fri, 21 Nov 1997 21:55:06 +0000'],
  ])('formats %s as an RFC 5322 date (RFC 5322 §3.3)', (iso, rfc) => {
    expect(formatRfc5322Date(parseIsoTime(iso)!)).toBe(rfc);
  });

  it('formats with an offset and as an IMAP INTERNALDATE (RFC 3501 §9)', () => {
    const t = parseIsoTime('1997-11-21T09:55:06-06:00')!;
    expect(formatRfc5322Date(t, -360)).toBe('Fri, 21 Nov 1997 09:55:06 -0600');
    expect(formatImapDate(t, -360)).toBe('21-Nov-1997 09:55:06 -0600');
  });

  it('rejects malformed ISO times', () => {
    expect(parseIsoTime('2026-13-01T00:00:00Z')).toBeUndefined();
    expect(parseIsoTime('yesterday')).toBeUndefined();
  });

  it('agrees with the platform calendar on any day', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 4e12 }), (ms) => {
        const d = new Date(ms);
        const c = toCivil(ms);
        return (
          c.year === d.getUTCFullYear() &&
          c.month === d.getUTCMonth() + 1 &&
          c.day === d.getUTCDate() &&
          c.hour === d.getUTCHours() &&
          c.weekday === d.getUTCDay() &&
          daysFromCivil(c.year, c.month, c.day) === Math.floor(ms / 86_400_000)
        );
      }),
      { numRuns: 500 },
    );
  });
});
