/**
 * Counts what a client sends in lines, without keeping any of it: how many
 * lines ended in a chunk, and how many octets the line still open has. The
 * bridge's rate limit and its line limit read these (limits.ts).
 *
 * With `imapLiterals`, a line ending in `{N}` or `{N+}` (RFC 3501 §4.3,
 * RFC 7888) announces N octets of literal, which are neither counted as
 * lines nor as an open line: an APPEND of a 5 MB message is one command. The
 * meter keeps the last few octets of the open line to see that ending across
 * chunk boundaries; it does not otherwise parse.
 */

const LF = 0x0a;
/** `{` + 20 digits + `+}` + CR: longer tails cannot be a literal's announcement. */
const TAIL = 24;
const LITERAL_AT_END = /\{(\d{1,20})\+?\}\r?$/;

export class LineMeter {
  /** Octets of the line still open (not ended by LF), literals excluded. */
  pending = 0;
  #literal = 0;
  #tail = '';

  /**
   * `maxLiteral`: larger announcements are not skipped, since the session
   * refuses them and reads what follows as lines (so must we).
   */
  constructor(
    readonly imapLiterals: boolean,
    readonly maxLiteral = Infinity,
  ) {}

  /** Takes a chunk; returns how many lines it ended (literal octets excluded). */
  feed(bytes: Uint8Array): number {
    let lines = 0;
    let i = 0;
    while (i < bytes.length) {
      if (this.#literal > 0) {
        const skip = Math.min(this.#literal, bytes.length - i);
        this.#literal -= skip;
        i += skip;
        continue;
      }
      const lf = bytes.indexOf(LF, i);
      const end = lf < 0 ? bytes.length : lf;
      this.pending += end - i;
      if (this.imapLiterals) this.#keepTail(bytes.subarray(Math.max(i, end - TAIL), end));
      if (lf < 0) break;
      lines++;
      if (this.imapLiterals) {
        const m = LITERAL_AT_END.exec(this.#tail);
        // A literal continues the command, so the line stays open across it.
        const size = m ? Number(m[1]) : 0;
        if (m && size <= this.maxLiteral) this.#literal = size;
        else this.pending = 0;
        this.#tail = '';
      } else {
        this.pending = 0;
      }
      i = lf + 1;
    }
    return lines;
  }

  #keepTail(part: Uint8Array): void {
    let text = this.#tail;
    for (const b of part) text += String.fromCharCode(b);
    this.#tail = text.length > TAIL ? text.slice(-TAIL) : text;
  }
}
