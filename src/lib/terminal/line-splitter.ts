/**
 * Turns the byte stream a server sends into the lines a terminal prints.
 * SMTP lines end in CRLF (RFC 5321 §2.3.8); a chunk from the network may hold
 * several lines or end in the middle of one, so the tail waits for the next
 * chunk. TOLERANCE: a bare LF also ends a line, as telnet would show it.
 */
import { utf8Text } from '../../../simulators/index.ts';

/** Splits a byte stream into lines; keeps the unfinished tail between chunks. */
export class LineSplitter {
  #tail: Uint8Array = new Uint8Array(0);

  /** Adds a chunk; returns the lines it completes, without their line ends. */
  push(chunk: Uint8Array): string[] {
    const bytes = this.#tail.length === 0 ? chunk : concat(this.#tail, chunk);
    const lines: string[] = [];
    let start = 0;
    for (let lf = bytes.indexOf(0x0a, start); lf !== -1; lf = bytes.indexOf(0x0a, start)) {
      const end = lf > start && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
      lines.push(printable(utf8Text(bytes, start, end)));
      start = lf + 1;
    }
    this.#tail = bytes.slice(start);
    return lines;
  }

  /** The unfinished last line, if any (when the connection ends); the splitter is empty afterwards. */
  flush(): string | undefined {
    if (this.#tail.length === 0) return undefined;
    const line = printable(utf8Text(this.#tail));
    this.#tail = new Uint8Array(0);
    return line;
  }
}

/**
 * Makes text safe to print on a terminal: control characters (which could
 * move the cursor or start an escape sequence) become their Unicode control
 * pictures (U+2400 block), so binary garbage shows as what it is; C1
 * controls (which xterm would also obey) become U+FFFD. Tabs stay.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x7f) return '\u2421';
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
