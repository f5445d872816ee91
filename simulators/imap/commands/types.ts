/**
 * The common shape of the command modules (imapflow's one-module-per-verb
 * split, typed): a handler takes the session's state and one parsed command
 * and returns the responses plus what changes — the next protocol state, the
 * account, the selected mailbox. Handlers never see bytes, the actor or the
 * clock; they read and write the store through the state they are given, so
 * each can be tested with a store and a plain object.
 *
 * SIMPLIFICATION: handlers write to the store directly rather than returning
 * effects, because IMAP answers depend on the write (APPENDUID needs the new
 * UID, COPYUID the copies' UIDs).
 */
import type { TlsInfo } from '../../core/session.ts';
import type { SaslServerMechanism } from '../../auth/sasl.ts';
import type { Account, MailStore } from '../../store/mail-store.ts';
import type { CommandName, ImapCommand, ImapResponse, ResponseCode, TaggedStatus } from '../codec/index.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import type { ImapServerConfig } from '../server-config.ts';

/** What a command may read of the session. */
export interface ImapSessionState {
  readonly config: ImapServerConfig;
  readonly store: MailStore;
  /** Virtual wall-clock time, epoch ms (APPEND's default internal date). */
  readonly now: () => number;
  /** The unique part of the CRAM-MD5 challenge, from the world's seeded PRNG. */
  readonly nonce: () => string;
  readonly tls: TlsInfo | undefined;
  /** RFC 4978: the compression layer once COMPRESS succeeded. */
  readonly compression: 'DEFLATE' | undefined;
  /** Set exactly in the authenticated and selected states. */
  readonly account: Account | undefined;
  /** Set exactly in the selected state. */
  readonly selected: SelectedMailbox | undefined;
  /**
   * Extensions the client has enabled for the rest of the connection
   * (RFC 5161 ENABLE, or implicitly: RFC 7162 §3.1's CONDSTORE enabling commands).
   */
  readonly enabled: ReadonlySet<string>;
  /** Passed to a new {@link SelectedMailbox}, so IDLE hears of changes at once. */
  readonly onMailboxChange: () => void;
}

/** Where the protocol goes after a command (RFC 9051 §3), or a sub-state that awaits more input. */
export type NextState =
  'notAuthenticated' | 'authenticated' | 'selected' | 'logout' | 'awaitingTls' | 'authenticating' | 'idling';

/** The tagged completion of a command. */
export interface Completion {
  readonly status: TaggedStatus;
  readonly code?: ResponseCode;
  readonly text: string;
}

/** What a command handler returns. */
export interface CommandResult {
  /** Untagged (and continuation) responses, in order. */
  readonly untagged: readonly ImapResponse[];
  /** The tagged response; absent when the command goes on (AUTHENTICATE, IDLE). */
  readonly done?: Completion;
  readonly next?: NextState;
  /** The account that logged in. */
  readonly account?: Account;
  /** A new view (SELECT/EXAMINE), or null when the mailbox was closed. */
  readonly selected?: SelectedMailbox | null;
  /** The SASL exchange AUTHENTICATE started. */
  readonly sasl?: SaslServerMechanism;
  /** Extensions this command enabled (RFC 5161; RFC 7162 §3.1 CONDSTORE enabling commands). */
  readonly enable?: readonly string[];
  /**
   * Hold back EXPUNGE responses at the end of this command (RFC 3501 §7.4.1:
   * not during FETCH, STORE, SEARCH; we defer for their UID forms too).
   */
  readonly deferExpunge?: boolean;
  /** Start compressing both directions after this command's responses (RFC 4978 COMPRESS). */
  readonly startCompression?: true;
  /** A rule the client broke, for the UI. */
  readonly violation?: { readonly rule: string; readonly message: string };
}

/** The parsed command named `N` (also when its variant covers several names, like DELETE/SUBSCRIBE). */
export type CommandOf<N extends CommandName> = ImapCommand & { readonly name: N };

/** A command handler for the command `N`. */
export type CommandHandler<N extends CommandName> = (
  session: ImapSessionState,
  command: CommandOf<N>,
) => CommandResult;

/** A result with only a tagged OK. */
export function ok(text: string, code?: ResponseCode, untagged: readonly ImapResponse[] = []): CommandResult {
  return { untagged, done: code === undefined ? { status: 'OK', text } : { status: 'OK', code, text } };
}

/** A result with only a tagged NO. */
export function no(text: string, code?: ResponseCode): CommandResult {
  return { untagged: [], done: code === undefined ? { status: 'NO', text } : { status: 'NO', code, text } };
}

/** A result with only a tagged BAD. */
export function bad(text: string): CommandResult {
  return { untagged: [], done: { status: 'BAD', text } };
}

/** An untagged `* OK [code] text`. */
export function untaggedOk(code: ResponseCode, text: string): ImapResponse {
  return { kind: 'status', status: 'OK', code, text };
}
