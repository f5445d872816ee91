/**
 * The generic IMAP value tree (the emailjs-imap-handler model): what the
 * response encoder writes and the response parser reads back, and what the
 * command formatter builds before writing. Also the character classes of
 * RFC 3501 §9, shared by the tokenizer and the writers.
 */

/**
 * One IMAP data item.
 *
 * - `atom`: written verbatim; also the escape hatch for composite names such
 *   as `BODY[HEADER.FIELDS (SUBJECT)]<0>` and for `\Seen`.
 * - `number`: a non-negative integer (`number` / `number64`).
 * - `string`: text in a `string` / `nstring` position (ENVELOPE fields…);
 *   written quoted when safe, else as a literal of its UTF-8 octets.
 * - `astring`: text where an atom is allowed too (mailbox names, flags'
 *   neighbours in LIST and STATUS): an atom when it is one, else as `string`.
 * - `literal`: octets, always `{n}` + data; `binary` writes `~{n}` (RFC 3516
 *   `literal8`, for BINARY fetches whose data may hold NUL).
 * - `nil`: `NIL`.
 * - `list`: `(` items separated by SP `)`.
 * - `sequence`: items written back to back with no separator, for the
 *   grammar's `1*body` (multipart BODYSTRUCTURE), `1*address` (ENVELOPE) and
 *   `1*thread-list` (THREAD), e.g. `(…)(…)`. The parser does not reproduce
 *   it: it reads `((a)(b) "x")` as a list of three items, which is what a
 *   BODYSTRUCTURE reader wants.
 */
export type ImapValue =
  | { readonly type: 'atom'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'astring'; readonly value: string }
  | { readonly type: 'literal'; readonly value: Uint8Array; readonly binary?: boolean }
  | { readonly type: 'nil' }
  | { readonly type: 'list'; readonly items: readonly ImapValue[] }
  | { readonly type: 'sequence'; readonly items: readonly ImapValue[] };

/** An atom, written verbatim (`FLAGS`, `\Seen`, `BODY[TEXT]<0>`). */
export function atom(value: string): ImapValue {
  return { type: 'atom', value };
}

/** A `string`: quoted when safe, else a literal. */
export function str(value: string): ImapValue {
  return { type: 'string', value };
}

/** An `astring`: an atom when possible, else as {@link str}. */
export function astr(value: string): ImapValue {
  return { type: 'astring', value };
}

/** A non-negative integer. */
export function num(value: number): ImapValue {
  return { type: 'number', value };
}

/** `NIL`. */
export const nil: ImapValue = { type: 'nil' };

/** An `nstring`: `NIL` for null, else {@link str}. */
export function nstr(value: string | null): ImapValue {
  return value === null ? nil : str(value);
}

/** A literal of octets; `binary` for RFC 3516 `literal8` (`~{n}`). */
export function literal(value: Uint8Array, binary = false): ImapValue {
  return binary ? { type: 'literal', value, binary: true } : { type: 'literal', value };
}

/** A parenthesised list. */
export function list(...items: readonly ImapValue[]): ImapValue {
  return { type: 'list', items };
}

/** Items written back to back, as in `(…)(…)` (see {@link ImapValue}). */
export function seq(...items: readonly ImapValue[]): ImapValue {
  return { type: 'sequence', items };
}

// ---------------------------------------------------------------------------
// Character classes, RFC 3501 §9.

const SP = 0x20;

/** `; RFC 3501 §9 CTL`: %x00-1F / %x7F. */
export function isCtl(c: number): boolean {
  return c < SP || c === 0x7f;
}

/**
 * `; RFC 3501 §9 ATOM-CHAR = <any CHAR except atom-specials>`, where
 * `atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials`.
 */
export function isAtomChar(c: number): boolean {
  return (
    c > SP &&
    c < 0x7f &&
    c !== 0x28 && // (
    c !== 0x29 && // )
    c !== 0x7b && // {
    c !== 0x25 && // %
    c !== 0x2a && // *
    c !== 0x22 && // "
    c !== 0x5c && // \
    c !== 0x5d // ]
  );
}

/** `; RFC 3501 §9 ASTRING-CHAR = ATOM-CHAR / resp-specials`. */
export function isAstringChar(c: number): boolean {
  return isAtomChar(c) || c === 0x5d;
}

/** `; RFC 3501 §9 list-char = ATOM-CHAR / list-wildcards / resp-specials`. */
export function isListChar(c: number): boolean {
  return isAstringChar(c) || c === 0x25 || c === 0x2a;
}

/** Whether every character of a non-empty string passes `test`. */
export function allChars(text: string, test: (c: number) => boolean): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!test(text.charCodeAt(i))) return false;
  return true;
}

/** `; RFC 3501 §9 atom = 1*ATOM-CHAR`. */
export function isAtom(text: string): boolean {
  return allChars(text, isAtomChar);
}

/** `; RFC 3501 §9 tag = 1*<any ASTRING-CHAR except "+">`. */
export function isTag(text: string): boolean {
  return allChars(text, (c) => c !== 0x2b && isAstringChar(c));
}
