/**
 * What the zone editor explains under the pointer: the SPF, DMARC or DKIM
 * term there (the engine's record outline says which term is where), else a
 * fault pragma, a record type, class or directive. Pure: the Monaco glue
 * passes the position and the line, and shows the Markdown returned.
 */
import type { RecordTerm } from '../../../simulators/index.ts';
import {
  DKIM_TAGS,
  DMARC_TAGS,
  PRAGMAS,
  SPF_MECHANISMS,
  SPF_MODIFIERS,
  SPF_QUALIFIERS,
  ZONE_WORDS,
  docMarkdown,
  type Doc,
} from './record-docs.ts';

/** A hover: Markdown paragraphs and the range of the line they explain (1-based, end exclusive). */
export interface Hover {
  readonly contents: readonly string[];
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

function unknown(title: string, text: string): Doc {
  return { title, text };
}

/** The explanations of one record term. */
function termDocs(term: RecordTerm): string[] {
  if (term.protocol === 'spf') {
    if (term.kind === 'version') return [docMarkdown(SPF_MODIFIERS['v']!)];
    if (term.kind === 'modifier') {
      const doc =
        SPF_MODIFIERS[term.name] ??
        unknown(
          `\`${term.name}=\` — unknown modifier`,
          'Receivers ignore modifiers they do not know (RFC 7208 §6).',
        );
      return [docMarkdown(doc)];
    }
    const mechanism =
      SPF_MECHANISMS[term.name] ??
      unknown(
        `\`${term.name}\` — not a mechanism`,
        'SPF knows all, include, a, mx, ptr, ip4, ip6 and exists (RFC 7208 §5).',
      );
    const qualifier = SPF_QUALIFIERS[term.qualifier ?? '+']!;
    const how = term.qualifier === undefined ? 'No qualifier is written, so it is `+`: ' : 'Qualifier ';
    return [docMarkdown(mechanism), `${how}**${qualifier.title.replace(/`/g, '')}** — ${qualifier.text}`];
  }
  const table = term.protocol === 'dmarc' ? DMARC_TAGS : DKIM_TAGS;
  const key = term.protocol === 'dmarc' ? term.name.toLowerCase() : term.name;
  const doc =
    table[key] ??
    unknown(
      `\`${term.name}=\` — unknown tag`,
      term.protocol === 'dmarc'
        ? 'Receivers ignore tags they do not know (RFC 9989 §4.7).'
        : 'Verifiers ignore tags they do not know (RFC 6376 §3.6.1).',
    );
  return [docMarkdown(doc)];
}

/** Whether column `column` (1-based) of `line` is inside quotes or a comment. */
function inStringOrComment(line: string, column: number): boolean {
  let quoted = false;
  for (let i = 0; i < column - 1 && i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) return true;
  }
  return quoted;
}

/** The word (a run of characters other than blanks, quotes, parentheses and `;`) around a column. */
function wordAt(
  line: string,
  column: number,
): { text: string; column: number; endColumn: number } | undefined {
  const stop = /[\s;()"]/;
  let start = column - 1;
  let end = column - 1;
  if (end >= line.length || stop.test(line[end]!)) return undefined;
  while (start > 0 && !stop.test(line[start - 1]!)) start--;
  while (end < line.length && !stop.test(line[end]!)) end++;
  return { text: line.slice(start, end), column: start + 1, endColumn: end + 1 };
}

/**
 * The hover at `line`:`column` (1-based) of a zone whose record terms are
 * `terms`, `lineText` being that line; undefined where there is nothing to say.
 */
export function hoverAt(
  terms: readonly RecordTerm[],
  line: number,
  column: number,
  lineText: string,
): Hover | undefined {
  const term = terms.find((t) => t.line === line && column >= t.column && column < t.endColumn);
  if (term !== undefined) {
    return { contents: termDocs(term), line, column: term.column, endColumn: term.endColumn };
  }
  const pragma = /^([ \t]*);@(timeout|servfail)\b/i.exec(lineText);
  if (pragma !== null) {
    const start = pragma[1]!.length + 1;
    const end = pragma[0].length + 1;
    if (column >= start && column < end) {
      return {
        contents: [docMarkdown(PRAGMAS[pragma[2]!.toLowerCase()]!)],
        line,
        column: start,
        endColumn: end,
      };
    }
  }
  if (inStringOrComment(lineText, column)) return undefined;
  const word = wordAt(lineText, column);
  if (word === undefined) return undefined;
  const doc = ZONE_WORDS[word.text.toUpperCase()];
  // A word in column 1 is an owner name, even one spelled like a type.
  if (doc === undefined || (word.column === 1 && !word.text.startsWith('$'))) return undefined;
  return { contents: [docMarkdown(doc)], line, column: word.column, endColumn: word.endColumn };
}
