import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineMeter } from './line-meter.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` cut at the given points; returns the lines counted and what is pending. */
function measure(meter: LineMeter, text: string, cuts: readonly number[] = []): number {
  const data = bytes(text);
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  let lines = 0;
  let from = 0;
  for (const p of [...points, data.length]) {
    lines += meter.feed(data.subarray(from, p));
    from = p;
  }
  return lines;
}

describe('LineMeter', () => {
  it('counts line ends and the octets of the open line', () => {
    const meter = new LineMeter(false);
    expect(measure(meter, 'EHLO a\r\nMAIL FROM:<>\r\nRCPT')).toBe(2);
    expect(meter.pending).toBe(4);
  });

  it('skips an IMAP literal: an APPEND is one open line across its octets', () => {
    const meter = new LineMeter(true);
    const message = 'Subject: x\r\n\r\nbody\r\n';
    expect(measure(meter, `a APPEND INBOX {${message.length}}\r\n${message}`)).toBe(1);
    expect(meter.pending).toBe('a APPEND INBOX {21}\r'.length);
    expect(meter.feed(bytes('\r\n'))).toBe(1);
    expect(meter.pending).toBe(0);
  });

  it('reads a literal larger than the limit as lines, as the session will', () => {
    const meter = new LineMeter(true, 100);
    expect(measure(meter, 'a APPEND INBOX {4000000000}\r\nx\r\ny\r\n')).toBe(3);
    expect(meter.pending).toBe(0);
  });

  it('gives the same counts however the input is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', ' ', '{', '}', '3', '+', '\r', '\n', 'x'), { maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (chars, cuts, imap) => {
          const text = chars.join('');
          const whole = new LineMeter(imap);
          const cut = new LineMeter(imap);
          expect(measure(cut, text, cuts)).toBe(measure(whole, text));
          expect(cut.pending).toBe(whole.pending);
        },
      ),
    );
  });

  it('without literals, lines are the LFs and pending what follows the last', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const meter = new LineMeter(false);
        const data = bytes(text);
        const lines = meter.feed(data);
        expect(lines).toBe(data.filter((b) => b === 0x0a).length);
        expect(meter.pending).toBe(data.length - 1 - data.lastIndexOf(0x0a));
      }),
    );
  });
});
