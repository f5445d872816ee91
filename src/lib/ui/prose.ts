/**
 * The little markup preset and lesson texts use: paragraphs split by blank
 * lines, and `code` in backticks (record text, commands). Returned as data so
 * the component renders it without `{@html}`: a preset's text is never HTML.
 */

/** A run of a paragraph: plain text, or code. */
export interface ProseSpan {
  readonly text: string;
  readonly code: boolean;
}

/** `text` as paragraphs of spans. An unmatched backtick is kept as text. */
export function prose(text: string): ProseSpan[][] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const spans: ProseSpan[] = [];
      const re = /`([^`]+)`/g;
      let at = 0;
      for (let m = re.exec(p); m !== null; m = re.exec(p)) {
        if (m.index > at) spans.push({ text: p.slice(at, m.index), code: false });
        spans.push({ text: m[1]!, code: true });
        at = m.index + m[0].length;
      }
      if (at < p.length) spans.push({ text: p.slice(at), code: false });
      return spans;
    });
}
