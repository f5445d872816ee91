/**
 * The client side: server octets in, {@link ImapResponse}s out — the inverse
 * of the response encoder, for the IMAP client machine and bridge tests.
 *
 * {@link ResponseReader} frames the stream (literals `{n}` and `~{n}` are read
 * without any continuation, as RFC 3501 §7.5 has servers send them) and
 * {@link parseResponse} parses one framed response. Data values come back as
 * {@link ImapValue}s: digit atoms as numbers, `NIL` as nil, quoted strings as
 * `string`, literals as `literal` octets, and BODY[…] names as one atom
 * (`BODY[HEADER.FIELDS (SUBJECT)]<0>`).
 *
 * Status responses (`OK`, `NO`, `BAD`, `BYE`, `PREAUTH`) and continuation
 * requests end in free text, which is not scanned for literals.
 * SIMPLIFICATION: a literal inside a response code is not supported (no
 * server sends one).
 */
import { utf8Bytes, utf8Text } from '../../core/bytes.ts';
import { peekTag } from './command-parser.ts';
import { Framer, trailingLiteral } from './framing.ts';
import { fail, ok, type Parsed } from './result.ts';
import type { ImapResponse, ResponseCode, UntaggedStatus } from './responses.ts';
import { SIMPLE_RESPONSE_CODES } from './responses.ts';
import { listSequenceSet, parseSequenceSet } from './sequence-set.ts';
import { contentEnd, tokenize, type Token } from './tokenizer.ts';
import { isTag, literal, type ImapValue } from './values.ts';

/** Default nesting limit for responses: deep MIME trees make deep BODYSTRUCTUREs. */
export const DEFAULT_RESPONSE_MAX_DEPTH = 256;

const SP = 0x20;
const STATUS_WORDS: ReadonlySet<string> = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);

/** Options for reading responses. */
export interface ResponseParseOptions {
  /** Deepest nesting of lists; default {@link DEFAULT_RESPONSE_MAX_DEPTH}. */
  readonly maxDepth?: number;
  /** Where the final line ending starts, when the framer knows; default: found by looking. */
  readonly end?: number;
}

/** A token as a value: digits → number, NIL → nil. */
export function tokenToValue(t: Token): ImapValue {
  switch (t.kind) {
    case 'atom':
      if (t.section === undefined && /^\d+$/.test(t.value) && Number(t.value) <= Number.MAX_SAFE_INTEGER) {
        return { type: 'number', value: Number(t.value) };
      }
      if (t.section === undefined && t.value.toUpperCase() === 'NIL') return { type: 'nil' };
      return { type: 'atom', value: t.value };
    case 'quoted':
      return { type: 'string', value: t.value };
    case 'literal':
      return literal(t.value, t.binary);
    case 'list':
      return { type: 'list', items: t.items.map(tokenToValue) };
  }
}

function numbersOf(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const set = parseSequenceSet(text, { allowSaved: false });
  if (!set.ok) return undefined;
  const list = listSequenceSet(set.value);
  return list.ok ? list.value : undefined;
}

function typedCode(name: string, tokens: readonly Token[]): ResponseCode | undefined {
  const atoms = tokens.map((t) => (t.kind === 'atom' ? t.value : undefined));
  const number = (i: number) => {
    const a = atoms[i];
    return a !== undefined && /^\d+$/.test(a) ? Number(a) : undefined;
  };
  switch (name) {
    case 'UIDVALIDITY':
    case 'UIDNEXT':
    case 'UNSEEN':
    case 'HIGHESTMODSEQ': {
      const value = number(0);
      return value === undefined || tokens.length !== 1 ? undefined : { code: name, value };
    }
    case 'PERMANENTFLAGS': {
      const l = tokens[0];
      if (l?.kind !== 'list' || tokens.length !== 1) return undefined;
      const flags = l.items.map((t) => (t.kind === 'atom' ? t.value : ''));
      return flags.includes('') ? undefined : { code: name, flags };
    }
    case 'CAPABILITY':
      return atoms.includes(undefined) ? undefined : { code: name, capabilities: atoms as string[] };
    case 'BADCHARSET': {
      if (tokens.length === 0) return { code: name };
      const l = tokens[0];
      if (l?.kind !== 'list' || tokens.length !== 1) return undefined;
      const charsets: string[] = [];
      for (const t of l.items) {
        if (t.kind === 'list') return undefined;
        charsets.push(t.kind === 'literal' ? utf8Text(t.value) : t.value);
      }
      return { code: name, charsets };
    }
    case 'APPENDUID': {
      const uidValidity = number(0);
      const uids = numbersOf(atoms[1]);
      return uidValidity === undefined || uids === undefined || tokens.length !== 2
        ? undefined
        : { code: name, uidValidity, uids };
    }
    case 'COPYUID': {
      const uidValidity = number(0);
      const sourceUids = numbersOf(atoms[1]);
      const destinationUids = numbersOf(atoms[2]);
      return uidValidity === undefined || !sourceUids || !destinationUids || tokens.length !== 3
        ? undefined
        : { code: name, uidValidity, sourceUids, destinationUids };
    }
    case 'MODIFIED': {
      const numbers = numbersOf(atoms[0]);
      return numbers === undefined || tokens.length !== 1 ? undefined : { code: name, numbers };
    }
    default:
      return undefined;
  }
}

/** Reads `[code]` at `pos` (which holds `[`); returns the code and the offset after `]`. */
function parseCode(
  raw: Uint8Array,
  pos: number,
  end: number,
  maxDepth: number,
): Parsed<{ code: ResponseCode; next: number }> {
  let k = pos + 1;
  while (k < end && raw[k] !== SP && raw[k] !== 0x5d) k++;
  const name = utf8Text(raw, pos + 1, k).toUpperCase();
  if (name === '') return fail(`Empty response code at column ${pos + 1}`);
  if (raw[k] === 0x5d) {
    const code: ResponseCode = SIMPLE_RESPONSE_CODES.has(name)
      ? ({ code: name } as ResponseCode)
      : (typedCode(name, []) ?? { code: 'other', name });
    return ok({ code, next: k + 1 });
  }
  if (k >= end) return fail(`Missing ']' after response code ${name}`);
  const argsStart = k + 1;
  const t = tokenize(raw, { start: argsStart, end, maxDepth, untilBracket: true });
  const typed = t.ok ? typedCode(name, t.tokens) : undefined;
  if (t.ok && typed !== undefined) return ok({ code: typed, next: t.end + 1 });
  const close = raw.indexOf(0x5d, argsStart);
  if (close < 0 || close >= end) return fail(`Missing ']' after response code ${name}`);
  return ok({ code: { code: 'other', name, text: utf8Text(raw, argsStart, close) }, next: close + 1 });
}

function respText(
  raw: Uint8Array,
  pos: number,
  end: number,
  maxDepth: number,
): Parsed<{ code?: ResponseCode; text: string }> {
  if (pos >= end) return ok({ text: '' });
  if (raw[pos] === 0x5b) {
    const c = parseCode(raw, pos, end, maxDepth);
    if (!c.ok) return c;
    let next = c.value.next;
    if (raw[next] === SP) next++;
    return ok({ code: c.value.code, text: utf8Text(raw, next, end) });
  }
  return ok({ text: utf8Text(raw, pos, end) });
}

/** Parses one framed response (CRLF optional; a string is taken as UTF-8). Never throws. */
export function parseResponse(
  input: Uint8Array | string,
  options: ResponseParseOptions = {},
): Parsed<ImapResponse> {
  const raw = typeof input === 'string' ? utf8Bytes(input) : input;
  const end = options.end ?? contentEnd(raw);
  const maxDepth = options.maxDepth ?? DEFAULT_RESPONSE_MAX_DEPTH;
  if (end === 0) return fail('Empty response line');
  if (raw[0] === 0x2b) {
    // TOLERANCE: "+" without its space, as some servers send for an empty challenge.
    const t = respText(raw, raw[1] === SP ? 2 : 1, end, maxDepth);
    if (!t.ok) return t;
    return ok(
      t.value.code
        ? { kind: 'continuation', code: t.value.code, text: t.value.text }
        : { kind: 'continuation', text: t.value.text },
    );
  }
  let pos = 0;
  while (pos < end && raw[pos] !== SP) pos++;
  const tag = utf8Text(raw, 0, pos);
  const untagged = tag === '*';
  if (!untagged && !isTag(tag)) return fail(`'${tag}' is not a tag, '*' or '+'`);
  if (raw[pos] !== SP) return fail(`Missing response after '${tag}'`);
  pos++;
  let wEnd = pos;
  while (wEnd < end && raw[wEnd] !== SP) wEnd++;
  let name = utf8Text(raw, pos, wEnd).toUpperCase();
  if (name === '') return fail(`Missing response name after '${tag}'`);
  if (STATUS_WORDS.has(name) && (untagged || name === 'OK' || name === 'NO' || name === 'BAD')) {
    const t = respText(raw, wEnd < end ? wEnd + 1 : end, end, maxDepth);
    if (!t.ok) return t;
    const { code, text } = t.value;
    if (untagged) {
      const status = name as UntaggedStatus;
      return ok(code ? { kind: 'status', status, code, text } : { kind: 'status', status, text });
    }
    const status = name as 'OK' | 'NO' | 'BAD';
    return ok(code ? { kind: 'tagged', tag, status, code, text } : { kind: 'tagged', tag, status, text });
  }
  if (!untagged) return fail(`A tagged response must be OK, NO or BAD, not '${name}'`);
  let number: number | undefined;
  if (/^\d+$/.test(name)) {
    number = Number(name);
    pos = wEnd + 1;
    wEnd = pos;
    while (wEnd < end && raw[wEnd] !== SP) wEnd++;
    name = utf8Text(raw, pos, wEnd).toUpperCase();
    if (name === '') return fail(`Missing response name after '* ${number}'`);
  }
  let values: ImapValue[] = [];
  if (wEnd < end) {
    const t = tokenize(raw, { start: wEnd + 1, end, maxDepth });
    if (!t.ok) return fail(t.message);
    values = t.tokens.map(tokenToValue);
  }
  return ok(number === undefined ? { kind: 'data', name, values } : { kind: 'data', number, name, values });
}

/** Defaults for the client's reader: responses can be far longer than commands. */
export const RESPONSE_LIMITS = {
  /** `* SEARCH` with 100 000 UIDs is a long line. */
  maxLineLength: 8 * 1024 * 1024,
  maxLiteralSize: 256 * 1024 * 1024,
  maxResponseSize: 512 * 1024 * 1024,
} as const;

/** Limits for {@link ResponseReader}, in octets. */
export interface ResponseReaderOptions extends ResponseParseOptions {
  readonly maxLineLength?: number;
  readonly maxLiteralSize?: number;
  readonly maxResponseSize?: number;
}

/** What the response reader yields. */
export type ResponseReaderOutput =
  | { readonly kind: 'response'; readonly raw: Uint8Array; readonly response: ImapResponse }
  | { readonly kind: 'bad'; readonly raw: Uint8Array; readonly message: string }
  | { readonly kind: 'too-big'; readonly message: string };

/** A line whose end is free text: `+ …`, `tag OK …`, `* BYE …`. */
function isTextLine(line: Uint8Array): boolean {
  if (line[0] === 0x2b) return true;
  const head = utf8Text(line, 0, Math.min(line.length, 300));
  return /^\S+ (OK|NO|BAD|BYE|PREAUTH)(?: |$)/i.test(head);
}

/** Frames server octets into parsed responses (sans-I/O: `receive`, then `poll` until undefined). */
export class ResponseReader {
  readonly #framer: Framer;
  readonly #options: ResponseParseOptions;

  constructor(options: ResponseReaderOptions = {}) {
    this.#options = options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth };
    const maxLiteralSize = options.maxLiteralSize ?? RESPONSE_LIMITS.maxLiteralSize;
    this.#framer = new Framer(
      {
        maxLineLength: options.maxLineLength ?? RESPONSE_LIMITS.maxLineLength,
        maxLiteralSize,
        maxNonSyncLiteralSize: maxLiteralSize,
        maxMessageSize: options.maxResponseSize ?? RESPONSE_LIMITS.maxResponseSize,
      },
      {
        continuations: false,
        announcement: (line, first) => (first && isTextLine(line) ? undefined : trailingLiteral(line)),
        tagOf: peekTag,
      },
    );
  }

  /** Queues octets from the server. */
  receive(bytes: Uint8Array): void {
    this.#framer.receive(bytes);
  }

  /** The next response, or undefined when more octets are needed. */
  poll(): ResponseReaderOutput | undefined {
    const e = this.#framer.poll('message');
    if (e === undefined) return undefined;
    switch (e.kind) {
      case 'message': {
        const r = parseResponse(e.raw, { ...this.#options, end: e.end });
        return r.ok
          ? { kind: 'response', raw: e.raw, response: r.value }
          : { kind: 'bad', raw: e.raw, message: r.message };
      }
      case 'line-too-long':
        return { kind: 'too-big', message: `Response line longer than ${e.limit} octets` };
      case 'literal-too-big':
        return {
          kind: 'too-big',
          message: `Literal of ${e.size} octets is larger than the limit of ${e.limit}`,
        };
      case 'message-too-big':
        return { kind: 'too-big', message: `Response longer than ${e.limit} octets` };
      default:
        return undefined;
    }
  }
}
