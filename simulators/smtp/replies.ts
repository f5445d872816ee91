/**
 * SMTP replies (RFC 5321 §4.2): one line is `Reply-code [ SP text ]`, and a
 * multi-line reply repeats the code with "-" on every line but the last
 * (§4.2.1). Enhanced status codes (RFC 3463) lead the text once the server
 * advertises ENHANCEDSTATUSCODES (RFC 2034).
 */
import { utf8Bytes } from '../core/bytes.ts';

/** One reply line, split. */
export interface ReplyLine {
  /** Three digits, 200–559 (RFC 5321 §4.2 Reply-code = %x32-35 %x30-35 %x30-39). */
  readonly code: number;
  /** `-`: more lines follow; ` `: this is the last line (RFC 5321 §4.2.1). */
  readonly separator: '-' | ' ';
  readonly text: string;
}

/** A complete reply. */
export interface Reply {
  readonly code: number;
  /** RFC 3463 status code, e.g. `2.1.0`, when the first line starts with one of the reply's class. */
  readonly enhanced?: string;
  /** Each line's text, without the code and without the enhanced code where it was repeated. */
  readonly lines: readonly string[];
}

const REPLY_LINE = /^([2-5][0-5][0-9])(?:([ -])(.*))?$/s;
/** RFC 3463 §2: class "." subject "." detail, subject and detail 1–3 digits. */
const ENHANCED_PREFIX = /^([245]\.[0-9]{1,3}\.[0-9]{1,3})(?: +|$)/;

/**
 * Splits one reply line (without CRLF), or returns `undefined` if it is not
 * one. TOLERANCE: a bare code (`250`) is the last line with empty text, as
 * RFC 5321 §4.2 allows; `250-` with nothing after it is accepted too.
 */
export function parseReplyLine(line: string): ReplyLine | undefined {
  const m = REPLY_LINE.exec(line);
  if (m === null) return undefined;
  return { code: Number(m[1]), separator: m[2] === '-' ? '-' : ' ', text: m[3] ?? '' };
}

/** What {@link ReplyAssembler.push} reports. */
export type ReplyEvent =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'malformed'; readonly line: string; readonly reason: string };

/** Options for {@link ReplyAssembler}. */
export interface ReplyAssemblerOptions {
  /** Most lines in one reply before it is reported malformed, so a peer cannot grow it forever. Default 1000. */
  readonly maxLines?: number;
}

/**
 * Gathers reply lines into replies (RFC 5321 §4.2.1). A line that is not a
 * reply line, or a continuation with a different code, is reported
 * `malformed` and drops the partial reply: the client then treats the server
 * as broken, as §4.2.1 expects of a reply it cannot parse.
 */
export class ReplyAssembler {
  #code: number | undefined;
  #texts: string[] = [];
  readonly #maxLines: number;

  /** Creates an assembler; see {@link ReplyAssemblerOptions}. */
  constructor(options: ReplyAssemblerOptions = {}) {
    this.#maxLines = options.maxLines ?? 1000;
  }

  /** Adds one line (without CRLF); returns a reply once its last line arrives. */
  push(line: string): ReplyEvent | undefined {
    const parsed = parseReplyLine(line);
    if (parsed === undefined) return this.#malformed(line, 'not an SMTP reply line (RFC 5321 §4.2)');
    if (this.#code !== undefined && parsed.code !== this.#code)
      return this.#malformed(
        line,
        `reply code changed from ${this.#code} within a multi-line reply (RFC 5321 §4.2.1)`,
      );
    this.#code = parsed.code;
    this.#texts.push(parsed.text);
    if (parsed.separator === '-') {
      if (this.#texts.length >= this.#maxLines) return this.#malformed(line, 'multi-line reply too long');
      return undefined;
    }
    const reply = buildReply(parsed.code, this.#texts);
    this.#code = undefined;
    this.#texts = [];
    return { kind: 'reply', reply };
  }

  /** Whether a multi-line reply has started but not finished. */
  get pending(): boolean {
    return this.#code !== undefined;
  }

  #malformed(line: string, reason: string): ReplyEvent {
    this.#code = undefined;
    this.#texts = [];
    return { kind: 'malformed', line, reason };
  }
}

/** Builds a reply, lifting out the enhanced code (RFC 2034 §4) when the first line has one of the right class. */
function buildReply(code: number, texts: readonly string[]): Reply {
  const first = ENHANCED_PREFIX.exec(texts[0] ?? '');
  const enhanced = first?.[1];
  // RFC 3463 §2: the class (first digit) must match the reply's success/failure class.
  if (enhanced === undefined || enhanced[0] !== String(code)[0]) return { code, lines: [...texts] };
  const lines = texts.map((t) => {
    const m = ENHANCED_PREFIX.exec(t);
    return m !== null && m[1] === enhanced ? t.slice(m[0].length) : t;
  });
  return { code, enhanced, lines };
}

/**
 * The wire form of a reply, with CRLFs. Each line but the last uses "-"
 * (RFC 5321 §4.2.1). With `enhanced`, every line starts with it, as Postfix
 * and Gmail do: RFC 2034 §4 asks for it on the text of all 2xx, 4xx and 5xx
 * replies except the greeting and the replies to HELO/EHLO, which the caller
 * therefore formats without one. A string with newlines becomes several lines.
 * Throws on a code that is not a reply code or text with a CR (programmer errors).
 */
export function formatReply(code: number, lines: string | readonly string[], enhanced?: string): string {
  if (!REPLY_LINE.test(String(code))) throw new RangeError(`not an SMTP reply code: ${code}`);
  if (enhanced !== undefined && (!ENHANCED_PREFIX.test(enhanced) || enhanced[0] !== String(code)[0]))
    throw new RangeError(`enhanced code ${enhanced} does not fit reply ${code}`);
  const texts = typeof lines === 'string' ? lines.split(/\r?\n/) : lines.length === 0 ? [''] : lines;
  let out = '';
  texts.forEach((text, i) => {
    if (/[\r\n]/.test(text)) throw new RangeError('reply text may not contain CR or LF');
    const last = i === texts.length - 1;
    const body = enhanced === undefined ? text : text === '' ? enhanced : `${enhanced} ${text}`;
    // RFC 5321 §4.2: the last line may be the bare code when there is no text.
    out += body === '' && last ? `${code}\r\n` : `${code}${last ? ' ' : '-'}${body}\r\n`;
  });
  return out;
}

/** {@link formatReply} as UTF-8 bytes (RFC 6531 §3.7.4 allows UTF-8 text once SMTPUTF8 is in use). */
export function encodeReply(code: number, lines: string | readonly string[], enhanced?: string): Uint8Array {
  return utf8Bytes(formatReply(code, lines, enhanced));
}

/**
 * The extensions in a 250 reply to EHLO (RFC 5321 §4.1.1.1): keyword
 * (upper-cased) → parameters. Pass all the reply's lines; the first, the
 * server's domain and greeting, is skipped. TOLERANCE: the pre-standard
 * `AUTH=PLAIN LOGIN` form (sent for old Outlook clients) is read as `AUTH`,
 * and parameters of a keyword listed twice are merged without duplicates.
 */
export function parseEhloKeywords(lines: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const words = line.trim().split(/[ \t]+/);
    let keyword = words[0] ?? '';
    const params = words.slice(1);
    const eq = keyword.indexOf('=');
    if (eq !== -1) {
      if (eq + 1 < keyword.length) params.unshift(keyword.slice(eq + 1));
      keyword = keyword.slice(0, eq);
    }
    // RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-").
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(keyword)) continue;
    const key = keyword.toUpperCase();
    const known = out.get(key) ?? [];
    for (const p of params) if (!known.includes(p)) known.push(p);
    out.set(key, known);
  }
  return out;
}
