import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prose } from './prose.ts';

describe('prose', () => {
  it('splits paragraphs at blank lines and marks `code`', () => {
    expect(prose('Publish `v=spf1 -all` now.\n\n  Then `send`\n \nagain ` alone')).toEqual([
      [
        { text: 'Publish ', code: false },
        { text: 'v=spf1 -all', code: true },
        { text: ' now.', code: false },
      ],
      [
        { text: 'Then ', code: false },
        { text: 'send', code: true },
      ],
      [{ text: 'again ` alone', code: false }],
    ]);
    expect(prose('')).toEqual([]);
  });

  it('keeps every character of a paragraph but the backticks around code (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const joined = prose(text)
          .map((spans) => spans.map((s) => (s.code ? `\`${s.text}\`` : s.text)).join(''))
          .join('\n\n');
        expect(joined.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
      }),
    );
  });
});
