/**
 * DATA framing (RFC 5321 §4.1.1.4, §4.5.2): the receiver's {@link DataReader}
 * and the sender's {@link dotStuff}.
 *
 * The end of data is the five octets CRLF "." CRLF, whose leading CRLF ends
 * the last line of the message. Only that sequence ends the data here: the
 * near-misses LF "." LF, LF "." CRLF, CRLF "." LF and CR "." CR are message
 * content. Receivers that accepted some of them while senders passed them
 * through let one message carry a second, forged one ("SMTP smuggling",
 * CVE-2023-51764 Postfix, CVE-2023-51765 Sendmail, CVE-2023-51766 Exim).
 * `lenientEndOfData` brings back the old, vulnerable behaviour so a lesson
 * can show the attack.
 */
import { concatBytes } from '../core/bytes.ts';

/** RFC 5321 §4.5.3.1.6: text line ≤ 1000 octets incl. CRLF. */
export const MAX_TEXT_LINE = 1000;

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Uint8Array.of(CR, LF);
const END_OF_DATA = Uint8Array.of(DOT, CR, LF);

/** Options for {@link DataReader}. */
export interface DataReaderOptions {
  /**
   * Largest message kept, in octets counted as RFC 1870 §3 counts SIZE: after
   * un-stuffing, with CRLF line ends, without the final ".". Beyond it the
   * reader keeps reading to the end of data but stores nothing more, and
   * reports `exceeded` so the server answers 552 5.3.4 after the final dot
   * (RFC 1870 §6). Default: no limit.
   */
  readonly maxBytes?: number;
  /** Text line limit used for `overLongLines`, in octets incl. CRLF. Default {@link MAX_TEXT_LINE}. */
  readonly maxLineLength?: number;
  /**
   * Also end the data at LF "." LF, LF "." CRLF and CRLF "." LF, as Postfix
   * did before the smuggling fixes (`smtpd_forbid_bare_newline = no`).
   * Vulnerable on purpose: for lessons only. Default `false`.
   */
  readonly lenientEndOfData?: boolean;
}

/** The received message, once the end-of-data marker has been read. */
export interface DataResult {
  readonly kind: 'message';
  /**
   * The message: un-stuffed, every line ending CRLF, ending with CRLF unless
   * empty. Empty when `exceeded` (nothing beyond the limit is kept).
   */
  readonly bytes: Uint8Array;
  /** Size of the whole message in octets (RFC 1870 §3), even when `exceeded`. */
  readonly size: number;
  /** `size` went over `maxBytes`. */
  readonly exceeded: boolean;
  /** Length of the longest line in octets, counting its CRLF (RFC 5321 §4.5.3.1.6). */
  readonly longestLine: number;
  /** Lines longer than `maxLineLength`; the server chooses whether to refuse them. */
  readonly overLongLines: number;
  /** Lines that ended in a bare LF and were stored with CRLF. */
  readonly bareLineFeeds: number;
  /** Bytes received after the end-of-data marker: pipelined commands, for command mode. */
  readonly rest: Uint8Array;
}

/** How the previous line ended; `start` is the first line, right after the 354 (the DATA command's CRLF). */
type PreviousEnding = 'start' | 'crlf' | 'lf';

/**
 * Collects a message after `354`, until CRLF "." CRLF.
 *
 * - RFC 5321 §4.5.2: a line that begins with "." and has other characters
 *   loses that first ".". A line that is a lone "." but does not end the data
 *   (strict mode: it followed or ends with a bare LF) is kept as ".": §4.5.2
 *   only strips a dot when "there are other characters on the line", and
 *   dropping it would let the attacker's line vanish from the stored copy.
 * - TOLERANCE: a bare LF ends a line and is stored as CRLF. This is Postfix
 *   3.9's default `smtpd_forbid_bare_newline = normalize` (also the meaning
 *   of `yes` on the patched 3.5–3.8 releases): bare LF lines are accepted and
 *   normalised, but only CRLF "." CRLF ends the data. Before the fix
 *   (`= no`, the old default) Postfix also normalised bare LF, and also ended
 *   the data at a "." line with any line ends: that is `lenientEndOfData`.
 *   Postfix's `reject` setting refuses bare LF instead; the server can
 *   emulate it with `bareLineFeeds`.
 * - A bare CR is kept as is (it is not a line end).
 * - Line lengths are measured after un-stuffing (§4.5.3.1.6 does not count
 *   the duplicated dot) and counted, not enforced: Postfix accepts long lines
 *   and the server decides.
 *
 * The reader scans with `indexOf` and copies runs of untouched lines in one
 * go, so its cost is close to a memcpy of the message. Its result does not
 * depend on how the bytes were split across `push` calls. One reader reads
 * one message.
 */
export class DataReader {
  readonly #maxBytes: number;
  readonly #maxLine: number;
  readonly #lenient: boolean;

  /** Undecided bytes from the end of the last push (at most ".", ".\r" or "\r"). */
  #pending: Uint8Array = new Uint8Array(0);
  #atLineStart = true;
  #previous: PreviousEnding = 'start';
  /** Octets of the current line so far (after un-stuffing, before its line end). */
  #lineLength = 0;

  #out = new Uint8Array(4096);
  #outLength = 0;
  #size = 0;
  #exceeded = false;
  #longest = 0;
  #overLong = 0;
  #bareLf = 0;
  #done = false;

  /** Creates a reader for one message; see {@link DataReaderOptions}. */
  constructor(options: DataReaderOptions = {}) {
    this.#maxBytes = options.maxBytes ?? Infinity;
    this.#maxLine = options.maxLineLength ?? MAX_TEXT_LINE;
    this.#lenient = options.lenientEndOfData ?? false;
  }

  /**
   * Reads more of the message. Returns the result once the end-of-data marker
   * has been read, with any bytes after it in `rest`; `undefined` until then.
   * Pushing after the result is a programmer error and throws.
   */
  push(bytes: Uint8Array): DataResult | undefined {
    if (this.#done) throw new Error('DataReader: the message is complete; start a new reader');
    let data = bytes;
    if (this.#pending.length > 0) {
      data = concatBytes([this.#pending, bytes]);
      this.#pending = new Uint8Array(0);
    }
    const len = data.length;
    let pos = 0;
    /** Start of the run of input not yet copied to the output. */
    let copyFrom = 0;

    while (pos < len) {
      if (this.#atLineStart) {
        if (data[pos] === DOT) {
          // The decision needs up to ". CR LF": wait for the bytes if they are not here.
          const b1 = data[pos + 1];
          if (b1 === undefined || (b1 === CR && pos + 2 >= len)) {
            this.#emit(data, copyFrom, pos);
            this.#pending = data.slice(pos);
            return undefined;
          }
          const crlf = b1 === CR && data[pos + 2] === LF;
          if (crlf || b1 === LF) {
            // A line that is only ".": the end of data, unless strict mode sees a bare LF on either side.
            const ends = this.#lenient || (crlf && this.#previous !== 'lf');
            const markerEnd = pos + (crlf ? 3 : 2);
            if (ends) {
              this.#emit(data, copyFrom, pos);
              return this.#finish(data.slice(markerEnd));
            }
            // Kept as "." (see the class comment); stored with CRLF like every line.
            this.#emit(data, copyFrom, pos + 1);
            this.#emit(CRLF, 0, 2);
            this.#endLine(1, crlf ? 'crlf' : 'lf');
            pos = markerEnd;
            copyFrom = pos;
            continue;
          }
          // RFC 5321 §4.5.2: drop the transparency dot.
          this.#emit(data, copyFrom, pos);
          pos++;
          copyFrom = pos;
        }
        this.#atLineStart = false;
      }

      const lf = data.indexOf(LF, pos);
      if (lf === -1) {
        // Keep a trailing CR back: it may be the first half of a CRLF.
        const end = data[len - 1] === CR ? len - 1 : len;
        this.#lineLength += end - pos;
        this.#emit(data, copyFrom, end);
        if (end < len) this.#pending = data.slice(end);
        return undefined;
      }
      const crlf = lf > pos && data[lf - 1] === CR;
      const contentEnd = crlf ? lf - 1 : lf;
      this.#lineLength += contentEnd - pos;
      if (crlf) {
        // The common case: nothing to rewrite, the run just grows.
        this.#endLine(this.#lineLength, 'crlf');
      } else {
        // Bare LF: copy up to it, then write CRLF in its place.
        this.#emit(data, copyFrom, lf);
        this.#emit(CRLF, 0, 2);
        copyFrom = lf + 1;
        this.#endLine(this.#lineLength, 'lf');
      }
      pos = lf + 1;
    }
    this.#emit(data, copyFrom, len);
    return undefined;
  }

  /** Whether the end-of-data marker has been read. */
  get done(): boolean {
    return this.#done;
  }

  #endLine(contentLength: number, ending: 'crlf' | 'lf'): void {
    const total = contentLength + 2;
    if (total > this.#longest) this.#longest = total;
    // RFC 5321 §4.5.3.1.6: text line ≤ 1000 octets incl. CRLF.
    if (total > this.#maxLine) this.#overLong++;
    if (ending === 'lf') this.#bareLf++;
    this.#previous = ending;
    this.#lineLength = 0;
    this.#atLineStart = true;
  }

  /** Appends `src[start, end)` to the message, or only counts it once over the limit. */
  #emit(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n <= 0) return;
    this.#size += n;
    if (this.#exceeded) return;
    if (this.#size > this.#maxBytes) {
      // RFC 1870 §6: keep reading, answer 552 after the final dot; free what was kept.
      this.#exceeded = true;
      this.#out = new Uint8Array(0);
      this.#outLength = 0;
      return;
    }
    if (this.#outLength + n > this.#out.length) {
      const grown = new Uint8Array(Math.max(this.#out.length * 2, this.#outLength + n));
      grown.set(this.#out.subarray(0, this.#outLength));
      this.#out = grown;
    }
    this.#out.set(src.subarray(start, end), this.#outLength);
    this.#outLength += n;
  }

  #finish(rest: Uint8Array): DataResult {
    this.#done = true;
    return {
      kind: 'message',
      bytes: this.#exceeded ? new Uint8Array(0) : this.#out.slice(0, this.#outLength),
      size: this.#size,
      exceeded: this.#exceeded,
      longestLine: this.#longest,
      overLongLines: this.#overLong,
      bareLineFeeds: this.#bareLf,
      rest,
    };
  }
}

/**
 * The message with every line ending made CRLF: a bare LF becomes CRLF
 * (RFC 5321 §2.3.8: lines end with CRLF only), a bare CR is left alone, and a
 * non-empty message that does not end with a line end gets a final CRLF
 * (RFC 5321 §4.1.1.4: the end-of-data marker's CRLF belongs to the last line).
 */
export function normaliseLineEndings(body: Uint8Array): Uint8Array {
  return transform(body, false);
}

/** The length {@link normaliseLineEndings} would give, counted without building it. */
export function normalisedLength(body: Uint8Array): number {
  let length = body.length;
  let lineStart = 0;
  for (let lf = body.indexOf(LF); lf !== -1; lf = body.indexOf(LF, lineStart)) {
    if (lf === 0 || body[lf - 1] !== CR) length++;
    lineStart = lf + 1;
  }
  return lineStart < body.length ? length + 2 : length;
}

/**
 * What a client sends after `354`: the body with CRLF line ends
 * ({@link normaliseLineEndings}), a "." added before every line that starts
 * with "." (RFC 5321 §4.5.2), then the end-of-data ".\r\n".
 * `DataReader` applied to the result gives `normaliseLineEndings(body)` back.
 */
export function dotStuff(body: Uint8Array): Uint8Array {
  return transform(body, true);
}

function transform(body: Uint8Array, stuff: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  let from = 0;
  let lineStart = 0;
  for (;;) {
    if (stuff && body[lineStart] === DOT) {
      parts.push(body.subarray(from, lineStart), Uint8Array.of(DOT));
      from = lineStart;
    }
    const lf = body.indexOf(LF, lineStart);
    if (lf === -1) break;
    if (lf === 0 || body[lf - 1] !== CR) {
      parts.push(body.subarray(from, lf), CRLF);
      from = lf + 1;
    }
    lineStart = lf + 1;
  }
  parts.push(body.subarray(from));
  if (lineStart < body.length) parts.push(CRLF);
  if (stuff) parts.push(END_OF_DATA);
  return concatBytes(parts);
}
