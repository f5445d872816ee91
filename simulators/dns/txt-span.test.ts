import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseZoneLocated } from './zone-file.ts';
import { txtSpan, txtText } from './txt-span.ts';

/** The one TXT record of a small zone of example.com. */
function txt(source: string) {
  const zone = parseZoneLocated(`$TTL 60\n${source}`, { origin: 'example.com' });
  const record = zone.located.find((r) => r.rr.type === 'TXT');
  if (record === undefined) throw new Error(`no TXT record in ${source}`);
  return { record, lines: `$TTL 60\n${source}`.split('\n') };
}

/** The source text a span covers. */
function cut(lines: readonly string[], span: { line: number; column: number; endColumn: number }): string {
  return lines[span.line - 1]!.slice(span.column - 1, span.endColumn - 1);
}

describe('txtSpan', () => {
  it('places characters of a single string on its line', () => {
    const { record, lines } = txt('@ TXT "v=spf1 +all"');
    expect(txtText(record)).toBe('v=spf1 +all');
    const span = txtSpan(record, 7, 11);
    expect(span).toEqual({ line: 2, column: 15, endColumn: 19 });
    expect(cut(lines, span)).toBe('+all');
  });

  it('follows the strings of a record across lines, joined without separator (RFC 7208 §3.3)', () => {
    const { record, lines } = txt('@ TXT ( "v=spf1 ip4:192.0.2.1 "\n        "include:a.example -all" )');
    const text = txtText(record);
    const at = text.indexOf('include:');
    const span = txtSpan(record, at, at + 'include:a.example'.length);
    expect(span.line).toBe(3);
    expect(cut(lines, span)).toBe('include:a.example');
  });

  it('counts an escape as the one character it stands for (RFC 1035 §5.1)', () => {
    const { record, lines } = txt('@ TXT "a\\"b\\059c d"');
    expect(txtText(record)).toBe('a"b;c d');
    expect(cut(lines, txtSpan(record, 1, 4))).toBe('\\"b\\059');
    expect(cut(lines, txtSpan(record, 6, 7))).toBe('d');
  });

  it('cuts a range that runs into the next string at the end of the first', () => {
    const { record, lines } = txt('@ TXT "v=spf1 ip4:192." "0.2.1 -all"');
    const span = txtSpan(record, 7, 20);
    expect(cut(lines, span)).toBe('ip4:192.');
  });

  it('gives an insertion point for an empty range, after the text at the end', () => {
    const { record } = txt('@ TXT "v=DMARC1"');
    expect(txtSpan(record, 8, 8)).toEqual({ line: 2, column: 16, endColumn: 16 });
    expect(txtSpan(record, 0, 0)).toEqual({ line: 2, column: 8, endColumn: 8 });
  });

  it('always lands inside the record, for any range', () => {
    const { record } = txt('@ TXT "ab\\100" "c\\\\d" ( "e"\n "fgh" )');
    const length = txtText(record).length;
    fc.assert(
      fc.property(
        fc.integer({ min: -3, max: length + 3 }),
        fc.integer({ min: -3, max: length + 3 }),
        (a, b) => {
          const span = txtSpan(record, a, b);
          expect([2, 3]).toContain(span.line);
          expect(span.endColumn).toBeGreaterThanOrEqual(span.column);
        },
      ),
    );
  });
});
