/**
 * The server's command reader (sans-I/O): octets in, complete tokenized
 * commands out, literals included.
 *
 * ```ts
 * const reader = new CommandReader();
 * reader.receive(bytes);
 * for (let out = reader.poll(mode); out; out = reader.poll(mode)) { … }
 * ```
 *
 * `poll(mode)` frames lazily in the mode the server is in (STYLE.md §S3's
 * `codec:*` tags): `'command'` normally; `'line'` when the next line is not a
 * command but IDLE's `DONE` (RFC 2177) or a SASL response (RFC 3501 §6.2.2),
 * which it returns raw. Outputs:
 *
 * - `command`: the raw octets (final CRLF included) and their tokens, for
 *   `parseCommandTokens`.
 * - `continuation-needed`: the line ended in a synchronising literal `{n}`.
 *   Send `+ Ready for literal data` and keep polling; or refuse (e.g.
 *   `A1 NO [TRYCREATE]`) and call {@link CommandReader.rejectContinuation}.
 * - `line`: in `'line'` mode, the text without its CRLF.
 * - `bad`: the command could not be tokenized (unbalanced parentheses, nesting
 *   beyond `maxDepth`, a bad quoted string…); answer `tag BAD message`.
 * - `line-too-long`, `literal-too-big`, `command-too-big`: a limit was hit.
 *   Answer `tag BAD [TOOBIG] …` (or `* BAD` without a tag); the reader has
 *   already dropped the command and skips whatever data still follows.
 *   RFC 4469 / RFC 7889 suggest `NO [TOOBIG]` for an APPEND that is too large.
 *   For a huge non-synchronising literal the server may rather close the
 *   connection (RFC 7888 §4) than let the reader skip gigabytes. A size of
 *   more than 15 digits is reported as `Infinity`.
 *
 * Defaults: lines of 64 KiB (RFC 7162 §4 asks servers to take at least
 * 8192-octet lines; clients send long UID sets, and imaptest's ID test sends
 * a 30 KB line; Dovecot's `imap_max_line_length` is 64 KiB), literals of
 * 50 MiB, commands of 64 MiB, nesting of 64.
 */
import { peekTag } from './command-parser.ts';
import { Framer, trailingLiteral } from './framing.ts';
import { DEFAULT_MAX_DEPTH, tokenize, type Token } from './tokenizer.ts';

/** Default {@link CommandReaderOptions.maxLineLength}. */
export const DEFAULT_MAX_LINE_LENGTH = 65_536;
/** Default {@link CommandReaderOptions.maxLiteralSize}: 50 MiB. */
export const DEFAULT_MAX_LITERAL_SIZE = 50 * 1024 * 1024;
/** Default {@link CommandReaderOptions.maxCommandSize}: 64 MiB. */
export const DEFAULT_MAX_COMMAND_SIZE = 64 * 1024 * 1024;

/** Limits, in octets (depth in levels). */
export interface CommandReaderOptions {
  /** Longest line, CRLF included, literals excluded; default {@link DEFAULT_MAX_LINE_LENGTH}. */
  readonly maxLineLength?: number;
  /** Largest literal; default {@link DEFAULT_MAX_LITERAL_SIZE}. */
  readonly maxLiteralSize?: number;
  /** Largest `{n+}` literal; 4096 for LITERAL- (RFC 7888 §5); default `maxLiteralSize`. */
  readonly maxNonSyncLiteralSize?: number;
  /** Largest command, lines and literals together; default {@link DEFAULT_MAX_COMMAND_SIZE}. */
  readonly maxCommandSize?: number;
  /** Deepest nesting of lists and sections; default {@link DEFAULT_MAX_DEPTH}. */
  readonly maxDepth?: number;
}

/** What the command reader yields (see the module comment). */
export type CommandReaderOutput =
  | { readonly kind: 'command'; readonly raw: Uint8Array; readonly tokens: readonly Token[] }
  | { readonly kind: 'continuation-needed'; readonly tag?: string; readonly size: number }
  | { readonly kind: 'line'; readonly text: string; readonly raw: Uint8Array }
  | { readonly kind: 'bad'; readonly tag?: string; readonly message: string; readonly raw: Uint8Array }
  | {
      readonly kind: 'line-too-long';
      readonly tag?: string;
      readonly limit: number;
      readonly message: string;
    }
  | {
      readonly kind: 'literal-too-big';
      readonly tag?: string;
      readonly size: number;
      readonly limit: number;
      readonly synchronizing: boolean;
      readonly message: string;
    }
  | {
      readonly kind: 'command-too-big';
      readonly tag?: string;
      readonly limit: number;
      readonly message: string;
    };

/** The framing mode: commands, or one raw line (IDLE's DONE, SASL responses). */
export type CommandReaderMode = 'command' | 'line';

/** Frames client octets into commands; see the module comment. */
export class CommandReader {
  readonly #framer: Framer;
  readonly #maxDepth: number;

  constructor(options: CommandReaderOptions = {}) {
    const maxLiteralSize = options.maxLiteralSize ?? DEFAULT_MAX_LITERAL_SIZE;
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!Number.isInteger(maxLineLength) || maxLineLength < 16) {
      throw new RangeError(`maxLineLength must be an integer ≥ 16: ${maxLineLength}`);
    }
    this.#framer = new Framer(
      {
        maxLineLength,
        maxLiteralSize,
        maxNonSyncLiteralSize: options.maxNonSyncLiteralSize ?? maxLiteralSize,
        maxMessageSize: options.maxCommandSize ?? DEFAULT_MAX_COMMAND_SIZE,
      },
      { continuations: true, announcement: trailingLiteral, tagOf: peekTag },
    );
  }

  /** Queues octets from the client. */
  receive(bytes: Uint8Array): void {
    this.#framer.receive(bytes);
  }

  /** Octets received but not yet framed. */
  get buffered(): number {
    return this.#framer.buffered;
  }

  /** Whether a command has begun (e.g. awaiting its literal) but not ended. */
  get inCommand(): boolean {
    return this.#framer.inMessage;
  }

  /**
   * After `continuation-needed`, the server answered with a tagged response
   * instead of `+`: the client will not send the literal (RFC 3501 §7.5), so
   * the partial command is dropped.
   */
  rejectContinuation(): void {
    this.#framer.abandonMessage();
  }

  /** The next output, or undefined when more octets are needed. */
  poll(mode: CommandReaderMode = 'command'): CommandReaderOutput | undefined {
    const e = this.#framer.poll(mode === 'line' ? 'line' : 'message');
    if (e === undefined) return undefined;
    const tagged = <T extends CommandReaderOutput>(o: T, tag: string | undefined): T =>
      tag === undefined ? o : { ...o, tag };
    switch (e.kind) {
      case 'message': {
        const t = tokenize(e.raw, { end: e.end, maxDepth: this.#maxDepth });
        if (t.ok) return { kind: 'command', raw: e.raw, tokens: t.tokens };
        return tagged({ kind: 'bad', message: t.message, raw: e.raw }, peekTag(e.raw));
      }
      case 'line':
      case 'continuation-needed':
        return e;
      case 'line-too-long':
        return tagged(
          { kind: 'line-too-long', limit: e.limit, message: `Line longer than ${e.limit} octets` },
          e.tag,
        );
      case 'literal-too-big':
        return tagged(
          {
            kind: 'literal-too-big',
            size: e.size,
            limit: e.limit,
            synchronizing: e.synchronizing,
            message: `Literal of ${Number.isFinite(e.size) ? e.size : 'more than 999999999999999'} octets is larger than the limit of ${e.limit}`,
          },
          e.tag,
        );
      case 'message-too-big':
        return tagged(
          { kind: 'command-too-big', limit: e.limit, message: `Command longer than ${e.limit} octets` },
          e.tag,
        );
    }
  }
}
