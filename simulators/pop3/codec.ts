/**
 * The POP3 codec: pure functions and small buffers that turn bytes into
 * lines, commands and responses, and back (h11's split: no state machine
 * here). The server session frames with {@link LineReader} and parses with
 * {@link parsePop3Command}; it writes with {@link formatResponse}. The client
 * session writes with {@link formatPop3Command} and reads with
 * {@link ResponseAssembler}, told by its machine's tag whether the awaited
 * response is multi-line.
 *
 * Wire rules (RFC 1939 §3, RFC 2449 §4): a command is a keyword of three or
 * four letters, case-insensitive, and arguments separated by single spaces,
 * ending in CRLF, at most 255 octets in all. A response begins with `+OK` or
 * `-ERR`, optionally an RFC 2449 §8 response code in brackets, then text; a
 * multi-line response continues with lines "dot-stuffed" (a line beginning
 * with `.` gets another `.` in front) and ends with a line holding a lone
 * `.`. During SASL the server's challenge is `+ ` and base64 (RFC 5034 §4).
 */
import { concatBytes, utf8Bytes, utf8Text } from '../core/bytes.ts';

/** RFC 2449 §4: a command line is at most 255 octets, CRLF included. */
export const MAX_COMMAND_LINE = 255;

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = new Uint8Array([CR, LF]);
const TERMINATOR = new Uint8Array([DOT, CR, LF]);

// ---------------------------------------------------------------------------
// Line framing.

export { LineReader, type LineResult } from '../core/line-reader.ts';

// ---------------------------------------------------------------------------
// Commands.

/** A well-formed POP3 command (RFC 1939 §§4–7, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4). */
export type Pop3Command =
  | { readonly verb: 'USER'; readonly name: string }
  | { readonly verb: 'PASS'; readonly password: string }
  | { readonly verb: 'APOP'; readonly name: string; readonly digest: string }
  | { readonly verb: 'AUTH'; readonly mechanism: string; readonly initialResponse?: string }
  | { readonly verb: 'CAPA' | 'STLS' | 'STAT' | 'NOOP' | 'RSET' | 'QUIT' }
  | { readonly verb: 'LIST' | 'UIDL'; readonly msg?: number }
  | { readonly verb: 'RETR' | 'DELE'; readonly msg: number }
  | { readonly verb: 'TOP'; readonly msg: number; readonly lines: number };

/** A command line the server cannot act on. */
export type Pop3BadCommand =
  /** The keyword is not a POP3 command known here. */
  | { readonly verb: 'UNKNOWN'; readonly word: string }
  /** A known keyword with wrong arguments; `reason` is the text after `-ERR`. */
  | { readonly verb: 'INVALID'; readonly word: string; readonly reason: string };

/** The verbs {@link parsePop3Command} knows. */
export const POP3_VERBS = [
  'USER',
  'PASS',
  'APOP',
  'AUTH',
  'CAPA',
  'STLS',
  'STAT',
  'LIST',
  'RETR',
  'DELE',
  'NOOP',
  'RSET',
  'TOP',
  'UIDL',
  'QUIT',
] as const;

type Verb = (typeof POP3_VERBS)[number];

const isVerb = (word: string): word is Verb => (POP3_VERBS as readonly string[]).includes(word);

/** RFC 1939 §3: message numbers are decimal; a number too big to be exact can be no message. */
function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/**
 * Parses one command line (without CRLF).
 *
 * TOLERANCE: runs of spaces between arguments and trailing spaces are
 * accepted (RFC 1939 §3 asks for single spaces; clients such as old Outlook
 * send `LIST ` with a trailing one). PASS takes the rest of the line, spaces
 * included, as RFC 1939 §7 allows. The 40-octet argument limit of §3 is not
 * enforced, because user names are e-mail addresses and AUTH initial
 * responses are longer; the 255-octet line limit still applies.
 */
export function parsePop3Command(line: string): Pop3Command | Pop3BadCommand {
  const space = line.indexOf(' ');
  const word = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  const rest = space === -1 ? '' : line.slice(space + 1);
  if (!isVerb(word)) return { verb: 'UNKNOWN', word };
  const args = rest.split(' ').filter((a) => a !== '');
  const invalid = (reason: string): Pop3BadCommand => ({ verb: 'INVALID', word, reason });
  const noArgs = (): Pop3Command | Pop3BadCommand =>
    args.length === 0 ? { verb: word as 'CAPA' } : invalid(`${word} takes no arguments`);
  switch (word) {
    case 'USER':
      return args.length === 1
        ? { verb: 'USER', name: args[0]! }
        : invalid('USER needs one argument: a name');
    case 'PASS': {
      const password = rest.replace(/^ +/, '');
      return password === '' ? invalid('PASS needs an argument') : { verb: 'PASS', password };
    }
    case 'APOP': {
      // RFC 1939 §7: the digest is 16 octets in hex. TOLERANCE: upper case is lowered.
      const [name, digest] = args;
      if (args.length !== 2 || name === undefined || digest === undefined || !/^[0-9a-f]{32}$/i.test(digest))
        return invalid('APOP needs a name and a 32-digit hex digest');
      return { verb: 'APOP', name, digest: digest.toLowerCase() };
    }
    case 'AUTH': {
      // RFC 5034 §4: AUTH mechanism [initial-response]. SIMPLIFICATION: the
      // legacy bare `AUTH` that lists mechanisms (a Microsoft extension) is refused.
      const [mechanism, initialResponse] = args;
      if (mechanism === undefined || args.length > 2) return invalid('AUTH needs a mechanism name');
      return initialResponse === undefined
        ? { verb: 'AUTH', mechanism: mechanism.toUpperCase() }
        : { verb: 'AUTH', mechanism: mechanism.toUpperCase(), initialResponse };
    }
    case 'LIST':
    case 'UIDL': {
      if (args.length === 0) return { verb: word };
      const msg = parseNumber(args[0]);
      return args.length === 1 && msg !== undefined
        ? { verb: word, msg }
        : invalid(`${word} takes at most one argument: a message number`);
    }
    case 'RETR':
    case 'DELE': {
      const msg = parseNumber(args[0]);
      return args.length === 1 && msg !== undefined
        ? { verb: word, msg }
        : invalid(`${word} needs one argument: a message number`);
    }
    case 'TOP': {
      // RFC 1939 §7: TOP msg n, n a non-negative number of body lines.
      const msg = parseNumber(args[0]);
      const lines = parseNumber(args[1]);
      return args.length === 2 && msg !== undefined && lines !== undefined
        ? { verb: 'TOP', msg, lines }
        : invalid('TOP needs a message number and a non-negative number of lines');
    }
    default:
      return noArgs();
  }
}

/** The wire form of a command, without CRLF; the inverse of {@link parsePop3Command}. */
export function formatPop3Command(command: Pop3Command): string {
  switch (command.verb) {
    case 'USER':
      return `USER ${command.name}`;
    case 'PASS':
      return `PASS ${command.password}`;
    case 'APOP':
      return `APOP ${command.name} ${command.digest}`;
    case 'AUTH':
      return command.initialResponse === undefined
        ? `AUTH ${command.mechanism}`
        : `AUTH ${command.mechanism} ${command.initialResponse}`;
    case 'LIST':
    case 'UIDL':
      return command.msg === undefined ? command.verb : `${command.verb} ${command.msg}`;
    case 'RETR':
    case 'DELE':
      return `${command.verb} ${command.msg}`;
    case 'TOP':
      return `TOP ${command.msg} ${command.lines}`;
    default:
      return command.verb;
  }
}

// ---------------------------------------------------------------------------
// Responses.

/** A server response as both ends see it. */
export type Pop3Response =
  | {
      readonly status: '+OK' | '-ERR';
      /** RFC 2449 §8 response code without brackets, e.g. `IN-USE`, `SYS/TEMP`, `AUTH` (RFC 3206). */
      readonly code?: string;
      readonly text: string;
      /**
       * The body of a multi-line response (RFC 1939 §3) as plain octets: lines
       * ending in CRLF, not dot-stuffed, without the terminating `.` line.
       */
      readonly body?: Uint8Array;
    }
  /** A SASL challenge, `+ ` and base64 (RFC 5034 §4). */
  | { readonly status: '+'; readonly text: string };

/** A `+OK` or `-ERR` response (not a SASL continuation). */
export type Pop3StatusResponse = Extract<Pop3Response, { status: '+OK' | '-ERR' }>;

/** A multi-line body made of text lines. */
export function textBody(lines: readonly string[]): Uint8Array {
  return utf8Bytes(lines.map((l) => `${l}\r\n`).join(''));
}

/** The lines of a multi-line body, for bodies of text lines (CAPA, LIST, UIDL). */
export function bodyLines(body: Uint8Array): string[] {
  const text = utf8Text(body);
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * RFC 1939 §3 byte-stuffing: a `.` that begins a line gets another in front.
 * A line begins after every LF, so a bare LF inside a stored message cannot
 * smuggle in a terminator for a client that splits on LF. A body that does
 * not end in CRLF gets one, so the terminator stands on its own line.
 */
export function dotStuff(body: Uint8Array): Uint8Array {
  let extra = 0;
  for (let i = 0; i < body.length; i++) if (body[i] === DOT && (i === 0 || body[i - 1] === LF)) extra++;
  const needsCrlf = body.length > 0 && !(body[body.length - 1] === LF && body[body.length - 2] === CR);
  const out = new Uint8Array(body.length + extra + (needsCrlf ? 2 : 0));
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === DOT && (i === 0 || body[i - 1] === LF)) out[o++] = DOT;
    out[o++] = b;
  }
  if (needsCrlf) out.set(CRLF, o);
  return out;
}

/** The first line of a response, without CRLF. */
export function formatStatusLine(response: Pop3Response): string {
  if (response.status === '+') return `+ ${response.text}`;
  const code = response.code === undefined ? '' : ` [${response.code}]`;
  return `${response.status}${code}${response.text === '' ? '' : ` ${response.text}`}`;
}

/** The octets of a whole response: status line, and for a multi-line one the stuffed body and `.`. */
export function formatResponse(response: Pop3Response): Uint8Array {
  const first = utf8Bytes(`${formatStatusLine(response)}\r\n`);
  if (response.status === '+' || response.body === undefined) return first;
  return concatBytes([first, dotStuff(response.body), TERMINATOR]);
}

/** A first line read, or why it could not be. */
export type StatusLine =
  | { readonly kind: 'status'; readonly response: Pop3Response }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Parses a response's first line. TOLERANCE: the status keyword is matched
 * case-insensitively and may be followed directly by the end of the line, as
 * RFC 1939's own examples (`+OK`) show; a bracketed word is a response code
 * only if it follows the status (RFC 2449 §8).
 */
export function parseStatusLine(line: string): StatusLine {
  if (line === '+' || line.startsWith('+ '))
    return { kind: 'status', response: { status: '+', text: line.slice(2) } };
  const m = /^(\+OK|-ERR)(?: (.*))?$/i.exec(line);
  if (m === null) return { kind: 'malformed', reason: 'a response begins with +OK or -ERR (RFC 1939 §3)' };
  const status = m[1]!.toUpperCase() as '+OK' | '-ERR';
  const rest = m[2] ?? '';
  const code = /^\[([^\]\s]+)\] ?(.*)$/.exec(rest);
  if (code !== null) return { kind: 'status', response: { status, code: code[1]!, text: code[2]! } };
  return { kind: 'status', response: { status, text: rest } };
}

/** What {@link ResponseAssembler.push} yields. */
export type AssembledResponse =
  | { readonly kind: 'response'; readonly response: Pop3Response }
  | { readonly kind: 'malformed'; readonly line: string; readonly reason: string };

/**
 * Client side: assembles lines into responses. The caller says for each
 * line whether the response it awaits is multi-line (RETR, TOP, CAPA, LIST
 * and UIDL without argument); only a `+OK` then has a body. Body lines are
 * un-stuffed (RFC 1939 §3: a line beginning `..` loses its first dot) and
 * collected as octets until the lone `.`.
 */
export class ResponseAssembler {
  #head: Pop3StatusResponse | undefined;
  #body: Uint8Array[] = [];

  /** A multi-line response is being collected. */
  get pending(): boolean {
    return this.#head !== undefined;
  }

  /** Feeds one line (octets without its ending); returns a whole response when one is complete. */
  push(line: Uint8Array, multiline: boolean): AssembledResponse | undefined {
    const head = this.#head;
    if (head === undefined) {
      const text = utf8Text(line);
      const parsed = parseStatusLine(text);
      if (parsed.kind === 'malformed') return { kind: 'malformed', line: text, reason: parsed.reason };
      const response = parsed.response;
      if (!multiline || response.status !== '+OK') return { kind: 'response', response };
      this.#head = response;
      return undefined;
    }
    if (line.length === 1 && line[0] === DOT) {
      const body = concatBytes(this.#body);
      this.#head = undefined;
      this.#body = [];
      return { kind: 'response', response: { ...head, body } };
    }
    this.#body.push(line[0] === DOT ? line.subarray(1) : line, CRLF);
    return undefined;
  }

  /** Forgets a half-read response. */
  reset(): void {
    this.#head = undefined;
    this.#body = [];
  }
}
