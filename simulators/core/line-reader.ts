/**
 * Line framing for the line-based protocols (SMTP commands and replies, POP3
 * commands and responses): push bytes as they arrive, take complete lines,
 * with a length limit that a peer cannot get around by never sending a line
 * end. Each protocol chooses its limit (SMTP: RFC 5321 §4.5.3.1.4, 512;
 * POP3: RFC 2449 §4, 255).
 */
import { utf8Text } from './bytes.ts';

const CR = 0x0d;
const LF = 0x0a;

/** A complete line, or the notice that one was too long. */
export type LineResult =
  | {
      readonly kind: 'line';
      /** The line decoded as UTF-8 (malformed sequences become U+FFFD), without its line ending. */
      readonly text: string;
      /** The raw octets, without the line ending. */
      readonly bytes: Uint8Array;
      /** `lf`: the line ended in a bare LF, which only a tolerant reader accepts (RFC 5321 §2.3.8). */
      readonly ending: 'crlf' | 'lf';
      /** The line holds a NUL octet; servers answer 500 (RFC 5321 §4.1.1 allows none in commands). */
      readonly hasNul: boolean;
    }
  | {
      readonly kind: 'too-long';
      /** The limit that was exceeded, in octets including CRLF. */
      readonly limit: number;
    };

/** Options for {@link LineReader}. */
export interface LineReaderOptions {
  /**
   * Longest accepted line in octets, counting the line ending as two octets.
   * Default 512 (SMTP's command limit, RFC 5321 §4.5.3.1.4). Real servers
   * allow more (Postfix `line_length_limit` = 2048); the SASL exchange needs
   * more for XOAUTH2 tokens (RFC 4954 §4 puts no limit on it: use ≥ 12288).
   */
  readonly maxLineLength?: number;
}

/**
 * Command-mode line framing: push bytes as they arrive, take complete lines.
 *
 * - A line ends at CRLF. TOLERANCE: a bare LF also ends a line, as Postfix
 *   does in command mode (`smtpd_forbid_bare_newline` = `no` before 3.9,
 *   `normalize` from 3.9 on; only `reject` refuses it). The result says which
 *   ending was seen so the server can flag or refuse it. A bare CR is data.
 * - An over-long line yields `{ kind: 'too-long' }` exactly once; the rest of
 *   it, up to the next line ending, is discarded and reading continues. RFC
 *   5321 §4.2.2 lists "command line too long" under 500; the registered
 *   enhanced code closest to it is 5.5.2 (syntax error) — X.5.6 is
 *   registered for over-long AUTH exchange lines only (RFC 4954 §6).
 * - A NUL octet is passed through and flagged (`hasNul`).
 *
 * The result is independent of how the bytes were split across `push` calls.
 */
export class LineReader {
  #buffer = new Uint8Array(0);
  /** Start of unread bytes in `#buffer`. */
  #start = 0;
  /** Discarding the tail of an over-long line until the next LF. */
  #discarding = false;
  readonly #max: number;

  /** Creates a reader; see {@link LineReaderOptions}. */
  constructor(options: LineReaderOptions = {}) {
    const max = options.maxLineLength ?? 512;
    if (!Number.isInteger(max) || max < 3)
      throw new RangeError(`maxLineLength must be an integer ≥ 3: ${max}`);
    this.#max = max;
  }

  /** Appends received bytes. Lines become available through {@link next}. */
  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const unread = this.#buffer.length - this.#start;
    if (unread === 0) {
      this.#buffer = bytes.slice();
    } else {
      const merged = new Uint8Array(unread + bytes.length);
      merged.set(this.#buffer.subarray(this.#start));
      merged.set(bytes, unread);
      this.#buffer = merged;
    }
    this.#start = 0;
  }

  /** The next complete line, a `too-long` notice, or `undefined` when more bytes are needed. */
  next(): LineResult | undefined {
    for (;;) {
      const buf = this.#buffer;
      const lf = buf.indexOf(LF, this.#start);
      if (this.#discarding) {
        if (lf === -1) {
          this.#start = buf.length;
          return undefined;
        }
        this.#discarding = false;
        this.#start = lf + 1;
        continue;
      }
      if (lf === -1) {
        // No line end yet: decide now if the line can no longer fit, so a
        // peer cannot make us buffer without bound. A trailing CR may be half
        // of the CRLF, so it does not count yet.
        let pending = buf.length - this.#start;
        if (pending > 0 && buf[buf.length - 1] === CR) pending--;
        if (pending + 2 > this.#max) {
          this.#discarding = true;
          this.#start = buf.length;
          return { kind: 'too-long', limit: this.#max };
        }
        return undefined;
      }
      const crlf = lf > this.#start && buf[lf - 1] === CR;
      const end = crlf ? lf - 1 : lf;
      const start = this.#start;
      this.#start = lf + 1;
      // RFC 5321 §4.5.3.1.4: the limit counts the CRLF.
      if (end - start + 2 > this.#max) return { kind: 'too-long', limit: this.#max };
      // A view, not a copy: a buffer is never written after it is made (`push` makes a new one).
      const bytes = buf.subarray(start, end);
      return {
        kind: 'line',
        text: utf8Text(bytes),
        bytes,
        ending: crlf ? 'crlf' : 'lf',
        hasNul: bytes.indexOf(0) !== -1,
      };
    }
  }

  /**
   * Removes and returns every byte not yet returned as a line. The session
   * calls it when framing changes: after `354`, the bytes go to a
   * {@link DataReader}; after `220` to STARTTLS they must be thrown away,
   * because plaintext pipelined behind STARTTLS is an injection attack
   * (RFC 3207 §6, CVE-2011-0411).
   */
  takeBuffered(): Uint8Array {
    const rest = this.#discarding ? new Uint8Array(0) : this.#buffer.slice(this.#start);
    this.#buffer = new Uint8Array(0);
    this.#start = 0;
    this.#discarding = false;
    return rest;
  }

  /** Number of buffered bytes not yet returned as a line. */
  get bufferedLength(): number {
    return this.#discarding ? 0 : this.#buffer.length - this.#start;
  }
}
