/**
 * How the terminal colours what it prints, as ECMA-48 SGR sequences. The
 * colours are the terminal theme's (see THEME); each passes WCAG AA on its
 * dark background. Text reaching here has had its control characters made
 * visible (line-splitter.ts), so it cannot inject escape sequences.
 */

/** The terminal's palette: a dark screen, light text, muted accents. */
export const THEME = {
  background: '#0f172a',
  foreground: '#e2e8f0',
  cursor: '#f8fafc',
  cursorAccent: '#0f172a',
  selectionBackground: '#475569',
  // Used below through SGR 32, 33, 31, 36 and 90.
  green: '#86efac',
  yellow: '#fde68a',
  red: '#fca5a5',
  cyan: '#7dd3fc',
  brightBlack: '#a3b1c6',
} as const;

/** The prompt before the line being typed. */
export const PROMPT = '\x1b[36m>\x1b[0m ';

const SGR = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  red: '\x1b[31m',
  cyan: '\x1b[36m',
  dim: '\x1b[90m',
  italic: '\x1b[3m',
} as const;

/** A line as the terminal prints it, in the shape TerminalConnection keeps it. */
export interface PrintableLine {
  readonly kind: 'sent' | 'received' | 'note' | 'error';
  readonly text: string;
  readonly replyClass?: number;
  readonly pop3Status?: '+OK' | '-ERR' | '+';
  readonly imapStatus?: 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE' | '+';
}

/** Colour of a reply code by its first digit: 2 done, 3 go on, 4 try later, 5 refused (RFC 5321 §4.2.1). */
const REPLY_COLOURS: Readonly<Record<number, string>> = {
  2: SGR.green,
  3: SGR.yellow,
  4: SGR.red,
  5: SGR.red,
};

/** Colour of a POP3 status word (RFC 1939 §3; `+` is a SASL challenge, RFC 5034 §4). */
const POP3_COLOURS: Readonly<Record<'+OK' | '-ERR' | '+', string>> = {
  '+OK': SGR.green,
  '-ERR': SGR.red,
  '+': SGR.yellow,
};

/** Colour of an IMAP status (RFC 3501 §7.1): done, refused, or go on. */
const IMAP_COLOURS: Readonly<Record<'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE' | '+', string>> = {
  OK: SGR.green,
  PREAUTH: SGR.green,
  NO: SGR.red,
  BAD: SGR.red,
  BYE: SGR.yellow,
  '+': SGR.yellow,
};

/**
 * One line, coloured: what the learner sent after the prompt in cyan, a
 * reply's three-digit code (or a POP3 or IMAP status) in its class colour, the
 * terminal's own notes dim
 * and marked with `*` (as curl and telnet mark theirs), errors in red.
 */
export function styleLine(line: PrintableLine): string {
  switch (line.kind) {
    case 'sent':
      return `${SGR.cyan}> ${SGR.bold}${line.text}${SGR.reset}`;
    case 'note':
      return `${SGR.dim}* ${line.text}${SGR.reset}`;
    case 'error':
      return `${SGR.red}* ${line.text}${SGR.reset}`;
    case 'received': {
      if (line.imapStatus !== undefined) {
        // The tag (or `*`) and the status word: `a1 OK`, `* BYE`, `+`.
        const at = line.imapStatus === '+' ? 0 : line.text.indexOf(' ') + 1;
        const n = at + line.imapStatus.length;
        return `${IMAP_COLOURS[line.imapStatus]}${line.text.slice(0, n)}${SGR.reset}${line.text.slice(n)}`;
      }
      if (line.pop3Status !== undefined) {
        const n = line.pop3Status.length;
        return `${POP3_COLOURS[line.pop3Status]}${line.text.slice(0, n)}${SGR.reset}${line.text.slice(n)}`;
      }
      const colour = line.replyClass === undefined ? undefined : REPLY_COLOURS[line.replyClass];
      if (colour === undefined) return line.text;
      return `${colour}${line.text.slice(0, 3)}${SGR.reset}${line.text.slice(3)}`;
    }
  }
}

/** A terminal-local note (not part of any connection), e.g. the choices Tab found. */
export function styleNote(text: string): string {
  return `${SGR.dim}${text}${SGR.reset}`;
}
