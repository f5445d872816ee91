/**
 * The MUA: what a mail program does when the user presses Send. It writes an
 * RFC 5322 message (with RFC 2045 MIME headers and RFC 2047 encoded words for
 * a non-ASCII subject), finds its submission server in DNS, connects to port
 * 587, requires STARTTLS, authenticates, and submits (RFC 6409). It reads
 * mail over POP3 (`checkMail`) or IMAP (`syncImap`).
 */
import { base64Encode, toHex, utf8Bytes } from '../core/bytes.ts';
import { formatRfc5322Date } from '../core/civil-time.ts';
import type { HostId } from '../core/ids.ts';
import type { Host } from '../net/network.ts';
import { SmtpClientSession, type SmtpClientAppEvent } from '../smtp/client-session.ts';
import { Pop3ClientSession, type Pop3ClientAppEvent } from '../pop3/client-session.ts';
import {
  DEFAULT_IMAP_CLIENT_TIMING,
  ImapClientSession,
  type ImapClientAppEvent,
} from '../imap/client-session.ts';
import { traceAgent, type AgentEnv } from './env.ts';
import { ImapMailClient, type ImapMailClientOptions } from './mua-imap.ts';

/** What the user typed. */
export interface Draft {
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly body: string;
}

/** Who the MUA works for, and where it submits. */
export interface MuaAccount {
  readonly address: string;
  readonly name?: string;
  readonly password: string;
  /** The submission server's host name (looked up in DNS). */
  readonly submissionHost: string;
  readonly submissionPort: number;
  /** The host that keeps the mailbox, for POP3 and IMAP (looked up in DNS). */
  readonly mailboxHost?: string;
}

/** How the mail program fetches over POP3 (the two habits a lesson compares). */
export interface Pop3CheckOptions {
  readonly mode: 'download-and-delete' | 'download-and-keep';
  /** download-and-keep: delete from the server once a message was downloaded this long ago. */
  readonly deleteAfterMs?: number;
  /** 110 (STLS when offered) or 995 (implicit TLS). */
  readonly port?: 110 | 995;
}

/** The outcome of one mail check. */
export type CheckResult =
  | { readonly ok: true; readonly retrieved: number; readonly deleted: number; readonly onServer: number }
  | { readonly ok: false; readonly reason: string };

/** A message in the mail program's local copy. */
export interface LocalMessage {
  readonly uid: string;
  readonly bytes: Uint8Array;
  /** Epoch ms when it was downloaded. */
  readonly downloadedAt: number;
}

/** How the mail program syncs a mailbox over IMAP. */
export interface ImapSyncOptions {
  /** 143 (STARTTLS required) or 993 (implicit TLS, RFC 8314). */
  readonly port?: 143 | 993;
  /** Default `INBOX`. */
  readonly mailbox?: string;
  /** Stay connected in IDLE and fetch new mail as it arrives (RFC 2177), until `stopImap()`. */
  readonly idle?: boolean;
  /** Compress the connection after login when the server offers COMPRESS=DEFLATE (RFC 4978). */
  readonly compress?: boolean;
}

/** The outcome of the first sync of a `syncImap` call. */
export type ImapSyncResult =
  | {
      readonly ok: true;
      readonly mailbox: string;
      /** Messages fetched by this sync. */
      readonly fetched: number;
      /** Messages in the local cache of the mailbox afterwards. */
      readonly cached: number;
      readonly uidValidity: number;
    }
  | { readonly ok: false; readonly reason: string };

/** A message in the mail program's IMAP cache. */
export interface ImapCachedMessage {
  readonly flags: readonly string[];
  readonly bytes: Uint8Array;
}

/** The outcome of one submission, as the MUA reports it to its user. */
export type SubmissionResult =
  | { readonly ok: true; readonly messageId: string; readonly reply: string }
  | { readonly ok: false; readonly messageId: string; readonly reason: string };

const ASCII = /^[\x20-\x7e]*$/;

/** RFC 2047 §4.1: a B-encoded word for a header value that is not ASCII. */
function encodeWord(text: string): string {
  return ASCII.test(text) ? text : `=?UTF-8?B?${base64Encode(utf8Bytes(text))}?=`;
}

/** A mail program on one host. */
export class Mua {
  readonly #random;
  /** The local copy: what the mail program has downloaded, by POP3 unique-id. */
  readonly local = new Map<string, LocalMessage>();
  /** Unique-ids downloaded and still on the server (download-and-keep's memory). */
  readonly #seenOnServer = new Map<string, number>();
  /** The IMAP cache: mailbox → UID → message, as last synced. */
  readonly imapCache = new Map<string, Map<number, ImapCachedMessage>>();
  /** Per mailbox, the UIDVALIDITY the cache belongs to and the highest UID fetched (RFC 3501 §2.3.1.1). */
  readonly #imapSeen = new Map<string, { uidValidity: number; lastUid: number }>();
  /** The IMAP connection that stays open in IDLE, if any. */
  #imapSession: ImapClientSession | undefined;

  constructor(
    readonly env: AgentEnv,
    readonly host: Host,
    readonly account: MuaAccount,
  ) {
    this.#random = env.random(`mua:${host.id}:${account.address}`);
  }

  /** Writes the message the MUA would send for `draft`. */
  compose(draft: Draft): { messageId: string; data: Uint8Array } {
    const domain = this.account.address.slice(this.account.address.lastIndexOf('@') + 1);
    const messageId = `<${toHex(this.#random.bytes(8))}@${domain}>`;
    const from = this.account.name
      ? `${encodeWord(this.account.name)} <${this.account.address}>`
      : this.account.address;
    const body = draft.body.replace(/\r?\n/g, '\r\n');
    const lines = [
      `From: ${from}`,
      `To: ${draft.to.join(', ')}`,
      ...(draft.cc && draft.cc.length > 0 ? [`Cc: ${draft.cc.join(', ')}`] : []),
      `Subject: ${encodeWord(draft.subject)}`,
      `Date: ${formatRfc5322Date(this.env.wallClock())}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Transfer-Encoding: ${ASCII.test(body.replace(/\r\n/g, '')) ? '7bit' : '8bit'}`,
      'User-Agent: Mailroom',
      '',
      body.endsWith('\r\n') ? body.slice(0, -2) : body,
    ];
    return { messageId, data: utf8Bytes(lines.join('\r\n') + '\r\n') };
  }

  /** Composes and submits; `done` hears the outcome once the server has answered. */
  send(draft: Draft, done: (result: SubmissionResult) => void = () => {}): string {
    const { messageId, data } = this.compose(draft);
    const recipients = [...draft.to, ...(draft.cc ?? [])].map(bareAddress);
    const fail = (reason: string) => {
      this.#trace('failed', { messageId, reason });
      done({ ok: false, messageId, reason });
    };
    this.#trace('composed', { messageId, to: recipients, size: data.length });
    const { submissionHost, submissionPort } = this.account;
    this.env.dns.lookup(
      this.host.id,
      { name: submissionHost, type: 'A' },
      `address of ${submissionHost}`,
      (answer) => {
        const a = answer.answers.find((rr) => rr.type === 'A');
        if (!a || a.type !== 'A') return fail(`cannot find ${submissionHost} (${answer.rcode})`);
        const socket = this.host.connect(
          {
            address: a.address,
            port: submissionPort,
            serverName: submissionHost,
            tls: submissionPort === 465,
          },
          {
            failed: (why) => fail(`cannot connect to ${submissionHost}:${submissionPort} (${why})`),
            opened: () => {
              const session = new SmtpClientSession(
                {
                  heloName: this.host.id,
                  tls: submissionPort === 465 ? 'none' : 'required',
                  implicitTls: submissionPort === 465,
                  auth: { username: this.account.address, password: this.account.password },
                  replyTimeoutMs: 300_000,
                },
                this.env.scheduler,
              );
              let reported = false;
              this.env.driver.attach(socket, session, {
                protocol: 'smtp',
                onEvent: (event: SmtpClientAppEvent) => {
                  if (event.type === 'failed' && !reported) {
                    reported = true;
                    fail(event.reason);
                  }
                  if (event.type !== 'result' || reported) return;
                  reported = true;
                  const refused = event.recipients.filter((r) => r.reply.code >= 300);
                  const first = event.recipients[0]?.reply;
                  if (refused.length === 0 && first) {
                    this.#trace('submitted', {
                      messageId,
                      reply: `${first.code} ${[first.text].flat().join(' ')}`,
                    });
                    done({ ok: true, messageId, reply: `${first.code} ${[first.text].flat().join(' ')}` });
                  } else
                    fail(
                      refused
                        .map((r) => `${r.address}: ${r.reply.code} ${[r.reply.text].flat().join(' ')}`)
                        .join('; '),
                    );
                },
              });
              session.send({ id: messageId, mailFrom: this.account.address, rcptTo: recipients, data });
              session.quit();
            },
          },
        );
        void socket;
      },
    );
    return messageId;
  }

  /**
   * Checks for new mail over POP3 (RFC 1939): downloads into the local copy,
   * and deletes from the server or keeps there, as the mode says.
   */
  checkMail(options: Pop3CheckOptions, done: (result: CheckResult) => void = () => {}): void {
    const server = this.account.mailboxHost ?? this.account.submissionHost;
    const port = options.port ?? 110;
    const fail = (reason: string) => {
      this.#trace('check failed', { reason });
      done({ ok: false, reason });
    };
    this.env.dns.lookup(this.host.id, { name: server, type: 'A' }, `address of ${server}`, (answer) => {
      const a = answer.answers.find((rr) => rr.type === 'A');
      if (!a || a.type !== 'A') return fail(`cannot find ${server} (${answer.rcode})`);
      const socket = this.host.connect(
        { address: a.address, port, serverName: server, tls: port === 995 },
        {
          failed: (why) => fail(`cannot connect to ${server}:${port} (${why})`),
          opened: () => {
            const session = new Pop3ClientSession(
              {
                config: {
                  username: this.account.address,
                  password: this.account.password,
                  tls: port === 995 ? 'none' : 'opportunistic',
                  implicitTls: port === 995,
                  preferApop: false,
                  mode: options.mode,
                  known: new Set(this.#seenOnServer.keys()),
                  downloadedAt: this.#seenOnServer,
                  ...(options.deleteAfterMs !== undefined ? { deleteAfterMs: options.deleteAfterMs } : {}),
                  replyTimeoutMs: 600_000,
                },
                now: () => this.env.wallClock(),
              },
              this.env.scheduler,
            );
            this.env.driver.attach(socket, session, {
              protocol: 'pop3',
              onEvent: (event: Pop3ClientAppEvent) => this.#pop3Event(event, options, done),
            });
          },
        },
      );
      void socket;
    });
  }

  /**
   * Syncs a mailbox over IMAP (RFC 3501): logs in, selects, fetches the
   * messages above the last UID seen into {@link imapCache} — all of them
   * again when UIDVALIDITY changed (RFC 3501 §2.3.1.1) — and logs out, or
   * with `idle` stays in IDLE and fetches whatever arrives (RFC 2177).
   * `done` hears the first sync; later ones are traced as `imap synced`.
   */
  syncImap(options: ImapSyncOptions = {}, done: (result: ImapSyncResult) => void = () => {}): void {
    const server = this.account.mailboxHost ?? this.account.submissionHost;
    const port = options.port ?? 143;
    const mailbox = options.mailbox ?? 'INBOX';
    let reported = false;
    const fail = (reason: string) => {
      this.#trace('imap sync failed', { mailbox, reason });
      if (!reported) done({ ok: false, reason });
      reported = true;
    };
    this.env.dns.lookup(this.host.id, { name: server, type: 'A' }, `address of ${server}`, (answer) => {
      const a = answer.answers.find((rr) => rr.type === 'A');
      if (!a || a.type !== 'A') return fail(`cannot find ${server} (${answer.rcode})`);
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
                  ...(options.compress === true ? { compress: true } : {}),
                },
              },
              this.env.scheduler,
            );
            if (options.idle === true) {
              // One connection stays open in IDLE: a newer one replaces it.
              this.stopImap();
              this.#imapSession = session;
            }
            let fetched = 0;
            /** A fetch is queued or running; `again` when EXISTS came during it. */
            let fetching = false;
            let again = false;
            /** The session failed; the failures of its operations say nothing new. */
            let broken = false;
            const fetchNew = () => {
              fetching = true;
              again = false;
              session.fetchNew(this.#imapSeen.get(mailbox)?.lastUid ?? 0);
            };
            const onEvent = (event: ImapClientAppEvent) => {
              const cache = this.imapCache.get(mailbox) ?? new Map<number, ImapCachedMessage>();
              this.imapCache.set(mailbox, cache);
              switch (event.type) {
                case 'selected': {
                  const seen = this.#imapSeen.get(mailbox);
                  if (seen?.uidValidity !== event.uidValidity) {
                    // RFC 3501 §2.3.1.1: other UIDVALIDITY, other UIDs — the cache is void.
                    cache.clear();
                    this.#imapSeen.set(mailbox, { uidValidity: event.uidValidity, lastUid: 0 });
                  }
                  fetchNew();
                  break;
                }
                case 'message': {
                  cache.set(event.uid, { flags: event.flags, bytes: event.bytes });
                  const seen = this.#imapSeen.get(mailbox);
                  if (seen && event.uid > seen.lastUid)
                    this.#imapSeen.set(mailbox, { ...seen, lastUid: event.uid });
                  fetched++;
                  break;
                }
                case 'flags': {
                  const cached = event.uid === undefined ? undefined : cache.get(event.uid);
                  if (cached && event.uid !== undefined)
                    cache.set(event.uid, { ...cached, flags: event.flags });
                  break;
                }
                case 'expunge':
                  if (event.uid !== undefined) cache.delete(event.uid);
                  break;
                case 'exists':
                  if (this.#imapSession !== session) break;
                  if (fetching) again = true;
                  else fetchNew();
                  break;
                case 'done':
                  if (event.op.kind !== 'fetchNew') break;
                  fetching = false;
                  this.#trace('imap synced', { mailbox, fetched, cached: cache.size, port });
                  if (!reported)
                    done({
                      ok: true,
                      mailbox,
                      fetched,
                      cached: cache.size,
                      uidValidity: this.#imapSeen.get(mailbox)?.uidValidity ?? 0,
                    });
                  reported = true;
                  fetched = 0;
                  if (options.idle !== true) session.logout();
                  // Unless stopImap() has queued LOGOUT already.
                  else if (this.#imapSession !== session) break;
                  else if (again) fetchNew();
                  else session.idle();
                  break;
                case 'failed':
                  if (broken) break;
                  if (event.op === undefined) {
                    broken = true;
                    fail(event.reason);
                  } else if (['select', 'fetchNew', 'idle'].includes(event.op.kind)) {
                    fail(event.reason);
                    if (this.#imapSession === session) this.#imapSession = undefined;
                    session.logout();
                  }
                  break;
              }
            };
            this.env.driver.attach(socket, session, {
              protocol: 'imap',
              onEvent,
              onEnd: () => {
                if (this.#imapSession === session) this.#imapSession = undefined;
              },
            });
            session.select(mailbox);
          },
        },
      );
      void socket;
    });
  }

  /** Opens the mail program's IMAP view: one connection that stays open and acts on clicks. */
  openImapClient(options: ImapMailClientOptions = {}): ImapMailClient {
    return new ImapMailClient(this.env, this.host, this.account, options);
  }

  /** Ends the IMAP connection kept open by `syncImap({ idle: true })`: DONE, then LOGOUT. */
  stopImap(): void {
    const session = this.#imapSession;
    this.#imapSession = undefined;
    session?.stopIdle();
    session?.logout();
  }

  #pop3Event(
    event: Pop3ClientAppEvent,
    options: Pop3CheckOptions,
    done: (result: CheckResult) => void,
  ): void {
    const now = this.env.wallClock();
    switch (event.type) {
      case 'message':
        this.local.set(event.uid, { uid: event.uid, bytes: event.bytes, downloadedAt: now });
        if (options.mode === 'download-and-keep') this.#seenOnServer.set(event.uid, now);
        break;
      case 'deleted':
        this.#seenOnServer.delete(event.uid);
        break;
      case 'done': {
        const { retrieved, deleted, messages } = event.stats;
        this.#trace('checked', { retrieved, deleted, mode: options.mode });
        done({ ok: true, retrieved, deleted, onServer: messages - deleted });
        break;
      }
      case 'failed':
        this.#trace('check failed', { reason: event.reason });
        done({ ok: false, reason: event.reason });
        break;
    }
  }

  #trace(
    action: string,
    detail: Readonly<Record<string, string | number | boolean | readonly string[]>>,
  ): void {
    traceAgent(this.env, this.host.id as HostId, 'mua', action, { from: this.account.address, ...detail });
  }
}

/** `Bob <bob@example.net>` → `bob@example.net`. */
function bareAddress(text: string): string {
  const m = /<([^>]*)>/.exec(text);
  return (m ? m[1]! : text).trim();
}
