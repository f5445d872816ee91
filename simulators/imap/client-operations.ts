/**
 * What the IMAP client does for its owner, as data: the operations a MUA
 * queues (`list`, `select`, `fetchNew`…), the app events it hears back, the
 * mailbox view the client keeps while a mailbox is selected, and the one
 * function that turns a protocol step into the command it sends. Pure; the
 * machine (client.machine.ts) decides when each step happens; the events
 * between it and its session are declared here too.
 */
import { base64Encode } from '../core/bytes.ts';
import { plainResponse } from '../auth/sasl.ts';
import type { TlsInfo } from '../core/session.ts';
import type {
  CommandArgs,
  ImapCommand,
  ImapResponse,
  ResponseCode,
  SearchKey,
  SeqItem,
  SequenceSet,
  UntaggedStatus,
} from './codec/index.ts';

/** How one IMAP client connection behaves. */
export interface ImapClientConfig {
  readonly username: string;
  readonly password: string;
  /** `'required'`: no credentials before TLS; `'opportunistic'`: STARTTLS when offered; `'none'`. */
  readonly tls: 'required' | 'opportunistic' | 'none';
  /** Port 993: TLS from the first byte (RFC 8314 §3). */
  readonly implicitTls: boolean;
  /** How long to wait for any response. */
  readonly replyTimeoutMs: number;
  /** RFC 2177 §3: re-issue IDLE at least every 29 minutes (the server's autologout is 30). */
  readonly idleRefreshMs: number;
  /** RFC 4978: after login, turn on COMPRESS=DEFLATE when the server offers it. Default off. */
  readonly compress?: boolean;
}

/** One mailbox of a LIST answer (RFC 3501 §7.2.2), its name decoded from modified UTF-7. */
export interface MailboxEntry {
  readonly name: string;
  /** The hierarchy delimiter; undefined for `NIL` (a flat namespace). */
  readonly delimiter: string | undefined;
  readonly attributes: readonly string[];
}

/** One address of an ENVELOPE (RFC 3501 §7.4.2 `address`); NIL parts are left out. */
export interface EnvelopeAddress {
  /** The display name, as sent (RFC 2047 encoded words are not decoded here). */
  readonly name?: string;
  readonly mailbox?: string;
  readonly host?: string;
}

/**
 * An ENVELOPE (RFC 3501 §7.4.2): the header fields a message list shows,
 * parsed by the server. Strings are as sent; NIL is left out.
 */
export interface Envelope {
  readonly date?: string;
  readonly subject?: string;
  readonly from: readonly EnvelopeAddress[];
  readonly sender: readonly EnvelopeAddress[];
  readonly replyTo: readonly EnvelopeAddress[];
  readonly to: readonly EnvelopeAddress[];
  readonly cc: readonly EnvelopeAddress[];
  readonly bcc: readonly EnvelopeAddress[];
  readonly inReplyTo?: string;
  readonly messageId?: string;
}

/** The items of one untagged FETCH the client reads (RFC 3501 §7.4.2). */
export interface FetchedItems {
  readonly uid?: number;
  readonly flags?: readonly string[];
  /** INTERNALDATE, epoch ms. */
  readonly internalDate?: number;
  readonly size?: number;
  readonly envelope?: Envelope;
  /** BODY[]: the whole message. */
  readonly body?: Uint8Array;
}

/** What the owner asks the client to do, before the session numbers it. */
export type ImapOperationRequest =
  | { readonly kind: 'list' }
  | { readonly kind: 'select'; readonly mailbox: string }
  /** UID FETCH sinceUid+1:* — the messages whose UID is above `sinceUid`. */
  | { readonly kind: 'fetchNew'; readonly sinceUid: number }
  /** UID FETCH sinceUid+1:* (… ENVELOPE): what a message list shows, without the bodies. */
  | { readonly kind: 'fetchSummaries'; readonly sinceUid: number }
  /** UID FETCH uid (… BODY[]): opening a message to read it, which sets \Seen (RFC 3501 §6.4.5). */
  | { readonly kind: 'fetchMessage'; readonly uid: number }
  | {
      readonly kind: 'setFlags';
      readonly uids: readonly number[];
      readonly mode: '+FLAGS' | '-FLAGS';
      readonly flags: readonly string[];
    }
  | { readonly kind: 'move'; readonly uids: readonly number[]; readonly mailbox: string }
  | { readonly kind: 'expunge' }
  /** UID SEARCH; `criteria` as written, `keys` as the codec parsed them. */
  | { readonly kind: 'search'; readonly criteria: string; readonly keys: readonly SearchKey[] }
  | { readonly kind: 'idle' }
  | { readonly kind: 'logout' };

/** An operation, numbered by the session. */
export type ImapOperation = { readonly id: number } & ImapOperationRequest;

/** What the client session tells its owner. */
export type ImapClientAppEvent =
  | { readonly type: 'mailboxes'; readonly list: readonly MailboxEntry[] }
  | {
      readonly type: 'selected';
      readonly mailbox: string;
      readonly exists: number;
      readonly uidValidity: number;
      readonly uidNext: number;
    }
  | {
      readonly type: 'message';
      readonly uid: number;
      readonly flags: readonly string[];
      /** Epoch ms; 0 from `fetchMessage`, which does not ask for it. */
      readonly internalDate: number;
      readonly bytes: Uint8Array;
    }
  /** A message's list entry, from `fetchSummaries`. */
  | {
      readonly type: 'summary';
      readonly seq: number;
      readonly uid: number;
      readonly flags: readonly string[];
      /** Epoch ms. */
      readonly internalDate: number;
      readonly size: number;
      readonly envelope: Envelope;
    }
  /** A message's flags, from a STORE or an unsolicited FETCH; `uid` when the client knows it. */
  | { readonly type: 'flags'; readonly seq: number; readonly uid?: number; readonly flags: readonly string[] }
  /** Untagged EXISTS once a mailbox is selected: new mail (pushed during IDLE too). */
  | { readonly type: 'exists'; readonly count: number }
  | { readonly type: 'expunge'; readonly seq: number; readonly uid?: number }
  | { readonly type: 'searched'; readonly uids: readonly number[] }
  | { readonly type: 'done'; readonly op: ImapOperation }
  /** Without `op`: the session itself failed, and each pending operation fails with it. */
  | {
      readonly type: 'failed';
      readonly op?: ImapOperation;
      readonly reason: string;
      readonly permanent: boolean;
    };

type TaggedResponse = Extract<ImapResponse, { kind: 'tagged' }>;

/** Events the session feeds the machine. */
export type ImapClientEvent =
  /** The tagged completion of the command in flight: OK, or NO / BAD (`response.status` says which). */
  | { type: 'reply.ok' | 'reply.refused'; response: TaggedResponse }
  | { type: 'reply.continue'; text: string }
  /** `* OK`, `* NO`, `* BAD`, `* BYE`, `* PREAUTH` (the greeting among them). */
  | { type: 'reply.status'; status: UntaggedStatus; code?: ResponseCode; text: string }
  | { type: 'reply.capability'; capabilities: readonly string[] }
  | { type: 'reply.list'; mailbox: MailboxEntry }
  | { type: 'reply.search'; numbers: readonly number[] }
  | { type: 'reply.exists'; count: number }
  | { type: 'reply.expunge'; seq: number }
  | { type: 'reply.fetch'; seq: number; items: FetchedItems }
  /** Other untagged data (FLAGS, RECENT, STATUS…): nothing the client acts on. */
  | { type: 'reply.data'; name: string }
  /** A response that cannot be read: the stream can no longer be trusted. */
  | { type: 'reply.malformed'; line: string; reason: string }
  | { type: 'tls.established'; info: TlsInfo }
  | { type: 'net.closed' }
  | { type: 'app.request'; op: ImapOperation }
  | { type: 'app.stopIdle' };

/** What the machine asks for. */
export type ImapClientEmitted =
  /** A command; `literalPlus` when the server offers LITERAL+ (RFC 7888). */
  | { type: 'out.command'; command: ImapCommand; literalPlus: boolean }
  /** A line that is no command: a SASL response, or IDLE's DONE. */
  | { type: 'out.line'; text: string }
  | { type: 'out.startTls' }
  /** RFC 4978: compress both directions from the next octet on. */
  | { type: 'out.startCompression' }
  | { type: 'out.close' }
  | { type: 'out.violation'; rule: string; message: string }
  | { type: 'out.event'; event: ImapClientAppEvent };

/** Operations that need a selected mailbox. */
export const NEEDS_MAILBOX: ReadonlySet<string> = new Set([
  'fetchNew',
  'fetchSummaries',
  'fetchMessage',
  'setFlags',
  'move',
  'expunge',
  'search',
  'idle',
]);

/** The selected mailbox as the client knows it. */
export interface MailboxView {
  readonly name: string;
  readonly exists: number;
  readonly uidValidity: number;
  readonly uidNext: number;
  /** Sequence number → UID, for the messages some FETCH named with their UID. */
  readonly uids: ReadonlyMap<number, number>;
}

/** A view being built by SELECT. */
export function newView(name: string): MailboxView {
  return { name, exists: 0, uidValidity: 0, uidNext: 0, uids: new Map() };
}

/** The view with `seq` known as `uid`. */
export function withUid(view: MailboxView, seq: number, uid: number | undefined): MailboxView {
  if (uid === undefined || view.uids.get(seq) === uid) return view;
  return { ...view, uids: new Map(view.uids).set(seq, uid) };
}

/** RFC 3501 §7.4.1: after `* n EXPUNGE` every later message's number drops by one. */
export function afterExpunge(view: MailboxView, seq: number): MailboxView {
  const uids = new Map<number, number>();
  for (const [s, uid] of view.uids) if (s !== seq) uids.set(s > seq ? s - 1 : s, uid);
  return { ...view, exists: Math.max(0, view.exists - 1), uids };
}

/** UIDs as a compact sequence set: `[5, 1, 2, 3]` → `1:3,5`. */
export function uidSet(uids: readonly number[]): SequenceSet {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const items: SeqItem[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i]!;
    items.push(start === end ? start : [start, end]);
  }
  return items;
}

/** `A001`, `A002`… */
export const tagOf = (n: number): string => `A${String(n).padStart(3, '0')}`;

/** The commands the machine sends, by the step it takes. */
export type Step =
  | 'CAPABILITY'
  | 'STARTTLS'
  | 'COMPRESS'
  | 'AUTHENTICATE'
  | 'AUTHENTICATE-IR'
  | 'LOGIN'
  | 'LIST'
  | 'SELECT'
  | 'FETCH'
  | 'STORE'
  | 'MOVE'
  | 'COPY'
  | 'MARK-DELETED'
  | 'EXPUNGE'
  | 'EXPUNGE-MOVED'
  | 'SEARCH'
  | 'IDLE'
  | 'LOGOUT';

/** What {@link commandFor} needs to know. */
export interface StepContext {
  readonly config: ImapClientConfig;
  readonly current: ImapOperation | undefined;
  readonly capabilities: ReadonlySet<string> | undefined;
}

/** The command of a step; an operation's data comes from `current`. */
export function commandFor(step: Step, { config, current: op, capabilities }: StepContext): CommandArgs {
  const { username, password } = config;
  switch (step) {
    case 'CAPABILITY':
    case 'STARTTLS':
    case 'LOGOUT':
    case 'IDLE':
      return { name: step };
    case 'COMPRESS':
      return { name: 'COMPRESS', mechanism: 'DEFLATE' };
    case 'AUTHENTICATE':
      return { name: 'AUTHENTICATE', mechanism: 'PLAIN' };
    case 'AUTHENTICATE-IR':
      // RFC 4959 §3: the PLAIN message (RFC 4616 §2) rides on the command.
      return {
        name: 'AUTHENTICATE',
        mechanism: 'PLAIN',
        initialResponse: base64Encode(plainResponse(username, password)),
      };
    case 'LOGIN':
      return { name: 'LOGIN', username, password };
    case 'LIST':
      return { name: 'LIST', reference: '', patterns: ['*'] };
  }
  switch (op?.kind) {
    case 'select':
      return { name: 'SELECT', mailbox: op.mailbox };
    case 'fetchNew':
      return {
        name: 'FETCH',
        uid: true,
        sequence: [[op.sinceUid + 1, '*']],
        attributes: [
          { name: 'UID' },
          { name: 'FLAGS' },
          { name: 'INTERNALDATE' },
          { name: 'RFC822.SIZE' },
          // PEEK: reading for the local cache must not set \Seen (RFC 3501 §6.4.5).
          { name: 'BODY[]', peek: true, section: { part: [] } },
        ],
      };
    case 'fetchSummaries':
      return {
        name: 'FETCH',
        uid: true,
        sequence: [[op.sinceUid + 1, '*']],
        attributes: [
          { name: 'UID' },
          { name: 'FLAGS' },
          { name: 'INTERNALDATE' },
          { name: 'RFC822.SIZE' },
          { name: 'ENVELOPE' },
        ],
      };
    case 'fetchMessage':
      return {
        name: 'FETCH',
        uid: true,
        sequence: [op.uid],
        // No PEEK: opening a message marks it read, and the server says so in FLAGS (RFC 3501 §6.4.5).
        attributes: [
          { name: 'UID' },
          { name: 'FLAGS' },
          { name: 'BODY[]', peek: false, section: { part: [] } },
        ],
      };
    case 'setFlags': {
      const mode = op.mode === '+FLAGS' ? 'add' : 'remove';
      return { name: 'STORE', uid: true, sequence: uidSet(op.uids), mode, silent: false, flags: op.flags };
    }
    case 'move': {
      const sequence = uidSet(op.uids);
      if (step === 'MOVE' || step === 'COPY') return { name: step, uid: true, sequence, mailbox: op.mailbox };
      if (step === 'MARK-DELETED')
        return { name: 'STORE', uid: true, sequence, mode: 'add', silent: true, flags: ['\\Deleted'] };
      // RFC 4315 §2.1: UID EXPUNGE leaves alone other messages marked \Deleted.
      return capabilities?.has('UIDPLUS') === true
        ? { name: 'EXPUNGE', uid: true, sequence }
        : { name: 'EXPUNGE', uid: false };
    }
    case 'expunge':
      return { name: 'EXPUNGE', uid: false };
    case 'search':
      // RFC 3501 §6.4.4: strings beyond US-ASCII need a CHARSET.
      return /\P{ASCII}/u.test(op.criteria)
        ? { name: 'SEARCH', uid: true, charset: 'UTF-8', criteria: op.keys }
        : { name: 'SEARCH', uid: true, criteria: op.keys };
    default:
      return { name: 'NOOP' };
  }
}

/** A status as the owner reads it: `NO [NONEXISTENT] Mailbox doesn't exist`. */
export function statusText(status: string, code: ResponseCode | undefined, text: string): string {
  return `${status}${code ? ` [${codeName(code)}]` : ''} ${text}`;
}

/** RFC 5530 codes that say "try again later" rather than "this will never work". */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'INUSE', 'LIMIT', 'SERVERBUG']);

/** Whether a tagged NO is worth retrying later; BAD never is. */
export function isTransient(status: string, code: ResponseCode | undefined): boolean {
  return status === 'NO' && code !== undefined && TRANSIENT_CODES.has(codeName(code));
}

function codeName(code: ResponseCode): string {
  return code.code === 'other' ? code.name : code.code;
}

/** ` (NO [CODE] text)` from a tagged or untagged status event; empty otherwise. */
export function because(event: ImapClientEvent): string {
  if ('response' in event) {
    const { status, code, text } = event.response;
    return ` (${statusText(status, code, text)})`;
  }
  return event.type === 'reply.status' ? ` (${statusText(event.status, event.code, event.text)})` : '';
}
