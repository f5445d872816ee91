/**
 * The IMAP command parser: tokens (from the tokenizer or the command reader)
 * in, a typed {@link ImapCommand} or a `BAD` out. Never throws.
 *
 * Covered: RFC 3501 / RFC 9051 commands, UIDPLUS (RFC 4315 UID EXPUNGE),
 * MOVE (RFC 6851), UNSELECT (RFC 3691), IDLE (RFC 2177), NAMESPACE
 * (RFC 2342), ENABLE (RFC 5161), ID (RFC 2971), QUOTA (RFC 9208), ACL
 * (RFC 4314), SORT / THREAD (RFC 5256), COMPRESS (RFC 4978), SASL-IR
 * (RFC 4959), LIST-EXTENDED (RFC 5258) with SPECIAL-USE (RFC 6154) and
 * LIST-STATUS (RFC 5819), CONDSTORE (RFC 7162), ESEARCH (RFC 4731),
 * SEARCHRES (RFC 5182), MULTIAPPEND (RFC 3502), BINARY (RFC 3516, parse only)
 * and CREATE-SPECIAL-USE (RFC 6154).
 *
 * Whether a command is allowed in the current state is not the parser's
 * business: the server machine decides that.
 */
import { utf8Bytes } from '../../core/bytes.ts';
import { BASE64, COMMAND_PARSERS, UID_COMMANDS } from './command-args.ts';
import type { CommandParseOptions, CommandParseResult } from './command-types.ts';
import { DEFAULT_MAX_DEPTH, tokenize, type Token } from './tokenizer.ts';
import { SyntaxFailure, TokenCursor } from './token-cursor.ts';
import { isTag } from './values.ts';

/**
 * The tag of a command line, when its first octets form a valid tag; lets a
 * reader answer `A1 BAD …` even for a command it could not tokenize.
 */
export function peekTag(raw: Uint8Array): string | undefined {
  let end = 0;
  while (end < raw.length && end < 256 && raw[end] !== 0x20 && raw[end] !== 0x0d && raw[end] !== 0x0a) end++;
  // A tag longer than 255 octets is not worth echoing.
  if (end === 256) return undefined;
  let tag = '';
  for (let i = 0; i < end; i++) tag += String.fromCharCode(raw[i]!);
  return isTag(tag) ? tag : undefined;
}

/** Parses a tokenized command. */
export function parseCommandTokens(
  tokens: readonly Token[],
  options: CommandParseOptions = {},
): CommandParseResult {
  const first = tokens[0];
  if (first === undefined) return { kind: 'bad', message: 'Empty command: start with a tag, e.g. A1 NOOP' };
  if (first.kind !== 'atom' || !isTag(first.value)) {
    return { kind: 'bad', message: 'Missing tag: every command starts with a tag such as A1, e.g. A1 NOOP' };
  }
  const tag = first.value;
  const nameToken = tokens[1];
  if (nameToken === undefined)
    return { kind: 'bad', tag, message: `Missing command name after the tag '${tag}'` };
  if (nameToken.kind !== 'atom' || nameToken.section !== undefined) {
    return { kind: 'bad', tag, message: 'Missing command name after the tag' };
  }
  let name = nameToken.value.toUpperCase();
  const context = {
    utf8Accept: options.utf8Accept === true,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    mailboxNameErrors: [] as string[],
  };
  let rest = tokens.slice(2);
  let uid = false;
  if (name === 'UID') {
    const sub = rest[0];
    const subName = sub?.kind === 'atom' ? sub.value.toUpperCase() : '';
    if (!UID_COMMANDS.has(subName)) {
      return {
        kind: 'bad',
        tag,
        message: 'UID must be followed by COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE, SORT or THREAD',
      };
    }
    uid = true;
    name = subName;
    rest = rest.slice(1);
  }
  const parser = Object.hasOwn(COMMAND_PARSERS, name) ? COMMAND_PARSERS[name] : undefined;
  if (parser === undefined) return { kind: 'bad', tag, message: `Unknown command '${nameToken.value}'` };
  try {
    const args = parser(new TokenCursor(rest, uid ? `UID ${name}` : name, context), uid);
    const error = context.mailboxNameErrors[0];
    return error === undefined
      ? { kind: 'command', command: { tag, ...args } }
      : { kind: 'command', command: { tag, ...args }, mailboxNameError: error };
  } catch (e) {
    if (e instanceof SyntaxFailure) return { kind: 'bad', tag, message: e.message };
    throw e;
  }
}

/**
 * Tokenizes and parses one complete command: octets with literals inline,
 * with or without the final CRLF (a string is taken as UTF-8). For a live
 * connection use the command reader, which frames literals first.
 */
export function parseCommand(
  raw: Uint8Array | string,
  options: CommandParseOptions = {},
): CommandParseResult {
  const bytes = typeof raw === 'string' ? utf8Bytes(raw) : raw;
  const tokens = tokenize(bytes, { maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH });
  if (!tokens.ok) {
    const tag = peekTag(bytes);
    return tag === undefined
      ? { kind: 'bad', message: tokens.message }
      : { kind: 'bad', tag, message: tokens.message };
  }
  return parseCommandTokens(tokens.tokens, options);
}

/**
 * Whether a line read while idling is the `DONE` that ends IDLE
 * (`; RFC 2177 §4 idle = "IDLE" CRLF "DONE"`), case-insensitively. Anything
 * else is a protocol error the server answers with `BAD` (Dovecot: "Expected DONE").
 */
export function isIdleDone(line: string): boolean {
  return line.toUpperCase() === 'DONE';
}

/**
 * Reads a client's line during AUTHENTICATE (RFC 3501 §6.2.2): `*` cancels
 * the exchange; anything else must be base64 (possibly empty).
 */
export function parseAuthenticateLine(
  line: string,
):
  | { readonly kind: 'cancel' }
  | { readonly kind: 'response'; readonly base64: string }
  | { readonly kind: 'bad'; readonly message: string } {
  if (line === '*') return { kind: 'cancel' };
  if (!BASE64.test(line)) return { kind: 'bad', message: 'The SASL response must be base64, or * to cancel' };
  return { kind: 'response', base64: line };
}
