/**
 * The typed IMAP command: what `parseCommand` produces and `formatCommand`
 * writes. One variant per command of RFC 3501 / RFC 9051 and the extensions
 * the simulated server claims, discriminated on `name` (upper case). The UID
 * forms (RFC 3501 §6.4.8) share their variant with `uid: true`.
 *
 * Values are decoded: mailbox names are Unicode (modified UTF-7 undone,
 * `INBOX` in any case becomes `INBOX`), system flags have their canonical
 * case (`\seen` → `\Seen`), keywords and enumerations are upper-cased,
 * dates are epoch milliseconds. Optional parts that the client may leave out
 * are optional properties, so a command formats back the way it was written.
 */
import type { ImapDateTime } from './dates.ts';
import type { FetchAttribute } from './fetch-attributes.ts';
import type { SearchKey } from './search-keys.ts';
import type { SequenceSet } from './sequence-set.ts';

/** A flag: a system flag `\Seen` or a keyword `$Forwarded` (`; RFC 3501 §9 flag`). */
export type Flag = string;

/** `; RFC 3501 §9 status-att`, with RFC 9051 DELETED and SIZE and RFC 7162 HIGHESTMODSEQ. */
export type StatusItem =
  'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'DELETED' | 'SIZE' | 'HIGHESTMODSEQ';

/** `; RFC 5258 §6 list-select-option`, with RFC 6154 SPECIAL-USE. */
export type ListSelectOption = 'SUBSCRIBED' | 'REMOTE' | 'RECURSIVEMATCH' | 'SPECIAL-USE';

/** `; RFC 5258 §6 return-option`, with RFC 6154 SPECIAL-USE and RFC 5819 STATUS. */
export type ListReturnOption =
  | { readonly option: 'SUBSCRIBED' | 'CHILDREN' | 'SPECIAL-USE' }
  | { readonly option: 'STATUS'; readonly items: readonly StatusItem[] };

/** One message of APPEND (`; RFC 3502 §6 append-message`). */
export interface AppendMessage {
  readonly flags?: readonly Flag[];
  readonly date?: ImapDateTime;
  readonly message: Uint8Array;
  /** Sent as `~{n}` (RFC 3516 literal8). */
  readonly binary: boolean;
}

/** `; RFC 4731 §3 search-return-opt`, with RFC 5182 SAVE. */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

/** `; RFC 5256 §5 sort-key`, with RFC 5957 DISPLAYFROM / DISPLAYTO. */
export type SortKey =
  'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';

/** `; RFC 5256 §5 sort-criterion`. */
export interface SortCriterion {
  readonly key: SortKey;
  readonly reverse: boolean;
}

/** `; RFC 5256 §5 thread-alg` values the server implements. */
export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

/** The FETCH macros (RFC 3501 §6.4.5). */
export type FetchMacro = 'ALL' | 'FAST' | 'FULL';

/** What STORE does with the flags (`FLAGS`, `+FLAGS`, `-FLAGS`). */
export type StoreMode = 'replace' | 'add' | 'remove';

/** A command's arguments, by name. */
export type CommandArgs =
  | {
      readonly name:
        'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'IDLE' | 'NAMESPACE';
    }
  | { readonly name: 'AUTHENTICATE'; readonly mechanism: string; readonly initialResponse?: string }
  | { readonly name: 'LOGIN'; readonly username: string; readonly password: string }
  | { readonly name: 'SELECT' | 'EXAMINE'; readonly mailbox: string; readonly condstore?: true }
  | { readonly name: 'CREATE'; readonly mailbox: string; readonly specialUse?: readonly string[] }
  | { readonly name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; readonly mailbox: string }
  | { readonly name: 'RENAME'; readonly from: string; readonly to: string }
  | {
      readonly name: 'LIST';
      readonly reference: string;
      /** One pattern, or several when written as a list (RFC 5258 `patterns`). */
      readonly patterns: readonly string[];
      readonly patternList?: true;
      readonly selectOptions?: readonly ListSelectOption[];
      readonly returnOptions?: readonly ListReturnOption[];
    }
  | { readonly name: 'LSUB'; readonly reference: string; readonly pattern: string }
  | { readonly name: 'STATUS'; readonly mailbox: string; readonly items: readonly StatusItem[] }
  | { readonly name: 'APPEND'; readonly mailbox: string; readonly messages: readonly AppendMessage[] }
  | { readonly name: 'EXPUNGE'; readonly uid: false }
  | { readonly name: 'EXPUNGE'; readonly uid: true; readonly sequence: SequenceSet }
  | {
      readonly name: 'SEARCH';
      readonly uid: boolean;
      readonly returnOptions?: readonly SearchReturnOption[];
      readonly charset?: string;
      readonly criteria: readonly SearchKey[];
    }
  | {
      readonly name: 'FETCH';
      readonly uid: boolean;
      readonly sequence: SequenceSet;
      readonly macro?: FetchMacro;
      readonly attributes: readonly FetchAttribute[];
      readonly changedSince?: number;
    }
  | {
      readonly name: 'STORE';
      readonly uid: boolean;
      readonly sequence: SequenceSet;
      readonly unchangedSince?: number;
      readonly mode: StoreMode;
      readonly silent: boolean;
      readonly flags: readonly Flag[];
    }
  | {
      readonly name: 'COPY' | 'MOVE';
      readonly uid: boolean;
      readonly sequence: SequenceSet;
      readonly mailbox: string;
    }
  | { readonly name: 'ENABLE'; readonly capabilities: readonly string[] }
  | { readonly name: 'ID'; readonly parameters: readonly (readonly [string, string | null])[] | null }
  | { readonly name: 'GETQUOTA'; readonly root: string }
  | { readonly name: 'GETQUOTAROOT'; readonly mailbox: string }
  | {
      readonly name: 'SETQUOTA';
      readonly root: string;
      readonly limits: readonly { readonly resource: string; readonly limit: number }[];
    }
  | { readonly name: 'GETACL' | 'MYRIGHTS'; readonly mailbox: string }
  | {
      readonly name: 'SETACL';
      readonly mailbox: string;
      readonly identifier: string;
      readonly rights: string;
    }
  | { readonly name: 'DELETEACL' | 'LISTRIGHTS'; readonly mailbox: string; readonly identifier: string }
  | {
      readonly name: 'SORT';
      readonly uid: boolean;
      readonly criteria: readonly SortCriterion[];
      readonly charset: string;
      readonly search: readonly SearchKey[];
    }
  | {
      readonly name: 'THREAD';
      readonly uid: boolean;
      readonly algorithm: ThreadAlgorithm;
      readonly charset: string;
      readonly search: readonly SearchKey[];
    }
  | { readonly name: 'COMPRESS'; readonly mechanism: string };

/** A command with its tag (`; RFC 3501 §9 command = tag SP (…) CRLF`). */
export type ImapCommand = { readonly tag: string } & CommandArgs;

/** Every command name the parser knows. */
export type CommandName = CommandArgs['name'];

/**
 * What parsing yields: the command, or a `BAD` the server should send with
 * the tag when one could be read (`* BAD` otherwise).
 *
 * `mailboxNameError` is set when a mailbox name is well-formed IMAP but not
 * valid modified UTF-7 (or 8-bit without UTF8=ACCEPT): the name is kept as
 * written and the server should answer `NO` with this text (RFC 3501
 * §5.1.3; Dovecot: "NO Mailbox name is not valid mUTF-7").
 */
export type CommandParseResult =
  | { readonly kind: 'command'; readonly command: ImapCommand; readonly mailboxNameError?: string }
  | { readonly kind: 'bad'; readonly tag?: string; readonly message: string };

/** Options that change how commands are read. */
export interface CommandParseOptions {
  /**
   * UTF8=ACCEPT is enabled (RFC 6855 §3): mailbox names are UTF-8 as sent,
   * not modified UTF-7. Default false.
   */
  readonly utf8Accept?: boolean;
  /** Deepest nesting of lists, sections and search keys; default 64. */
  readonly maxDepth?: number;
}
