/**
 * FETCH attributes (RFC 3501 §6.4.5, RFC 9051 §6.4.5, RFC 3516 BINARY,
 * RFC 7162 MODSEQ): parsed from tokens and written back, plus the name a
 * server echoes in its FETCH response (`BODY.PEEK[TEXT]<0.10>` is answered
 * as `BODY[TEXT]<0>`, RFC 3501 §7.4.2).
 *
 * ```
 * ; RFC 3501 §9
 * fetch-att    = "ENVELOPE" / "FLAGS" / "INTERNALDATE" / "RFC822" [".HEADER" / ".SIZE" / ".TEXT"] /
 *                "BODY" ["STRUCTURE"] / "UID" / "BODY" section ["<" number "." nz-number ">"] /
 *                "BODY.PEEK" section ["<" number "." nz-number ">"]
 * section      = "[" [section-spec] "]"
 * section-spec = section-msgtext / (section-part ["." section-text])
 * section-part = nz-number *("." nz-number)
 * section-text = section-msgtext / "MIME"
 * section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
 * ; RFC 3516 §4.2
 * fetch-att    =/ "BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE" section-binary
 * section-binary = "[" [section-part] "]"
 * ```
 */
import type { FetchMacro } from './command-types.ts';
import type { AtomToken, Token } from './tokenizer.ts';
import { failSyntax, type TokenCursor } from './token-cursor.ts';
import { allChars, isAtomChar } from './values.ts';
import { quote } from './value-writer.ts';

/** A body section (`; RFC 3501 §9 section-spec`); `part` is empty for the whole message. */
export type BodySection =
  | { readonly part: readonly number[]; readonly text?: 'HEADER' | 'TEXT' | 'MIME' }
  | {
      readonly part: readonly number[];
      readonly text: 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT';
      readonly fields: readonly string[];
    };

/** `<offset.length>`: a byte range of the section. */
export interface FetchPartial {
  readonly offset: number;
  readonly length: number;
}

/** Attributes without a section. */
export type SimpleFetchItem =
  | 'FLAGS'
  | 'INTERNALDATE'
  | 'RFC822'
  | 'RFC822.HEADER'
  | 'RFC822.SIZE'
  | 'RFC822.TEXT'
  | 'ENVELOPE'
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'UID'
  | 'MODSEQ';

/** One FETCH attribute. `BODY` alone is the structure; `BODY[]` has a section. */
export type FetchAttribute =
  | { readonly name: SimpleFetchItem }
  | {
      readonly name: 'BODY[]';
      readonly peek: boolean;
      readonly section: BodySection;
      readonly partial?: FetchPartial;
    }
  | {
      readonly name: 'BINARY[]';
      readonly peek: boolean;
      readonly part: readonly number[];
      readonly partial?: FetchPartial;
    }
  | { readonly name: 'BINARY.SIZE'; readonly part: readonly number[] };

const SIMPLE: ReadonlySet<string> = new Set<SimpleFetchItem>([
  'FLAGS',
  'INTERNALDATE',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.SIZE',
  'RFC822.TEXT',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'UID',
  'MODSEQ',
]);

/** What the macros stand for (RFC 3501 §6.4.5). */
export const FETCH_MACROS: Readonly<Record<FetchMacro, readonly FetchAttribute[]>> = {
  ALL: [{ name: 'FLAGS' }, { name: 'INTERNALDATE' }, { name: 'RFC822.SIZE' }, { name: 'ENVELOPE' }],
  FAST: [{ name: 'FLAGS' }, { name: 'INTERNALDATE' }, { name: 'RFC822.SIZE' }],
  FULL: [
    { name: 'FLAGS' },
    { name: 'INTERNALDATE' },
    { name: 'RFC822.SIZE' },
    { name: 'ENVELOPE' },
    { name: 'BODY' },
  ],
};

/** RFC 5322 §3.6.8 `ftext`: printable US-ASCII except `:`. */
const isFieldNameChar = (c: number) => c >= 0x21 && c <= 0x7e && c !== 0x3a;

/** Reads one attribute token. */
export function parseFetchAttribute(t: Token, c: TokenCursor): FetchAttribute {
  if (t.kind !== 'atom') return c.expected('a FETCH attribute', t);
  if (t.section === undefined) {
    const word = t.value.toUpperCase();
    if (SIMPLE.has(word)) return { name: word as SimpleFetchItem };
    if (word in FETCH_MACROS) failSyntax(`FETCH macro ${word} must stand alone, not inside a list`);
    if (['BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE'].includes(word)) {
      failSyntax(`${word} needs a section, e.g. ${word}[]`);
    }
    return failSyntax(`Unknown FETCH attribute '${t.value}'`);
  }
  return parseSectionAttribute(t, c);
}

function parseSectionAttribute(t: AtomToken, c: TokenCursor): FetchAttribute {
  const base = t.value.slice(0, t.value.indexOf('[')).toUpperCase();
  const tokens = t.section ?? [];
  const partial = t.partial === undefined ? undefined : parsePartial(t.partial, base);
  if (base === 'BODY' || base === 'BODY.PEEK') {
    const section = parseBodySection(tokens, c);
    const peek = base === 'BODY.PEEK';
    return partial === undefined
      ? { name: 'BODY[]', peek, section }
      : { name: 'BODY[]', peek, section, partial };
  }
  // BINARY, BINARY.PEEK, BINARY.SIZE: only a part number is allowed.
  if (tokens.length > 1) failSyntax(`${base}[…] takes only a part number such as 1.2`);
  const first = tokens[0];
  let part: number[] = [];
  if (first !== undefined) {
    if (first.kind !== 'atom' || !/^\d+(\.\d+)*$/.test(first.value)) {
      failSyntax(
        `${base}[…] takes only a part number such as 1.2, not ${first.kind === 'atom' ? `'${first.value}'` : 'that'}`,
      );
    }
    part = partNumbers(first.value.split('.'), base);
  }
  if (base === 'BINARY.SIZE') {
    if (partial !== undefined) failSyntax('BINARY.SIZE takes no partial <offset.length>');
    return { name: 'BINARY.SIZE', part };
  }
  const peek = base === 'BINARY.PEEK';
  return partial === undefined ? { name: 'BINARY[]', peek, part } : { name: 'BINARY[]', peek, part, partial };
}

function partNumbers(items: readonly string[], base: string): number[] {
  return items.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 4_294_967_295)
      failSyntax(`${base}: part numbers start at 1, not '${p}'`);
    return n;
  });
}

function parsePartial(text: string, base: string): FetchPartial {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  const offset = Number(m?.[1]);
  const length = Number(m?.[2]);
  if (!m || length < 1 || offset > 4_294_967_295 || length > 4_294_967_295) {
    failSyntax(
      `${base}: partial '<${text}>' must be <offset.length> with a length of at least 1, e.g. <0.1024>`,
    );
  }
  return { offset, length };
}

function parseBodySection(tokens: readonly Token[], c: TokenCursor): BodySection {
  const first = tokens[0];
  if (first === undefined) return { part: [] };
  if (first.kind !== 'atom') return c.expected('a section such as HEADER or 1.2', first);
  const pieces = first.value.toUpperCase().split('.');
  let k = 0;
  while (k < pieces.length && /^\d+$/.test(pieces[k]!)) k++;
  const part = partNumbers(pieces.slice(0, k), 'BODY');
  const text = pieces.slice(k).join('.');
  const rest = tokens.slice(1);
  if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
    const listToken = rest[0];
    if (listToken === undefined) failSyntax(`${text} needs a list of header names, e.g. ${text} (SUBJECT)`);
    if (listToken.kind !== 'list' || rest.length > 1)
      return c.expected(`a list of header names after ${text}`, listToken);
    if (listToken.items.length === 0) failSyntax(`${text} needs at least one header name`);
    const sub = c.sub(listToken.items);
    const fields: string[] = [];
    while (!sub.atEnd) {
      const name = sub.astring('a header field name');
      if (!allChars(name, isFieldNameChar))
        failSyntax(`'${name}' is not a header field name (RFC 5322 §3.6.8)`);
      fields.push(name);
    }
    return { part, text, fields };
  }
  if (rest.length > 0)
    failSyntax(`Unexpected ${rest[0]!.kind === 'list' ? 'list' : 'text'} after section ${first.value}`);
  if (k === pieces.length) return { part };
  if (text === 'HEADER' || text === 'TEXT' || text === 'MIME') {
    if (text === 'MIME' && part.length === 0) failSyntax('MIME needs a part number, e.g. BODY[1.MIME]');
    return { part, text };
  }
  return failSyntax(
    `Unknown section '${first.value}'; use HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME or a part number`,
  );
}

/** `HEADER.FIELDS (SUBJECT FROM)`, `1.2.MIME`, `` for the whole message. */
export function formatSection(section: BodySection): string {
  const parts = section.part.map(String);
  if (section.text !== undefined) parts.push(section.text);
  let out = parts.join('.');
  if ('fields' in section) {
    // Inside `[…]` a bare `]` would end the section and a `[` could open one: quote those.
    const names = section.fields.map((f) => (allChars(f, isAtomChar) && !f.includes('[') ? f : quote(f)));
    out += ` (${names.join(' ')})`;
  }
  return out;
}

/** The attribute as a client writes it: `BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.100>`. */
export function formatFetchAttribute(att: FetchAttribute): string {
  switch (att.name) {
    case 'BODY[]':
      return `BODY${att.peek ? '.PEEK' : ''}[${formatSection(att.section)}]${partialText(att.partial)}`;
    case 'BINARY[]':
      return `BINARY${att.peek ? '.PEEK' : ''}[${att.part.join('.')}]${partialText(att.partial)}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${att.part.join('.')}]`;
    default:
      return att.name;
  }
}

function partialText(p: FetchPartial | undefined): string {
  return p === undefined ? '' : `<${p.offset}.${p.length}>`;
}

/**
 * The name a server writes before the data in its FETCH response: `.PEEK` is
 * dropped and a partial shows only its origin (`; RFC 3501 §9 msg-att-static
 * "BODY" section ["<" number ">"]`), e.g. `BODY[TEXT]<0>`.
 */
export function fetchResponseName(att: FetchAttribute): string {
  switch (att.name) {
    case 'BODY[]':
      return `BODY[${formatSection(att.section)}]${att.partial ? `<${att.partial.offset}>` : ''}`;
    case 'BINARY[]':
      return `BINARY[${att.part.join('.')}]${att.partial ? `<${att.partial.offset}>` : ''}`;
    default:
      return formatFetchAttribute(att);
  }
}
