/**
 * Server responses as data: what the response encoder writes and the
 * response parser reads (`; RFC 3501 §9 response`, RFC 9051 §7).
 *
 * Untagged data (`* 3 EXISTS`, `* 2 FETCH (…)`, `* LIST (…) "/" INBOX`) is
 * generic: a name, an optional leading number and {@link ImapValue}s, so new
 * responses need no new code here. Status responses carry a typed
 * {@link ResponseCode}.
 */
import type { ImapValue } from './values.ts';

/** Response codes without arguments (RFC 3501 §7.1, RFC 5530, RFC 4315, RFC 7162, RFC 4978, RFC 6154…). */
export type SimpleResponseCode =
  | 'ALERT'
  | 'PARSE'
  | 'READ-ONLY'
  | 'READ-WRITE'
  | 'TRYCREATE'
  | 'TOOBIG'
  | 'OVERQUOTA'
  | 'NONEXISTENT'
  | 'ALREADYEXISTS'
  | 'CANNOT'
  | 'CLOSED'
  | 'AUTHENTICATIONFAILED'
  | 'AUTHORIZATIONFAILED'
  | 'PRIVACYREQUIRED'
  | 'UNAVAILABLE'
  | 'INUSE'
  | 'EXPIRED'
  | 'CONTACTADMIN'
  | 'NOPERM'
  | 'LIMIT'
  | 'SERVERBUG'
  | 'CLIENTBUG'
  | 'CORRUPTION'
  | 'EXPUNGEISSUED'
  | 'HASCHILDREN'
  | 'NOMODSEQ'
  | 'UIDNOTSTICKY'
  | 'COMPRESSIONACTIVE'
  | 'UNKNOWN-CTE'
  | 'USEATTR'
  | 'NOTSAVED';

/** The argument-less codes, for lookups. */
export const SIMPLE_RESPONSE_CODES: ReadonlySet<string> = new Set<SimpleResponseCode>([
  'ALERT',
  'PARSE',
  'READ-ONLY',
  'READ-WRITE',
  'TRYCREATE',
  'TOOBIG',
  'OVERQUOTA',
  'NONEXISTENT',
  'ALREADYEXISTS',
  'CANNOT',
  'CLOSED',
  'AUTHENTICATIONFAILED',
  'AUTHORIZATIONFAILED',
  'PRIVACYREQUIRED',
  'UNAVAILABLE',
  'INUSE',
  'EXPIRED',
  'CONTACTADMIN',
  'NOPERM',
  'LIMIT',
  'SERVERBUG',
  'CLIENTBUG',
  'CORRUPTION',
  'EXPUNGEISSUED',
  'HASCHILDREN',
  'NOMODSEQ',
  'UIDNOTSTICKY',
  'COMPRESSIONACTIVE',
  'UNKNOWN-CTE',
  'USEATTR',
  'NOTSAVED',
]);

/** `; RFC 3501 §9 resp-text-code` and its extensions, typed. */
export type ResponseCode =
  | { readonly code: SimpleResponseCode }
  | { readonly code: 'UIDVALIDITY' | 'UIDNEXT' | 'UNSEEN' | 'HIGHESTMODSEQ'; readonly value: number }
  | { readonly code: 'PERMANENTFLAGS'; readonly flags: readonly string[] }
  | { readonly code: 'CAPABILITY'; readonly capabilities: readonly string[] }
  | { readonly code: 'BADCHARSET'; readonly charsets?: readonly string[] }
  /** RFC 4315 §3: the UIDs of the appended messages, in order. */
  | { readonly code: 'APPENDUID'; readonly uidValidity: number; readonly uids: readonly number[] }
  /** RFC 4315 §3: source and destination UIDs, corresponding in order. */
  | {
      readonly code: 'COPYUID';
      readonly uidValidity: number;
      readonly sourceUids: readonly number[];
      readonly destinationUids: readonly number[];
    }
  /** RFC 7162 §3.1.3: messages STORE … UNCHANGEDSINCE left alone. */
  | { readonly code: 'MODIFIED'; readonly numbers: readonly number[] }
  /** Any other code, with its text as written (`; RFC 3501 §9 atom [SP 1*<any TEXT-CHAR except "]">]`). */
  | { readonly code: 'other'; readonly name: string; readonly text?: string };

/** Status conditions of a tagged response. */
export type TaggedStatus = 'OK' | 'NO' | 'BAD';

/** Status conditions of an untagged status response. */
export type UntaggedStatus = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

/** One server response. */
export type ImapResponse =
  /** `A1 OK [READ-WRITE] SELECT completed` */
  | {
      readonly kind: 'tagged';
      readonly tag: string;
      readonly status: TaggedStatus;
      readonly code?: ResponseCode;
      readonly text: string;
    }
  /** `* OK [UIDVALIDITY 1] UIDs valid`, `* BYE Logging out` */
  | {
      readonly kind: 'status';
      readonly status: UntaggedStatus;
      readonly code?: ResponseCode;
      readonly text: string;
    }
  /** `* 3 EXISTS` (number 3, name EXISTS), `* LIST (\Noselect) "/" foo` */
  | {
      readonly kind: 'data';
      readonly number?: number;
      readonly name: string;
      readonly values: readonly ImapValue[];
    }
  /** `+ Ready for literal data`, or `+ ` and base64 during AUTHENTICATE */
  | { readonly kind: 'continuation'; readonly code?: ResponseCode; readonly text: string };
