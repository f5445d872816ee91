/**
 * Writes {@link ImapValue} trees to octets. Shared by the response encoder
 * (server) and the command formatter (client), which differ only in options.
 *
 * Strings are written in the first form that is safe:
 *
 * 1. an atom, for an `astring` made only of ASTRING-CHARs that is neither
 *    `NIL` nor all digits (a generic reader would take those for nil or a
 *    number, so they are quoted);
 * 2. a quoted string, when it has no CR, LF or NUL (`; RFC 3501 §9
 *    QUOTED-CHAR`), no 8-bit characters unless UTF8=ACCEPT is on (RFC 6855
 *    §3 `utf8-quoted`), and at most {@link MAX_QUOTED_LENGTH} octets;
 * 3. a literal `{n}` CRLF and the UTF-8 octets.
 */
import { concatBytes, utf8Bytes } from '../../core/bytes.ts';
import { allChars, isAstringChar, type ImapValue } from './values.ts';

/**
 * Longest string written quoted, in octets. Longer text goes as a literal,
 * which needs no escaping and keeps lines short; Dovecot draws a similar line.
 */
export const MAX_QUOTED_LENGTH = 1024;

/** How strings and literals are written. */
export interface WriteOptions {
  /** UTF8=ACCEPT (RFC 6855) is enabled: 8-bit text may be quoted. Default false. */
  readonly utf8?: boolean;
  /** Longest quoted string in octets; default {@link MAX_QUOTED_LENGTH}. */
  readonly maxQuoted?: number;
  /** Client only: write literals as `{n+}` (LITERAL+, RFC 7888), which need no continuation. */
  readonly literalPlus?: boolean;
}

/** How {@link chooseStringForm} would write a string. */
export type StringForm = 'atom' | 'quoted' | 'literal';

/** Picks the form for `text` in a `string` or `astring` position (see the module comment). */
export function chooseStringForm(
  text: string,
  position: 'string' | 'astring',
  options: WriteOptions = {},
): StringForm {
  if (
    position === 'astring' &&
    allChars(text, isAstringChar) &&
    text.toUpperCase() !== 'NIL' &&
    !/^\d+$/.test(text)
  ) {
    return 'atom';
  }
  const max = options.maxQuoted ?? MAX_QUOTED_LENGTH;
  if (text.length > max) return 'literal';
  let octets = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return 'literal';
    if (c >= 0x80) {
      if (options.utf8 !== true) return 'literal';
      octets += c >= 0x800 ? 3 : 2;
    } else octets++;
  }
  return octets <= max ? 'quoted' : 'literal';
}

/** A quoted string with `"` and `\` escaped (`; RFC 3501 §9 quoted`). */
export function quote(text: string): string {
  return '"' + text.replace(/["\\]/g, '\\$&') + '"';
}

/**
 * Accumulates output. `segments()` splits it after each synchronising literal
 * announcement: a client must send the first segment, wait for `+`, then the
 * next (RFC 3501 §7.5). Servers and LITERAL+ clients use `bytes()`.
 */
export class ValueWriter {
  readonly #options: WriteOptions;
  #text = '';
  #parts: Uint8Array[] = [];
  #segments: Uint8Array[] = [];

  constructor(options: WriteOptions = {}) {
    this.#options = options;
  }

  /** Appends protocol text (ASCII, or UTF-8 for free-form text). */
  text(text: string): this {
    this.#text += text;
    return this;
  }

  /** Appends one value. */
  value(v: ImapValue): this {
    switch (v.type) {
      case 'atom':
        if (v.value === '' || hasLineBreakOrNul(v.value)) {
          throw new RangeError(`An atom must be non-empty without CR, LF or NUL: ${JSON.stringify(v.value)}`);
        }
        return this.text(v.value);
      case 'number':
        if (!Number.isSafeInteger(v.value) || v.value < 0) {
          throw new RangeError(`IMAP numbers are non-negative integers: ${v.value}`);
        }
        return this.text(String(v.value));
      case 'nil':
        return this.text('NIL');
      case 'string':
      case 'astring': {
        const form = chooseStringForm(v.value, v.type, this.#options);
        if (form === 'atom') return this.text(v.value);
        if (form === 'quoted') return this.text(quote(v.value));
        return this.literal(utf8Bytes(v.value));
      }
      case 'literal':
        return this.literal(v.value, v.binary === true);
      case 'list':
        this.text('(');
        this.values(v.items);
        return this.text(')');
      case 'sequence':
        for (const item of v.items) this.value(item);
        return this;
    }
  }

  /** Appends values separated by single spaces. */
  values(values: readonly ImapValue[]): this {
    values.forEach((item, i) => {
      if (i > 0) this.text(' ');
      this.value(item);
    });
    return this;
  }

  /** Appends a literal: `{n}` CRLF and the octets (`~{n}` for literal8, `{n+}` with LITERAL+). */
  literal(data: Uint8Array, binary = false): this {
    const plus = this.#options.literalPlus === true;
    this.text(`${binary ? '~' : ''}{${data.length}${plus ? '+' : ''}}\r\n`);
    if (!plus) this.#cut();
    this.#flush();
    this.#parts.push(data);
    return this;
  }

  /** All output so far. */
  bytes(): Uint8Array {
    this.#flush();
    return concatBytes([...this.#segments, ...this.#parts]);
  }

  /** The output split after each synchronising literal announcement. */
  segments(): Uint8Array[] {
    this.#flush();
    return [...this.#segments, concatBytes(this.#parts)];
  }

  #flush(): void {
    if (this.#text === '') return;
    // Protocol text is ASCII; free text may carry UTF-8 (RFC 6855 §3). One pass either way.
    this.#parts.push(utf8Bytes(this.#text));
    this.#text = '';
  }

  #cut(): void {
    this.#flush();
    this.#segments.push(concatBytes(this.#parts));
    this.#parts = [];
  }
}

/** Writes values separated by spaces. */
export function writeValues(values: readonly ImapValue[], options: WriteOptions = {}): Uint8Array {
  return new ValueWriter(options).values(values).bytes();
}

/** CR, LF or NUL anywhere (a loop: atoms are written by the thousand). */
function hasLineBreakOrNul(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0) return true;
  }
  return false;
}
