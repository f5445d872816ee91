/**
 * The mail client's transcript: what each click put on the wire, read from
 * the trace. The engine's mail client appends a `mail client` agent event
 * (with its connection and the step's words) before each step's first
 * command and runs steps one at a time, so the connection's `bytes` events
 * between two step events are that step's commands and responses.
 *
 * Bytes become lines here, per direction: a line ends at CRLF, and a line
 * ending in a literal announcement (`{n}`, found by the engine's
 * `trailingLiteral`, RFC 3501 §4.3) is followed by exactly n octets of
 * literal data, kept as one entry so a long message body can be folded.
 */
import { MAIL_CLIENT_STEP, trailingLiteral, utf8Text, type TraceEvent } from '../../../simulators/index.ts';
import { printable } from '../terminal/line-splitter.ts';

/** Who wrote a line: the client (`C`), the server (`S`), or a note about the connection. */
export type TranscriptSide = 'C' | 'S' | 'note';

/** One line, or the data of one literal. */
export type TranscriptEntry =
  | { readonly kind: 'line'; readonly side: TranscriptSide; readonly text: string }
  | {
      readonly kind: 'literal';
      readonly side: 'C' | 'S';
      /** Octets announced. */
      readonly octets: number;
      /** The literal's text, split into lines (control characters made visible). */
      readonly lines: readonly string[];
    };

/** The wire activity of one step. */
export interface TranscriptGroup {
  /** Trace position of the step event: unique, increasing. */
  readonly seq: number;
  /** Virtual time the step began. */
  readonly at: number;
  /** What the step does, as the mail client says it (`Set \Flagged on UID 3`). */
  readonly step: string;
  readonly entries: readonly TranscriptEntry[];
}

interface Mutable {
  seq: number;
  at: number;
  step: string;
  entries: TranscriptEntry[];
}

/** One direction's framing state. */
class Framer {
  #buffer: number[] = [];
  /** Octets of the literal still to come, and its entry's collected data. */
  #literal: { remaining: number; data: number[]; octets: number } | undefined;

  constructor(readonly side: 'C' | 'S') {}

  /** Frames `bytes`, appending entries to `into` (the group current when they were sent). */
  push(bytes: Uint8Array, into: Mutable): void {
    for (const b of bytes) this.#buffer.push(b);
    for (;;) {
      const literal = this.#literal;
      if (literal !== undefined) {
        const n = Math.min(literal.remaining, this.#buffer.length);
        literal.data.push(...this.#buffer.splice(0, n));
        literal.remaining -= n;
        if (literal.remaining > 0) return;
        this.#literal = undefined;
        into.entries.push({
          kind: 'literal',
          side: this.side,
          octets: literal.octets,
          lines: splitLines(Uint8Array.from(literal.data)),
        });
        continue;
      }
      const lf = this.#buffer.indexOf(0x0a);
      if (lf === -1) return;
      const end = lf > 0 && this.#buffer[lf - 1] === 0x0d ? lf - 1 : lf;
      const line = Uint8Array.from(this.#buffer.slice(0, end));
      this.#buffer.splice(0, lf + 1);
      into.entries.push({ kind: 'line', side: this.side, text: printable(utf8Text(line)) });
      const announced = trailingLiteral(line);
      if (announced !== undefined && Number.isFinite(announced.size) && announced.size > 0)
        this.#literal = { remaining: announced.size, data: [], octets: announced.size };
    }
  }
}

/** A literal's lines: CRLF-separated, the last one kept even without a line end. */
function splitLines(bytes: Uint8Array): string[] {
  const text = utf8Text(bytes).replace(/\r\n/g, '\n');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map(printable);
}

/**
 * The steps of the mail client on connection `conn`, oldest first, each
 * with the lines of its commands and responses. TLS starting and ending
 * show as notes.
 */
export function transcriptGroups(trace: readonly TraceEvent[], conn: string | undefined): TranscriptGroup[] {
  if (conn === undefined) return [];
  const groups: Mutable[] = [];
  const framers = { c2s: new Framer('C'), s2c: new Framer('S') };
  let current: Mutable | undefined;
  for (const e of trace) {
    if (e.type === 'agent') {
      if (e.action !== MAIL_CLIENT_STEP || e.detail['conn'] !== conn) continue;
      current = { seq: e.seq, at: e.at, step: String(e.detail['step']), entries: [] };
      groups.push(current);
      continue;
    }
    if (current === undefined || !('conn' in e) || e.conn !== conn) continue;
    switch (e.type) {
      case 'bytes':
        framers[e.direction].push(e.bytes, current);
        break;
      case 'tls.established':
        current.entries.push({ kind: 'line', side: 'note', text: `TLS established (${e.version})` });
        break;
      case 'conn.closed':
        current.entries.push({ kind: 'line', side: 'note', text: 'connection closed' });
        break;
      case 'conn.reset':
        current.entries.push({ kind: 'line', side: 'note', text: `connection reset: ${e.reason}` });
        break;
    }
  }
  return groups;
}
