/**
 * What a POP3 server's answer means, for the terminal's explanations list.
 * The terminal knows what the learner sent, so each status line is explained
 * in the context of its command: `+OK 2 320` after STAT is "2 messages, 320
 * octets", `-ERR [IN-USE]` after PASS is another session holding the lock.
 *
 * {@link Pop3ResponseReader} pairs the server's lines with the commands sent
 * (in order: RFC 2449 §6.6 lets a client pipeline) and knows which answers
 * are multi-line, so a RETR's body or a LIST's scan lines yield one
 * explanation, not one per line. It parses no more than the status line
 * (RFC 1939 §3, RFC 2449 §8) and the first word of a command.
 *
 * SIMPLIFICATION: the reader follows the conversation, not the server's
 * state machine: it assumes the server answers every line it was sent.
 * TOLERANCE: status keywords are matched case-insensitively, as the engine's
 * codec matches them.
 */

/** The status indicator: `+OK`, `-ERR`, or `+` for a SASL challenge (RFC 5034 §4). */
export type Pop3StatusWord = '+OK' | '-ERR' | '+';

/** A parsed status line. */
export interface Pop3StatusLine {
  readonly status: Pop3StatusWord;
  /** The RFC 2449 §8 response code without brackets, e.g. `IN-USE`, `SYS/TEMP`. */
  readonly code?: string;
  /** The text after the status and code. */
  readonly text: string;
}

/** A plain-language account of one response. */
export interface Pop3Explanation {
  /** One line: what happened. */
  readonly meaning: string;
  /** For a learner: what it means and what to do next. */
  readonly explanation: string;
  readonly rfc: string;
  /** The RFC 2449 response code's meaning, when the response has one. */
  readonly code?: { readonly code: string; readonly meaning: string; readonly rfc: string };
}

/** A complete response: status line, its command, and how many body lines followed. */
export interface Pop3Response {
  readonly status: Pop3StatusLine;
  /** The command line it answers; undefined for the greeting. */
  readonly command?: string;
  /** Lines of a multi-line body, without the terminating `.`. */
  readonly bodyLines: number;
  readonly explanation: Pop3Explanation;
}

/** What a received line was, and the response it completed, if any. */
export interface Pop3LineResult {
  /** `status`: a first line; `body`: a line of a multi-line body; `end`: the lone `.`; `unexpected`: not a status line where one was due. */
  readonly kind: 'status' | 'body' | 'end' | 'unexpected';
  /** The status word, for a status line. */
  readonly status?: Pop3StatusWord;
  readonly response?: Pop3Response;
}

/** Parses a status line (RFC 1939 §3; response codes RFC 2449 §8); undefined when it is not one. */
export function parsePop3Status(line: string): Pop3StatusLine | undefined {
  if (line === '+' || line.startsWith('+ ')) return { status: '+', text: line.slice(2) };
  const m = /^(\+OK|-ERR)(?: (.*))?$/i.exec(line);
  if (m === null) return undefined;
  const status = m[1]!.toUpperCase() as '+OK' | '-ERR';
  const rest = m[2] ?? '';
  const code = /^\[([^\]\s]+)\] ?(.*)$/.exec(rest);
  return code === null ? { status, text: rest } : { status, code: code[1]!, text: code[2]! };
}

/** The command's keyword, upper-cased, and its arguments. */
function words(command: string): { verb: string; args: string[] } {
  const [verb = '', ...args] = command.trim().split(/ +/);
  return { verb: verb.toUpperCase(), args };
}

/**
 * Whether a `+OK` to `command` has a multi-line body: RETR and TOP (RFC 1939
 * §7), LIST and UIDL without an argument (§5, §7), CAPA (RFC 2449 §5).
 */
export function isMultiline(command: string): boolean {
  const { verb, args } = words(command);
  switch (verb) {
    case 'RETR':
    case 'TOP':
    case 'CAPA':
      return true;
    case 'LIST':
    case 'UIDL':
      return args.length === 0;
    default:
      return false;
  }
}

const RFC1939 = 'RFC 1939';

/** RFC 2449 §8.1 and RFC 3206 response codes. */
const CODES: Readonly<Record<string, { meaning: string; explanation: string; rfc: string }>> = {
  'IN-USE': {
    meaning: 'The maildrop is in use',
    explanation:
      'Another session holds the maildrop lock (perhaps the mail program is checking right now). ' +
      'Only one session may have a maildrop open; try again once it has said QUIT.',
    rfc: 'RFC 2449 §8.1.1',
  },
  'LOGIN-DELAY': {
    meaning: 'Logged in too recently',
    explanation:
      'The server allows this user one login every so many seconds (CAPA shows LOGIN-DELAY); wait, then log in again.',
    rfc: 'RFC 2449 §8.1.2',
  },
  AUTH: {
    meaning: 'The credentials were refused',
    explanation:
      'Wrong user name or password, or the server refuses a plain-text login before STLS. Retrying the same password will not help.',
    rfc: 'RFC 3206 §5',
  },
  'SYS/TEMP': {
    meaning: 'A temporary problem on the server',
    explanation: 'Not your fault and not your password: the server has a passing problem. Try again later.',
    rfc: 'RFC 3206 §4',
  },
  'SYS/PERM': {
    meaning: 'A permanent problem on the server',
    explanation: 'The server cannot serve this maildrop; trying again will not help. Tell its administrator.',
    rfc: 'RFC 3206 §4',
  },
};

const DELETION_NOTE =
  'Nothing is removed yet: the server deletes marked messages only when you QUIT (the UPDATE state); ' +
  'RSET unmarks them, and a connection that drops deletes nothing.';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The numbers at the start of a `+OK` text, e.g. `2 320` of STAT. */
function numbers(text: string): number[] {
  const m = /^(\d+)(?: (\d+))?/.exec(text);
  if (m === null) return [];
  return [Number(m[1]), ...(m[2] === undefined ? [] : [Number(m[2])])];
}

/** What the reader knows of the session when a response arrives. */
export interface Pop3Context {
  /** A login succeeded: the session is in the TRANSACTION state (RFC 1939 §3). */
  readonly loggedIn: boolean;
  /** Messages marked with DELE and not unmarked by RSET. */
  readonly marked: number;
}

const START: Pop3Context = { loggedIn: false, marked: 0 };

/** Explains a `+OK` (or `+`) to `command`, with `bodyLines` lines following. */
function explainOk(
  status: Pop3StatusLine,
  command: string | undefined,
  bodyLines: number,
  context: Pop3Context,
): Pop3Explanation {
  if (status.status === '+')
    return {
      meaning: 'Go on: the server waits for your SASL response',
      explanation:
        'Send the next step of the login as one line of base64 (for PLAIN: the AUTH PLAIN helper builds it), or * to cancel.',
      rfc: 'RFC 5034 §4',
    };
  if (command === undefined)
    return {
      meaning: 'Greeting: the server is ready',
      explanation:
        'The session is in the AUTHORIZATION state: log in with USER and PASS (or AUTH). ' +
        'A <…@…> string in the greeting is the timestamp APOP hashes with the password.',
      rfc: `${RFC1939} §4`,
    };
  const { verb, args } = words(command);
  const [a, b] = numbers(status.text);
  const lines = plural(bodyLines, 'line');
  switch (verb) {
    case 'USER':
      return {
        meaning: 'USER accepted: now send PASS',
        explanation: `Send PASS and the password for ${args[0] ?? 'that user'}. Many servers say +OK here even for an unknown user, so as not to give names away.`,
        rfc: `${RFC1939} §7`,
      };
    case 'PASS':
    case 'APOP':
    case 'AUTH':
      return {
        meaning: 'Logged in: TRANSACTION state',
        explanation:
          'The server has locked the maildrop for this session and numbered its messages from 1. Try STAT, LIST, RETR 1.',
        rfc: verb === 'AUTH' ? 'RFC 5034 §4' : `${RFC1939} §7`,
      };
    case 'STAT':
      return {
        meaning:
          a === undefined || b === undefined
            ? 'STAT: the maildrop listing'
            : `STAT: ${plural(a, 'message')}, ${plural(b, 'octet')}`,
        explanation:
          'The drop listing: how many messages and their total size. Messages marked with DELE are not counted.',
        rfc: `${RFC1939} §5`,
      };
    case 'LIST':
      return args.length > 0
        ? {
            meaning:
              a === undefined || b === undefined
                ? 'LIST: one message’s size'
                : `LIST: message ${a} is ${plural(b, 'octet')}`,
            explanation: 'The scan listing of one message: its number and size.',
            rfc: `${RFC1939} §5`,
          }
        : {
            meaning: `LIST: the scan listing follows (${lines})`,
            explanation: 'One line per message: its number and size in octets, then a line with a lone dot.',
            rfc: `${RFC1939} §5`,
          };
    case 'UIDL':
      return {
        meaning: args.length > 0 ? 'UIDL: one message’s unique-id' : `UIDL: unique-ids follow (${lines})`,
        explanation:
          'Each message’s unique-id stays the same across sessions, unlike its number: a mail program that keeps mail on the server remembers these to fetch only what is new.',
        rfc: `${RFC1939} §7`,
      };
    case 'RETR':
      return {
        meaning: `RETR: the message follows (${lines})`,
        explanation:
          'Header, blank line, body, then a lone dot; a line of the message that starts with a dot gets a second one (dot-stuffing). RETR does not delete the message.',
        rfc: `${RFC1939} §5`,
      };
    case 'TOP':
      return {
        meaning: `TOP: the header and ${args[1] ?? 'some'} body lines follow (${lines})`,
        explanation:
          'A preview: the header section and the first lines of the body, without downloading it all.',
        rfc: `${RFC1939} §7`,
      };
    case 'DELE':
      return {
        meaning: `DELE: message ${args[0] ?? ''} is marked as deleted`.trimEnd(),
        explanation: DELETION_NOTE,
        rfc: `${RFC1939} §5, §6`,
      };
    case 'RSET':
      return {
        meaning: 'RSET: deletion marks removed',
        explanation:
          'Every message marked with DELE in this session is unmarked; QUIT will now delete nothing.',
        rfc: `${RFC1939} §5`,
      };
    case 'NOOP':
      return {
        meaning: 'NOOP: nothing done',
        explanation: 'The server is still there; a NOOP also keeps the session from timing out.',
        rfc: `${RFC1939} §5`,
      };
    case 'CAPA':
      return {
        meaning: `CAPA: the capabilities follow (${lines})`,
        explanation:
          'What this server supports: e.g. STLS (TLS on this port), SASL mechanisms for AUTH, UIDL, TOP, PIPELINING, RESP-CODES.',
        rfc: 'RFC 2449 §5',
      };
    case 'STLS':
      return {
        meaning: 'STLS: ready to start TLS',
        explanation:
          'Press Start TLS now: the TLS handshake comes next on this connection. Then log in, encrypted.',
        rfc: 'RFC 2595 §4',
      };
    case 'QUIT':
      return context.loggedIn
        ? {
            meaning: `QUIT: UPDATE state, ${plural(context.marked, 'message')} deleted`,
            explanation:
              'Only now, on QUIT after logging in, does the server remove the messages marked with DELE; then it releases the maildrop lock and closes the connection.',
            rfc: `${RFC1939} §6`,
          }
        : {
            meaning: 'QUIT: goodbye',
            explanation:
              'You never logged in, so there is nothing to update: the server just closes the connection.',
            rfc: `${RFC1939} §4`,
          };
    default:
      return { meaning: 'Done', explanation: 'The server accepted the command.', rfc: `${RFC1939} §3` };
  }
}

/** Explains a `-ERR` to `command`. */
function explainErr(status: Pop3StatusLine, command: string | undefined): Pop3Explanation {
  const known = status.code === undefined ? undefined : CODES[status.code.toUpperCase()];
  const code =
    status.code === undefined
      ? undefined
      : known === undefined
        ? { code: status.code, meaning: 'A response code this terminal does not know', rfc: 'RFC 2449 §8' }
        : { code: status.code.toUpperCase(), meaning: known.meaning, rfc: known.rfc };
  const verb = command === undefined ? undefined : words(command).verb;
  const login = verb === 'PASS' || verb === 'APOP' || verb === 'AUTH';
  // The code's own meaning has a line of its own; this one says what failed.
  const meaning = login
    ? 'Login refused'
    : verb === undefined
      ? 'The server refuses service'
      : `${verb} failed`;
  const explanation =
    known?.explanation ??
    (verb === undefined
      ? 'The server will not serve this connection.'
      : 'The command was refused (unknown, wrong arguments, or not allowed in this state, e.g. RETR before logging in). The session goes on in the same state.');
  return {
    meaning,
    explanation,
    rfc: known?.rfc ?? `${RFC1939} §3`,
    ...(code === undefined ? {} : { code }),
  };
}

/**
 * Explains one response to `command` (undefined: the greeting) with
 * `bodyLines` body lines, in the session's `context` (the state before it).
 */
export function explainPop3(
  status: Pop3StatusLine,
  command: string | undefined,
  bodyLines = 0,
  context: Pop3Context = START,
): Pop3Explanation {
  return status.status === '-ERR'
    ? explainErr(status, command)
    : explainOk(status, command, bodyLines, context);
}

/** The context after a complete response (RFC 1939 §5, §6). */
function nextContext(context: Pop3Context, status: Pop3StatusLine, command: Pending): Pop3Context {
  if (status.status !== '+OK' || command === undefined) return context;
  switch (words(command).verb) {
    case 'PASS':
    case 'APOP':
    case 'AUTH':
      return { loggedIn: true, marked: 0 };
    case 'DELE':
      return { ...context, marked: context.marked + 1 };
    case 'RSET':
      return { ...context, marked: 0 };
    case 'QUIT':
      return START;
    default:
      return context;
  }
}

/** A command awaiting its answer; `undefined` stands for the greeting. */
type Pending = string | undefined;

/**
 * Pairs received lines with the commands sent, in order, and collects
 * multi-line bodies (RFC 1939 §3). Call {@link sent} for each line the
 * learner sends and {@link received} for each line the server sends.
 */
export class Pop3ResponseReader {
  /** Commands not answered yet, oldest first; the greeting is awaited first. */
  #pending: Pending[] = [undefined];
  /** The status line of a multi-line response being read. */
  #open: { status: Pop3StatusLine; command: Pending; lines: number } | undefined;
  /** The AUTH command whose SASL exchange is under way: the next line sent is its response, not a command. */
  #sasl: string | undefined;
  #context: Pop3Context = START;

  /** The learner sent `line`. */
  sent(line: string): void {
    if (this.#sasl !== undefined) {
      // RFC 5034 §4: a line sent after a `+` challenge is the client's response to it.
      this.#pending.push(this.#sasl);
      this.#sasl = undefined;
      return;
    }
    this.#pending.push(line);
  }

  /** The server sent `line` (without CRLF). */
  received(line: string): Pop3LineResult {
    const open = this.#open;
    if (open !== undefined) {
      if (line !== '.') {
        open.lines++;
        return { kind: 'body' };
      }
      this.#open = undefined;
      return { kind: 'end', response: this.#response(open.status, open.command, open.lines) };
    }
    const status = parsePop3Status(line);
    if (status === undefined) return { kind: 'unexpected' };
    const command = this.#pending.shift();
    if (status.status === '+') this.#sasl = command;
    if (status.status === '+OK' && command !== undefined && isMultiline(command)) {
      this.#open = { status, command, lines: 0 };
      return { kind: 'status', status: status.status };
    }
    return { kind: 'status', status: status.status, response: this.#response(status, command, 0) };
  }

  #response(status: Pop3StatusLine, command: Pending, bodyLines: number): Pop3Response {
    const explanation = explainPop3(status, command, bodyLines, this.#context);
    this.#context = nextContext(this.#context, status, command);
    return { status, ...(command === undefined ? {} : { command }), bodyLines, explanation };
  }
}
