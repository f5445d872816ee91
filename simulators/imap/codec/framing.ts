/**
 * IMAP framing, shared by the server's command reader and the client's
 * response reader: split a byte stream into complete commands or responses,
 * where a line ending in a literal announcement continues after the literal.
 *
 * ```
 * ; RFC 3501 §9 / RFC 7888 §8 / RFC 3516 §4.2
 * literal  = "{" number ["+"] "}" CRLF *CHAR8
 * literal8 = "~{" number ["+"] "}" CRLF *OCTET
 * ```
 *
 * The framer is lazy: `receive` only queues bytes, `poll` frames as far as it
 * can in the mode the caller names. The results never depend on how the
 * bytes were chunked. Large literals are gathered as chunks, not by
 * re-concatenating a growing buffer.
 *
 * Limits are refused before the data is read: a synchronising literal that is
 * too big is reported at once and the command dropped (the client has not
 * sent the data; it waits for `+` and gets the server's tagged reply
 * instead); a non-synchronising one is reported, and its data and the rest of
 * the command are then skipped, because the client sends them regardless
 * (RFC 7888 §4).
 *
 * TOLERANCE: a bare LF ends a line, as Dovecot and Cyrus accept from clients.
 */
import { concatBytes, utf8Text } from '../../core/bytes.ts';

const LF = 0x0a;
const CR = 0x0d;
const DQUOTE = 0x22;
const PLUS = 0x2b;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const TILDE = 0x7e;

/** A `{n}`, `{n+}` or `~{n}` at the end of a line. */
export interface LiteralAnnouncement {
  readonly size: number;
  /** `{n+}`: the data follows without waiting for `+` (RFC 7888). */
  readonly nonSync: boolean;
  /** `~{n}` (RFC 3516 literal8). */
  readonly binary: boolean;
}

/**
 * The literal announced at the end of `line` (without its line ending), if
 * any. A `{n}` inside an unterminated quoted string is not an announcement.
 */
export function trailingLiteral(line: Uint8Array): LiteralAnnouncement | undefined {
  let i = line.length - 1;
  if (line[i] !== RBRACE) return undefined;
  i--;
  const nonSync = line[i] === PLUS;
  if (nonSync) i--;
  const digitsEnd = i + 1;
  while (i >= 0 && line[i]! >= 0x30 && line[i]! <= 0x39) i--;
  if (i + 1 === digitsEnd || i < 0 || line[i] !== LBRACE) return undefined;
  const brace = i;
  let quoted = false;
  for (let k = 0; k < brace; k++) {
    const c = line[k];
    if (c === DQUOTE) quoted = !quoted;
    else if (c === BACKSLASH && quoted) k++;
  }
  if (quoted) return undefined;
  const digits = digitsEnd - brace - 1;
  // More than 15 digits cannot be a size anyone accepts; avoid imprecise numbers.
  const size = digits > 15 ? Infinity : Number(utf8Text(line, brace + 1, digitsEnd));
  return { size, nonSync, binary: brace > 0 && line[brace - 1] === TILDE };
}

/** A FIFO of received chunks. */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  #head = 0;
  #length = 0;

  /** Octets queued. */
  get length(): number {
    return this.#length;
  }

  /** Queues a copy of `bytes` (the caller may reuse its buffer). */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes.slice());
    this.#length += bytes.length;
    // Many tiny chunks (a byte at a time) would make every scan walk them all;
    // merging is cheap while little is queued, and large data arrives in large chunks.
    if (this.#chunks.length > 64 && this.#length <= 1 << 20) {
      this.#chunks = [this.peek(this.#length)];
      this.#head = 0;
    }
  }

  /** Offset from the front of the first `byte` in `[from, limit)`, or -1. */
  indexOf(byte: number, from = 0, limit = this.#length): number {
    let base = 0;
    for (let i = 0; i < this.#chunks.length && base < limit; i++) {
      const chunk = this.#chunks[i]!;
      const start = i === 0 ? this.#head : 0;
      const len = chunk.length - start;
      if (from < base + len) {
        const idx = chunk.indexOf(byte, start + Math.max(0, from - base));
        if (idx >= 0) {
          const at = base + idx - start;
          return at < limit ? at : -1;
        }
      }
      base += len;
    }
    return -1;
  }

  /** Removes and returns the first `n` octets (`n` ≤ length). */
  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const k = Math.min(n - filled, chunk.length - this.#head);
      out.set(chunk.subarray(this.#head, this.#head + k), filled);
      filled += k;
      this.#advance(k);
    }
    return out;
  }

  /** Returns the first `n` octets (`n` ≤ length) without removing them. */
  peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    for (let i = 0; filled < n; i++) {
      const chunk = this.#chunks[i]!;
      const start = i === 0 ? this.#head : 0;
      const k = Math.min(n - filled, chunk.length - start);
      out.set(chunk.subarray(start, start + k), filled);
      filled += k;
    }
    return out;
  }

  /** Drops the first `n` octets (`n` ≤ length). */
  skip(n: number): void {
    let left = n;
    while (left > 0) {
      const k = Math.min(left, this.#chunks[0]!.length - this.#head);
      this.#advance(k);
      left -= k;
    }
  }

  #advance(k: number): void {
    this.#head += k;
    this.#length -= k;
    if (this.#head === this.#chunks[0]!.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}

/** Limits, in octets. */
export interface FramerLimits {
  /** Longest line, CRLF included, literals excluded. */
  readonly maxLineLength: number;
  /** Largest literal. */
  readonly maxLiteralSize: number;
  /** Largest `{n+}` literal (4096 for LITERAL-, RFC 7888 §5). */
  readonly maxNonSyncLiteralSize: number;
  /** Largest command or response, lines and literals together. */
  readonly maxMessageSize: number;
}

/** What the framer yields. `tag` is the first line's tag when it has a valid one. */
export type FrameEvent =
  /** `end`: where the final line ending starts (known exactly here, unlike after the fact). */
  | { readonly kind: 'message'; readonly raw: Uint8Array; readonly end: number }
  | { readonly kind: 'line'; readonly text: string; readonly raw: Uint8Array }
  | { readonly kind: 'continuation-needed'; readonly tag?: string; readonly size: number }
  | { readonly kind: 'line-too-long'; readonly tag?: string; readonly limit: number }
  | {
      readonly kind: 'literal-too-big';
      readonly tag?: string;
      readonly size: number;
      readonly limit: number;
      readonly synchronizing: boolean;
    }
  | { readonly kind: 'message-too-big'; readonly tag?: string; readonly limit: number };

type State =
  | { readonly kind: 'start' }
  | { readonly kind: 'line' }
  | { readonly kind: 'literal'; remaining: number }
  | { readonly kind: 'skip'; remaining: number }
  | { readonly kind: 'discard'; tail: string };

/** How a framer is specialised for one side of the connection. */
export interface FramerRole {
  /** The server waits for `+` before synchronising literals; the client never does. */
  readonly continuations: boolean;
  /** The literal announced by a line, or undefined (e.g. for a status response's free text). */
  readonly announcement: (line: Uint8Array, first: boolean) => LiteralAnnouncement | undefined;
  /** The tag of a first line, for error reports. */
  readonly tagOf: (line: Uint8Array) => string | undefined;
}

/** The shared framing state machine; see the module comment. */
export class Framer {
  readonly #queue = new ByteQueue();
  readonly #limits: FramerLimits;
  readonly #role: FramerRole;
  #state: State = { kind: 'start' };
  #parts: Uint8Array[] = [];
  #size = 0;
  #tag: string | undefined;
  /** Octets at the front already searched for LF, so a slowly arriving line is scanned once. */
  #scanned = 0;

  constructor(limits: FramerLimits, role: FramerRole) {
    this.#limits = limits;
    this.#role = role;
  }

  /** Queues received octets. */
  receive(bytes: Uint8Array): void {
    this.#queue.push(bytes);
  }

  /** Octets received but not yet framed. */
  get buffered(): number {
    return this.#queue.length;
  }

  /** Whether a command or response has begun but not ended. */
  get inMessage(): boolean {
    return this.#state.kind !== 'start';
  }

  /** Drops a command whose synchronising literal the server refused instead of sending `+`. */
  abandonMessage(): void {
    if (this.#state.kind === 'literal' || this.#state.kind === 'line') this.#reset();
  }

  /** The next event, or undefined when more octets are needed. */
  poll(mode: 'message' | 'line' = 'message'): FrameEvent | undefined {
    for (;;) {
      const s = this.#state;
      switch (s.kind) {
        case 'literal': {
          if (s.remaining > 0) {
            const n = Math.min(s.remaining, this.#queue.length);
            if (n === 0) return undefined;
            this.#parts.push(this.#queue.take(n));
            s.remaining -= n;
            if (s.remaining > 0) return undefined;
          }
          this.#state = { kind: 'line' };
          continue;
        }
        case 'skip': {
          const n = Math.min(s.remaining, this.#queue.length);
          this.#queue.skip(n);
          s.remaining -= n;
          if (s.remaining > 0) return undefined;
          this.#state = { kind: 'discard', tail: '' };
          continue;
        }
        case 'discard': {
          const lf = this.#queue.indexOf(LF);
          if (lf < 0) {
            const all = this.#queue.take(this.#queue.length);
            s.tail = (s.tail + utf8Text(all, Math.max(0, all.length - 24))).slice(-24);
            return undefined;
          }
          const rest = this.#queue.take(lf + 1);
          const tail = (s.tail + utf8Text(rest, Math.max(0, rest.length - 26))).replace(/\r?\n$/, '');
          // The refused command may go on with another literal whose data is on its way.
          const m = (this.#role.continuations ? /\{(\d{1,15})\+\}$/ : /\{(\d{1,15})\+?\}$/).exec(tail);
          this.#state = m ? { kind: 'skip', remaining: Number(m[1]) } : { kind: 'start' };
          continue;
        }
        case 'start':
        case 'line': {
          const first = s.kind === 'start';
          const max = this.#limits.maxLineLength;
          const lf = this.#queue.indexOf(LF, this.#scanned, max);
          if (lf < 0) {
            this.#scanned = Math.min(this.#queue.length, max);
            if (this.#queue.length < max) return undefined;
            const tag = first ? this.#role.tagOf(this.#queue.peek(max)) : this.#tag;
            this.#scanned = 0;
            this.#reset();
            this.#state = { kind: 'discard', tail: '' };
            return withTag({ kind: 'line-too-long', limit: max }, tag);
          }
          const line = this.#queue.take(lf + 1);
          this.#scanned = 0;
          const content = line.subarray(0, lf > 0 && line[lf - 1] === CR ? lf - 1 : lf);
          if (first && mode === 'line') return { kind: 'line', text: utf8Text(content), raw: content };
          if (first) this.#tag = this.#role.tagOf(line);
          const tag = this.#tag;
          this.#parts.push(line);
          this.#size += line.length;
          const lit = this.#role.announcement(content, first);
          if (this.#size > this.#limits.maxMessageSize) {
            this.#reset();
            if (lit?.nonSync === true || (lit && !this.#role.continuations))
              this.#state = { kind: 'skip', remaining: lit.size };
            return withTag({ kind: 'message-too-big', limit: this.#limits.maxMessageSize }, tag);
          }
          if (lit === undefined) {
            const raw = concatBytes(this.#parts);
            this.#reset();
            return { kind: 'message', raw, end: raw.length - (line.length - content.length) };
          }
          const sync = !lit.nonSync && this.#role.continuations;
          const limit = lit.nonSync ? this.#limits.maxNonSyncLiteralSize : this.#limits.maxLiteralSize;
          const tooBig = lit.size > limit;
          if (tooBig || this.#size + lit.size > this.#limits.maxMessageSize) {
            this.#reset();
            if (!sync) this.#state = { kind: 'skip', remaining: lit.size };
            return tooBig
              ? withTag({ kind: 'literal-too-big', size: lit.size, limit, synchronizing: sync }, tag)
              : withTag({ kind: 'message-too-big', limit: this.#limits.maxMessageSize }, tag);
          }
          this.#size += lit.size;
          this.#state = { kind: 'literal', remaining: lit.size };
          if (sync) return withTag({ kind: 'continuation-needed', size: lit.size }, tag);
          continue;
        }
      }
    }
  }

  #reset(): void {
    this.#state = { kind: 'start' };
    this.#parts = [];
    this.#size = 0;
    this.#tag = undefined;
  }
}

function withTag<E extends FrameEvent>(event: E, tag: string | undefined): E {
  return tag === undefined ? event : { ...event, tag };
}
