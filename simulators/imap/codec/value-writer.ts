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
import { utf8Bytes } from '../../core/bytes.ts';
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
 *
 * Output goes straight into one growing byte buffer, encoded as it is
 * written: a `UID FETCH 1:* (FLAGS)` of 10,000 messages is some 100,000
 * small writes, and building a string of them first would leave a rope of
 * as many pieces for the collector, then a second pass to encode it.
 */
export class ValueWriter {
  readonly #options: WriteOptions;
  #buffer: Uint8Array;
  #length = 0;
  /** Offsets at which `segments()` cuts: just after each synchronising literal's `{n}` CRLF. */
  readonly #cuts: number[] = [];

  /** `capacity`: octets to reserve at first, when the caller can tell (saves growing a 400 KB FETCH). */
  constructor(options: WriteOptions = {}, capacity = 256) {
    this.#options = options;
    this.#buffer = new Uint8Array(Math.max(16, capacity));
  }

  /** Room for `n` more octets. */
  #reserve(n: number): Uint8Array {
    const need = this.#length + n;
    if (need > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(need, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    return this.#buffer;
  }

  /** Appends protocol text (ASCII, or UTF-8 for free-form text). */
  text(text: string): this {
    const n = text.length;
    let buffer = this.#reserve(n);
    let at = this.#length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) buffer[at++] = c;
      else {
        // Rare: free text with 8-bit characters. At most three octets per UTF-16 unit.
        this.#length = at;
        const rest = utf8Bytes(text.slice(i));
        buffer = this.#reserve(rest.length);
        buffer.set(rest, at);
        at += rest.length;
        break;
      }
    }
    this.#length = at;
    return this;
  }

  /** Appends a non-negative integer in decimal, digit by digit (no string in between). */
  number(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new RangeError(`IMAP numbers are non-negative integers: ${n}`);
    // Message numbers and UIDs fit 32 bits, where integer arithmetic is cheap; mod-sequences may not.
    if (n > 0x7fffffff) return this.text(String(n));
    let digits = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
    const buffer = this.#reserve(digits);
    let at = this.#length + digits;
    this.#length = at;
    let x = n;
    do {
      const next = (x / 10) | 0;
      buffer[--at] = 0x30 + x - next * 10;
      x = next;
    } while (x > 0);
    return this;
  }

  /** Appends an atom, checking as it goes that it has no CR, LF or NUL. */
  #atom(text: string): this {
    const n = text.length;
    const buffer = this.#reserve(n);
    const at = this.#length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d || c === 0x0a || c === 0) break;
      if (c >= 0x80) return this.text(text);
      buffer[at + i] = c;
      if (i === n - 1) {
        this.#length = at + n;
        return this;
      }
    }
    throw new RangeError(`An atom must be non-empty without CR, LF or NUL: ${JSON.stringify(text)}`);
  }

  /** Appends raw octets. */
  octets(data: Uint8Array): this {
    this.#reserve(data.length).set(data, this.#length);
    this.#length += data.length;
    return this;
  }

  /** Appends one value. */
  value(v: ImapValue): this {
    switch (v.type) {
      case 'atom':
        return this.#atom(v.value);
      case 'number':
        return this.number(v.value);
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
        this.#byte(0x28); // (
        this.values(v.items);
        this.#byte(0x29); // )
        return this;
      case 'sequence':
        for (const item of v.items) this.value(item);
        return this;
    }
  }

  /** Appends values separated by single spaces. */
  values(values: readonly ImapValue[]): this {
    for (let i = 0; i < values.length; i++) {
      if (i > 0) this.#byte(0x20);
      const v = values[i]!;
      // Atoms and numbers are most of what a FETCH of 1:* writes: no second dispatch for them.
      if (v.type === 'atom') this.#atom(v.value);
      else if (v.type === 'number') this.number(v.value);
      else this.value(v);
    }
    return this;
  }

  #byte(c: number): void {
    if (this.#length === this.#buffer.length) this.#reserve(1);
    this.#buffer[this.#length++] = c;
  }

  /** Appends a literal: `{n}` CRLF and the octets (`~{n}` for literal8, `{n+}` with LITERAL+). */
  literal(data: Uint8Array, binary = false): this {
    const plus = this.#options.literalPlus === true;
    this.text(`${binary ? '~' : ''}{${data.length}${plus ? '+' : ''}}\r\n`);
    if (!plus) this.#cuts.push(this.#length);
    return this.octets(data);
  }

  /**
   * All output so far. Later writes only append, so the octets returned never
   * change; they share the writer's buffer when it is at least half used,
   * and are a copy otherwise.
   */
  bytes(): Uint8Array {
    return this.#length * 2 >= this.#buffer.length
      ? this.#buffer.subarray(0, this.#length)
      : this.#buffer.slice(0, this.#length);
  }

  /** The output split after each synchronising literal announcement. */
  segments(): Uint8Array[] {
    const out: Uint8Array[] = [];
    let from = 0;
    for (const cut of this.#cuts) {
      out.push(this.#buffer.slice(from, cut));
      from = cut;
    }
    out.push(this.#buffer.slice(from, this.#length));
    return out;
  }
}

/** Writes values separated by spaces. */
export function writeValues(values: readonly ImapValue[], options: WriteOptions = {}): Uint8Array {
  return new ValueWriter(options).values(values).bytes();
}
