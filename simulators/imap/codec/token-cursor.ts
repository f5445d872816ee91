/**
 * A cursor over tokens for the recursive-descent command parser. The helpers
 * throw a private {@link SyntaxFailure}, which `parseCommand` catches and
 * turns into `{ kind: 'bad' }`; it never escapes the codec.
 */
import { utf8Text } from '../../core/bytes.ts';
import { decodeMutf7 } from './mutf7.ts';
import type { Token } from './tokenizer.ts';
import { allChars, isAstringChar, isListChar } from './values.ts';

/** Thrown inside the parser and caught at its boundary; carries the `BAD` text. */
export class SyntaxFailure extends Error {}

/** Settings the parsers consult. */
export interface ParseContext {
  readonly utf8Accept: boolean;
  readonly maxDepth: number;
  /** Why mailbox names could not be decoded (see {@link TokenCursor.decodeMailbox}). */
  readonly mailboxNameErrors: string[];
}

/** Stops parsing with a learner-facing message. */
export function failSyntax(message: string): never {
  throw new SyntaxFailure(message);
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'atom':
      return `'${clip(token.value)}'`;
    case 'quoted':
      return `"${clip(token.value)}"`;
    case 'literal':
      return `a literal of ${token.value.length} octets`;
    case 'list':
      return 'a parenthesised list';
  }
}

function clip(text: string): string {
  return text.length > 40 ? text.slice(0, 37) + '…' : text;
}

const ASCII_DIGITS = /^\d+$/;

/** Reads tokens left to right; `command` names the command in messages. */
export class TokenCursor {
  readonly #tokens: readonly Token[];
  #index = 0;

  constructor(
    tokens: readonly Token[],
    readonly command: string,
    readonly context: ParseContext,
  ) {
    this.#tokens = tokens;
  }

  /** Whether every token has been read. */
  get atEnd(): boolean {
    return this.#index >= this.#tokens.length;
  }

  /** The next token, unread. */
  peek(): Token | undefined {
    return this.#tokens[this.#index];
  }

  /** The next token; fails naming `what` when there is none. */
  next(what: string): Token {
    const t = this.#tokens[this.#index];
    if (t === undefined) failSyntax(`${this.command} is missing ${what}`);
    this.#index++;
    return t;
  }

  /** Fails because `token` is not `what`. */
  expected(what: string, token: Token): never {
    failSyntax(`${this.command} expects ${what}, not ${describeToken(token)}`);
  }

  /** A plain atom (no section), as written. */
  atom(what: string): string {
    const t = this.next(what);
    if (t.kind !== 'atom' || t.section !== undefined) this.expected(what, t);
    return t.value;
  }

  /** An atom, upper-cased: keywords are case-insensitive (RFC 3501 §9 note 3). */
  keyword(what: string): string {
    return this.atom(what).toUpperCase();
  }

  /** `; RFC 3501 §9 astring = 1*ASTRING-CHAR / string`. */
  astring(what: string): string {
    const t = this.next(what);
    return this.tokenAstring(t, what, isAstringChar);
  }

  /** Converts a token in an astring position; `charTest` decides which atoms are allowed. */
  tokenAstring(t: Token, what: string, charTest: (c: number) => boolean): string {
    if (t.kind === 'quoted') return t.value;
    if (t.kind === 'literal') return utf8Text(t.value);
    if (t.kind === 'atom' && t.section === undefined) {
      if (!allChars(t.value, charTest)) {
        const bad = [...t.value].find((ch) => !charTest(ch.charCodeAt(0)));
        failSyntax(
          `${this.command}: ${what} '${t.value}' must be quoted, because '${bad}' is not allowed in an atom`,
        );
      }
      return t.value;
    }
    if (t.kind === 'atom') return t.value;
    return this.expected(what, t);
  }

  /** `; RFC 3501 §9 string = quoted / literal`. */
  string(what: string): string {
    const t = this.next(what);
    if (t.kind === 'quoted') return t.value;
    if (t.kind === 'literal') return utf8Text(t.value);
    return this.expected(what, t);
  }

  /** A number in `[min, max]` (`; RFC 3501 §9 number`, `nz-number`). */
  number(what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const t = this.next(what);
    if (t.kind !== 'atom' || !ASCII_DIGITS.test(t.value)) this.expected(what, t);
    const n = Number(t.value);
    if (n < min || n > max)
      failSyntax(`${this.command}: ${what} must be between ${min} and ${max}, not ${t.value}`);
    return n;
  }

  /** A parenthesised list, as a cursor over its items. */
  list(what: string): TokenCursor {
    const t = this.next(what);
    if (t.kind !== 'list') this.expected(what, t);
    return this.sub(t.items);
  }

  /** A cursor over nested tokens, for the same command. */
  sub(tokens: readonly Token[]): TokenCursor {
    return new TokenCursor(tokens, this.command, this.context);
  }

  /** Whether the next token is a list. */
  get nextIsList(): boolean {
    return this.peek()?.kind === 'list';
  }

  /** Whether the next token is an atom equal (case-insensitively) to `word`. */
  nextIs(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'atom' && t.value.toUpperCase() === word;
  }

  /** Fails if anything is left. */
  done(): void {
    const t = this.peek();
    if (t !== undefined) failSyntax(`${this.command} has an unexpected extra argument ${describeToken(t)}`);
  }

  /**
   * A mailbox name (`; RFC 3501 §9 mailbox = "INBOX" / astring`), decoded from
   * modified UTF-7 (RFC 3501 §5.1.3) unless UTF8=ACCEPT is on (RFC 6855 §3).
   * `INBOX` is case-insensitive and comes back upper-case.
   */
  mailbox(what = 'a mailbox name'): string {
    return this.decodeMailbox(this.astring(what), false);
  }

  /** A LIST / LSUB pattern (`; RFC 3501 §9 list-mailbox`): wildcards `%` `*` allowed in atoms. */
  listMailbox(what: string): string {
    return this.decodeMailbox(this.tokenAstring(this.next(what), what, isListChar), true);
  }

  /**
   * Decodes a mailbox name or pattern as the context says.
   *
   * A name that is not valid modified UTF-7 is syntactically still an
   * astring, so it is not a `BAD`: it is kept as written and reported in
   * {@link TokenCursor.mailboxNameError}, for the server to answer `NO`
   * (Dovecot: "NO Mailbox name is not valid mUTF-7"; imaptest's `atoms`
   * script expects NO for SELECT). TOLERANCE: an invalid LIST / LSUB pattern
   * is kept as written and simply matches nothing, as in Dovecot.
   */
  decodeMailbox(raw: string, pattern: boolean): string {
    let name = raw;
    if (this.context.utf8Accept) {
      // RFC 6855 §3: after ENABLE UTF8=ACCEPT names are UTF-8, never modified UTF-7.
    } else {
      const decoded = decodeMutf7(raw);
      if (decoded.ok) name = decoded.value;
      else if (!pattern) this.context.mailboxNameErrors.push(decoded.message);
    }
    return !pattern && name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
  }
}
