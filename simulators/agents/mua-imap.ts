/**
 * The mail program's IMAP client view: what bob's mail app really does while he
 * reads his mail. One connection stays open (RFC 3501): log in, LIST the
 * folders, SELECT one and fetch its list entries (ENVELOPE, flags, size);
 * then each click becomes commands — open a message (BODY[], which sets
 * \Seen), STORE flags, MOVE, EXPUNGE, SEARCH — and between clicks the client
 * waits in IDLE (RFC 2177), so new mail shows up without a refresh.
 *
 * Theory of operation. Clicks are *steps*, run one after another: a step
 * starts by appending an `agent` trace event (`mail client`, with the
 * connection and the step's words), then queues its operations on the
 * IMAP client session; it ends when every operation it queued is done or
 * failed. Only then does the next step start, so everything on the wire
 * between two step events belongs to the first: the app groups the
 * connection's bytes by them, and the transcript beside the view shows
 * what each click sent and heard. With no step left and a folder selected,
 * the client starts IDLE (itself a step, so the wait has its own group);
 * the session ends IDLE with DONE when the next step queues a command. An
 * untagged EXISTS above the count the client knows queues a step that
 * fetches the new list entries.
 *
 * The client knows the selected folder only through what the server said:
 * the `selected`, `summary`, `message`, `flags` and `expunge` events of the
 * session. It never reads the store.
 */
import type { ConnId, HostId } from '../core/ids.ts';
import type { Host } from '../net/network.ts';
import { parseCommand } from '../imap/codec/index.ts';
import {
  DEFAULT_IMAP_CLIENT_TIMING,
  ImapClientSession,
  type Envelope,
  type ImapClientAppEvent,
  type MailboxEntry,
} from '../imap/client-session.ts';
import { traceAgent, type AgentEnv } from './env.ts';
import type { MuaAccount } from './mua.ts';

/** A message of the selected folder, as its list entry was fetched. */
export interface ImapListedMessage {
  readonly uid: number;
  readonly flags: readonly string[];
  /** INTERNALDATE, epoch ms. */
  readonly internalDate: number;
  readonly size: number;
  readonly envelope: Envelope;
}

/** The message opened in the reading pane. */
export interface ImapOpenedMessage {
  readonly folder: string;
  readonly uid: number;
  readonly bytes: Uint8Array;
}

/** The outcome of the last search: the UIDs the server named (undefined while it runs). */
export interface ImapSearchState {
  readonly query: string;
  /** What was sent after `UID SEARCH`. */
  readonly criteria: string;
  readonly uids: readonly number[] | undefined;
}

/** Where the connection is: being made and logged in, usable, or gone. */
export type ImapMailClientPhase = 'connecting' | 'open' | 'closed';

/** Everything the mail client shows, as one immutable value. */
export interface ImapMailClientSnapshot {
  readonly phase: ImapMailClientPhase;
  /** The connection, once made: the trace's bytes on it are the transcript. */
  readonly conn: ConnId | undefined;
  readonly port: 143 | 993;
  readonly folders: readonly MailboxEntry[];
  readonly selected: string | undefined;
  /** By UID, ascending. */
  readonly messages: readonly ImapListedMessage[];
  readonly opened: ImapOpenedMessage | undefined;
  readonly search: ImapSearchState | undefined;
  /** A step is running or waiting. */
  readonly busy: boolean;
  /** Waiting in IDLE for the server to speak. */
  readonly idling: boolean;
  /** Why the last step, or the connection, failed. */
  readonly error: string | undefined;
}

/** How the mail client connects. */
export interface ImapMailClientOptions {
  /** 143 (STARTTLS required) or 993 (implicit TLS, RFC 8314); default 143. */
  readonly port?: 143 | 993;
  /** The folder to open first; default INBOX. */
  readonly folder?: string;
}

interface Step {
  readonly words: string;
  readonly run: (session: ImapClientSession) => void;
}

/** The trace action that starts each step. */
export const MAIL_CLIENT_STEP = 'mail client';

/** A live IMAP mail client of one user's mail program; see the module comment. */
export class ImapMailClient {
  readonly port: 143 | 993;
  #phase: ImapMailClientPhase = 'connecting';
  #conn: ConnId | undefined;
  #session: ImapClientSession | undefined;
  #folders: readonly MailboxEntry[] = [];
  #selected: string | undefined;
  /** The message count the client knows (RFC 3501 §7.3.1), to tell new mail from old. */
  #exists = 0;
  #messages = new Map<number, ImapListedMessage>();
  #opened: ImapOpenedMessage | undefined;
  #search: ImapSearchState | undefined;
  #error: string | undefined;
  readonly #steps: Step[] = [];
  /** The step running, by the operations it still waits for. */
  #running: { readonly words: string; readonly pending: Set<number> } | undefined;
  /** The IDLE operation, while one is queued or running. */
  #idleOp: number | undefined;
  #idleRefused = false;
  #closing = false;
  #version = 0;

  constructor(
    readonly env: AgentEnv,
    readonly host: Host,
    readonly account: MuaAccount,
    options: ImapMailClientOptions = {},
  ) {
    this.port = options.port ?? 143;
    this.#connect(options.folder ?? 'INBOX');
  }

  /** Goes up with every change, so a view copies the state only when it moved. */
  get version(): number {
    return this.#version;
  }

  /** Whether a step is running or waiting (the connection being made counts). */
  get busy(): boolean {
    return this.#phase === 'connecting' || this.#running !== undefined || this.#steps.length > 0;
  }

  /** The state as one value. */
  snapshot(): ImapMailClientSnapshot {
    return {
      phase: this.#phase,
      conn: this.#conn,
      port: this.port,
      folders: this.#folders,
      selected: this.#selected,
      messages: [...this.#messages.values()].sort((a, b) => a.uid - b.uid),
      opened: this.#opened,
      search: this.#search,
      busy: this.busy,
      idling: this.#idleOp !== undefined,
      error: this.#error,
    };
  }

  /** SELECT a folder and fetch its list entries. */
  selectFolder(name: string): void {
    this.#step(`Open folder ${name}`, (s) => this.#select(s, name));
  }

  /** UID FETCH the whole message, which the server marks \Seen. */
  open(uid: number): void {
    this.#step(`Read message UID ${uid}`, (s) => this.#track(s.fetchMessage(uid).id));
  }

  /** UID STORE +FLAGS or -FLAGS on some messages. */
  setFlag(uids: readonly number[], flag: string, on: boolean): void {
    const words = `${on ? 'Set' : 'Clear'} ${flag} on UID ${uids.join(',')}`;
    this.#step(words, (s) => this.#track(s.setFlags(uids, on ? '+FLAGS' : '-FLAGS', [flag]).id));
  }

  /** UID MOVE (or COPY, STORE \Deleted, EXPUNGE without MOVE) to another folder. */
  move(uids: readonly number[], folder: string): void {
    this.#step(`Move UID ${uids.join(',')} to ${folder}`, (s) => this.#track(s.move(uids, folder).id));
  }

  /** EXPUNGE: the messages marked \Deleted go for good. */
  expunge(): void {
    this.#step('Expunge deleted messages', (s) => this.#track(s.expunge().id));
  }

  /**
   * UID SEARCH. A query that reads as IMAP search criteria (`UNSEEN FROM
   * alice`) is sent as it is; other words are searched for with TEXT.
   */
  search(query: string): void {
    const criteria = searchCriteria(query);
    this.#step(`Search ${criteria}`, (s) => {
      this.#search = { query, criteria, uids: undefined };
      this.#track(s.search(criteria).id);
    });
  }

  /** Forgets the last search (nothing goes to the server). */
  clearSearch(): void {
    this.#search = undefined;
    this.#changed();
  }

  /** Ends IDLE and logs out; the client is closed after. */
  close(): void {
    if (this.#closing || this.#phase === 'closed') return;
    this.#closing = true;
    this.#steps.length = 0;
    this.#mark('Log out');
    this.#session?.stopIdle();
    this.#session?.logout();
    if (this.#session === undefined) this.#phase = 'closed';
    this.#changed();
  }

  #connect(folder: string): void {
    const server = this.account.mailboxHost ?? this.account.submissionHost;
    const port = this.port;
    const fail = (reason: string) => {
      this.#phase = 'closed';
      this.#error = reason;
      this.#changed();
    };
    this.env.dns.lookup(this.host.id, { name: server, type: 'A' }, `address of ${server}`, (answer) => {
      const a = answer.answers.find((rr) => rr.type === 'A');
      if (!a || a.type !== 'A') return fail(`cannot find ${server} (${answer.rcode})`);
      if (this.#closing) return fail('closed before connecting');
      const socket = this.host.connect(
        { address: a.address, port, serverName: server, tls: port === 993 },
        {
          failed: (why) => fail(`cannot connect to ${server}:${port} (${why})`),
          opened: () => {
            const session = new ImapClientSession(
              {
                config: {
                  username: this.account.address,
                  password: this.account.password,
                  tls: port === 993 ? 'none' : 'required',
                  implicitTls: port === 993,
                  ...DEFAULT_IMAP_CLIENT_TIMING,
                },
              },
              this.env.scheduler,
            );
            this.#session = session;
            this.env.driver.attach(socket, session, {
              protocol: 'imap',
              onEvent: (event: ImapClientAppEvent) => this.#event(event),
              onEnd: () => {
                this.#phase = 'closed';
                this.#running = undefined;
                this.#idleOp = undefined;
                this.#changed();
              },
            });
            // Login happens first by itself; the folder list and the first folder follow.
            this.#running = { words: 'Log in', pending: new Set() };
            this.#track(session.list().id);
            this.#steps.push({ words: `Open folder ${folder}`, run: (s) => this.#select(s, folder) });
            this.#changed();
          },
        },
      );
      this.#conn = socket.id;
      this.#mark(`Connect to ${server}:${port} and log in`);
      this.#changed();
    });
  }

  #select(session: ImapClientSession, name: string): void {
    this.#search = undefined;
    this.#track(session.select(name).id);
  }

  #step(words: string, run: (session: ImapClientSession) => void): void {
    if (this.#closing || this.#phase === 'closed') return;
    this.#steps.push({ words, run });
    this.#changed();
    this.#next();
  }

  /** Starts the next step when none runs; with none left, waits in IDLE. */
  #next(): void {
    const session = this.#session;
    if (session === undefined || this.#running !== undefined || this.#phase === 'closed') return;
    const step = this.#steps.shift();
    if (step !== undefined) {
      this.#mark(step.words);
      this.#running = { words: step.words, pending: new Set() };
      step.run(session);
      this.#finishIfDone();
    } else if (
      this.#selected !== undefined &&
      this.#idleOp === undefined &&
      !this.#idleRefused &&
      !this.#closing
    ) {
      this.#mark('Wait for new mail (IDLE)');
      this.#idleOp = session.idle().id;
    }
    this.#changed();
  }

  #track(op: number): void {
    this.#running?.pending.add(op);
  }

  #finishIfDone(): void {
    if (this.#running?.pending.size !== 0) return;
    this.#running = undefined;
    this.#next();
  }

  #event(event: ImapClientAppEvent): void {
    switch (event.type) {
      case 'mailboxes':
        this.#phase = 'open';
        this.#folders = event.list;
        break;
      case 'selected':
        this.#selected = event.mailbox;
        this.#exists = event.exists;
        this.#messages = new Map();
        this.#opened = undefined;
        this.#error = undefined;
        // Nothing to list in an empty folder (and `1:*` would name no message).
        if (event.exists > 0 && this.#session) this.#track(this.#session.fetchSummaries(0).id);
        break;
      case 'summary': {
        const { uid, flags, internalDate, size, envelope } = event;
        this.#messages.set(uid, { uid, flags, internalDate, size, envelope });
        break;
      }
      case 'message':
        if (this.#selected !== undefined)
          this.#opened = { folder: this.#selected, uid: event.uid, bytes: event.bytes };
        this.#setFlags(event.uid, event.flags);
        break;
      case 'flags':
        if (event.uid !== undefined) this.#setFlags(event.uid, event.flags);
        break;
      case 'exists':
        if (event.count > this.#exists && !this.#steps.some((s) => s.words === NEW_MAIL)) {
          const since = () => Math.max(0, ...this.#messages.keys());
          this.#steps.push({ words: NEW_MAIL, run: (s) => this.#track(s.fetchSummaries(since()).id) });
        }
        this.#exists = event.count;
        break;
      case 'expunge':
        this.#exists = Math.max(0, this.#exists - 1);
        if (event.uid === undefined) break;
        this.#messages.delete(event.uid);
        if (this.#opened?.uid === event.uid) this.#opened = undefined;
        break;
      case 'searched':
        if (this.#search) this.#search = { ...this.#search, uids: event.uids };
        break;
      case 'done':
      case 'failed':
        if (event.type === 'failed') this.#error = event.reason;
        if (event.op === undefined) {
          this.#phase = 'closed';
          this.#running = undefined;
          this.#idleOp = undefined;
          break;
        }
        if (event.op.id === this.#idleOp) {
          this.#idleOp = undefined;
          // Without IDLE (RFC 2177) new mail shows at the next step; asking again would only loop.
          if (event.type === 'failed') this.#idleRefused = true;
        }
        this.#running?.pending.delete(event.op.id);
        this.#finishIfDone();
        break;
    }
    this.#changed();
    // A step queued by EXISTS starts once the session is free (IDLE ends by itself when it does).
    this.#next();
  }

  #setFlags(uid: number, flags: readonly string[]): void {
    const listed = this.#messages.get(uid);
    if (listed) this.#messages.set(uid, { ...listed, flags });
  }

  #mark(words: string): void {
    traceAgent(this.env, this.host.id as HostId, 'mua', MAIL_CLIENT_STEP, {
      from: this.account.address,
      ...(this.#conn === undefined ? {} : { conn: this.#conn }),
      step: words,
    });
  }

  #changed(): void {
    this.#version++;
  }
}

const NEW_MAIL = 'New mail arrived: fetch its list entries';

/** IMAP search criteria as typed, or `TEXT "…"` for words that are not criteria (RFC 3501 §6.4.4). */
export function searchCriteria(query: string): string {
  const trimmed = query.trim();
  const parsed = parseCommand(`S UID SEARCH ${trimmed}`, { utf8Accept: true });
  if (trimmed !== '' && parsed.kind === 'command') return trimmed;
  return `TEXT "${trimmed.replace(/["\\]/g, '\\$&')}"`;
}
