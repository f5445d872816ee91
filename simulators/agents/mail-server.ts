/**
 * A mail server host: the SMTP listeners its roles call for, the queue, and
 * the mailboxes. Roles (RFC 5598 §2): `mta` listens on 25 and relays, `msa`
 * listens on 587 (STARTTLS) and 465 (implicit TLS, RFC 8314) for
 * authenticated submission, `mda` delivers into the local store.
 *
 * The same `openSmtpSession` serves the simulated network and the TCP bridge,
 * so real clients meet exactly the sessions a learner sees.
 */
import { concatBytes, toHex, utf8Bytes } from '../core/bytes.ts';
import { formatRfc5322Date } from '../core/civil-time.ts';
import type { HostId } from '../core/ids.ts';
import { findField, readHeaderSection } from '../mime/header-section.ts';
import type { Host, Socket } from '../net/network.ts';
import {
  DEFAULT_SMTP_SERVER_CONFIG,
  type SmtpDirectory,
  type SmtpPeer,
  type SmtpServerConfig,
} from '../smtp/server-config.ts';
import { SmtpServerSession, type SmtpServerAppEvent } from '../smtp/server-session.ts';
import type { ReceivedMessage, Reply } from '../smtp/server.machine.ts';
import { MailStore } from '../store/mail-store.ts';
import {
  DEFAULT_POP3_SERVER_CONFIG,
  Pop3LoginRegistry,
  type Pop3ServerConfig,
} from '../pop3/server-config.ts';
import { Pop3ServerSession } from '../pop3/server-session.ts';
import { DEFAULT_IMAP_SERVER_CONFIG, type ImapServerConfig } from '../imap/server-config.ts';
import { ImapServerSession } from '../imap/server-session.ts';
import type { DmarcMode } from '../auth/dmarc/record.ts';
import { signSubmission, type DkimSigningKey } from './dkim-signer.ts';
import { traceAgent, type AgentEnv } from './env.ts';
import { DmarcReporter, type DmarcReportSettings } from './dmarc-reporter.ts';
import { checkInbound, type DmarcLocalPolicy } from './inbound-auth.ts';
import { deliverLocal, mailboxFull, type DeliveryResult } from './mda.ts';
import { listBounceAddress, listCopy, type Alias, type MailingList } from './mediators.ts';
import {
  DEFAULT_MTA_SETTINGS,
  MtaQueue,
  type LocalDelivery,
  type MtaSettings,
  type QueueEntry,
} from './mta-queue.ts';

/** Which face of the server a port shows. */
export type SmtpPortRole = 'mx' | 'submission';

/** How a mail server is set up. */
export interface MailServerOptions {
  readonly roles: readonly string[];
  /** Domains delivered here. */
  readonly localDomains: readonly string[];
  readonly smtp?: Loose<Omit<SmtpServerConfig, 'hostname' | 'role'>>;
  readonly mta?: Loose<MtaSettings>;
  readonly pop3?: Loose<Omit<Pop3ServerConfig, 'hostname'>>;
  readonly imap?: Loose<Omit<ImapServerConfig, 'hostname'>>;
  /** Keys this host's MSA signs with (the scenario's `dkim` entries naming it as signer). */
  readonly dkimKeys?: readonly DkimSigningKey[];
  /** The DMARC specification the receiving MTA follows; RFC 9989 by default. */
  readonly dmarcMode?: DmarcMode;
  /** Addresses forwarded elsewhere (the `forwarder` role). */
  readonly aliases?: readonly Alias[];
  /** Mailing lists run here (the `list` role). */
  readonly lists?: readonly MailingList[];
  /** Where the receiving MTA departs from Domain Owners' DMARC policies. */
  readonly dmarcLocalPolicy?: DmarcLocalPolicy;
  /** Send DMARC aggregate reports for the mail this MTA receives (RFC 9990). */
  readonly dmarcReports?: DmarcReportSettings;
  /**
   * Local addresses whose mail is forwarded, not stored: address → new
   * recipients. SIMPLIFICATION: the envelope sender is kept (a `.forward`
   * or alias without SRS), which is why SPF fails at the next hop.
   */
  readonly forwards?: ReadonlyMap<string, readonly string[]>;
}

/** Settings as a scenario file gives them: any may be missing. */
type Loose<T> = { readonly [K in keyof T]?: T[K] | undefined };

/** The entries of `o` whose value is defined, so they can override defaults. */
function defined<T extends object>(o: T | undefined): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}

/** A session opened by `openSmtpSession`, with the handler its driver must call for app events. */
export interface OpenedSmtpSession {
  readonly session: SmtpServerSession;
  readonly onEvent: (event: SmtpServerAppEvent) => void;
}

/** The mail server agent of one host. */
export class MailServer {
  readonly store: MailStore;
  readonly queue: MtaQueue;
  readonly localDomains: Set<string>;
  readonly #nonces;
  readonly #connectionTimes = new Map<string, number[]>();
  readonly #pop3Logins = new Pop3LoginRegistry();
  /** Queue ids of messages DMARC quarantined: local delivery puts them in \\Junk. */
  readonly #quarantined = new Set<string>();
  readonly #dmarcRandom;
  #pop3Sessions = 0;
  /** The DMARC reporting agent, when this host sends aggregate reports. */
  readonly reporter: DmarcReporter | undefined;

  constructor(
    readonly env: AgentEnv,
    readonly host: Host,
    readonly options: MailServerOptions,
  ) {
    this.localDomains = new Set(options.localDomains.map((d) => d.toLowerCase()));
    // UIDVALIDITY from the world's clock, as servers derive it from the time.
    this.store = new MailStore(Math.floor(env.wallClock() / 1000));
    this.#nonces = env.random(`smtp-nonce:${host.id}`);
    this.#dmarcRandom = env.random(`dmarc:${host.id}`);
    this.queue = new MtaQueue(env, host, {
      hostname: host.id,
      settings: { ...DEFAULT_MTA_SETTINGS, ...defined(options.mta) },
      isLocalDomain: (d) => this.localDomains.has(d),
      deliverLocal: (entry, recipient) => {
        const mediated = this.#mediate(entry, recipient);
        if (mediated !== undefined) return mediated;
        const resolved = this.#resolveAlias(recipient);
        const targets = options.forwards?.get(resolved);
        if (targets !== undefined && targets.length > 0)
          return this.#forward(entry.mailFrom, entry.data, resolved, targets);
        return deliverLocal(this.store, {
          mailFrom: entry.mailFrom,
          recipient: resolved,
          data: entry.data,
          now: env.wallClock(),
          ...(this.#quarantined.has(entry.id) ? { mailbox: '\\Junk' } : {}),
        });
      },
    });
    for (const list of options.lists ?? [])
      this.store.createAccount(
        listBounceAddress(list),
        toHex(this.#nonces.bytes(8)),
        `${list.address} bounces`,
      );
    this.reporter =
      options.dmarcReports === undefined
        ? undefined
        : new DmarcReporter(env, host, options.dmarcReports, {
            mode: options.dmarcMode ?? 'rfc9989',
            enqueue: (message) => this.queue.enqueue(message),
          });
    if (['mta', 'list', 'forwarder'].some((r) => options.roles.includes(r))) this.#listen(25, 'smtp', 'mx');
    if (options.roles.includes('msa')) {
      this.#listen(587, 'submission', 'submission');
      this.#listen(465, 'submissions', 'submission', true);
    }
    if (options.roles.includes('pop3')) {
      const serve = (socket: Socket) =>
        env.driver.attach(socket, this.openPop3Session(), { protocol: 'pop3' });
      host.listen(110, { service: 'pop3', serverName: host.id }, serve);
      host.listen(995, { service: 'pop3s', serverName: host.id, tls: 'implicit' }, serve);
    }
    if (options.roles.includes('imap')) {
      host.listen(143, { service: 'imap', serverName: host.id }, (socket) =>
        env.driver.attach(socket, this.openImapSession(false), { protocol: 'imap' }),
      );
      host.listen(993, { service: 'imaps', serverName: host.id, tls: 'implicit' }, (socket) =>
        env.driver.attach(socket, this.openImapSession(true), { protocol: 'imap' }),
      );
    }
  }

  /** The IMAP configuration of this host. */
  imapConfig(): ImapServerConfig {
    return { ...DEFAULT_IMAP_SERVER_CONFIG, ...defined(this.options.imap), hostname: this.host.id };
  }

  /** Creates an IMAP server session on this host's store; the caller drives it (driver or bridge). */
  openImapSession(implicitTls: boolean, config = this.imapConfig()): ImapServerSession {
    return new ImapServerSession(
      {
        config,
        store: this.store,
        now: () => this.env.wallClock(),
        nonce: () => `${this.#nonces.nextUint32()}.${Math.floor(this.env.wallClock() / 1000)}`,
        ...(implicitTls ? { implicitTls: true } : {}),
      },
      this.env.scheduler,
    );
  }

  /** The POP3 configuration of this host. */
  pop3Config(): Pop3ServerConfig {
    return { ...DEFAULT_POP3_SERVER_CONFIG, ...defined(this.options.pop3), hostname: this.host.id };
  }

  /** Creates a POP3 server session on this host's store; the caller drives it (driver or bridge). */
  openPop3Session(config = this.pop3Config()): Pop3ServerSession {
    return new Pop3ServerSession(
      {
        config,
        store: this.store,
        nonce: () => `${this.#nonces.nextUint32()}.${Math.floor(this.env.wallClock() / 1000)}`,
        now: () => this.env.wallClock(),
        // Owner of the maildrop lock (RFC 1939 §8): unique per session on this host.
        sessionId: `${this.host.id}/pop3/${++this.#pop3Sessions}`,
        logins: this.#pop3Logins,
      },
      this.env.scheduler,
    );
  }

  /** The SMTP configuration a port of this role uses. */
  smtpConfig(role: SmtpPortRole): SmtpServerConfig {
    return {
      ...DEFAULT_SMTP_SERVER_CONFIG,
      requireAuth: role === 'submission',
      ...defined(this.options.smtp),
      hostname: this.host.id,
      role,
    };
  }

  /** The directory that answers the SMTP server's questions from this host's store. */
  readonly directory: SmtpDirectory = {
    isLocalDomain: (domain) => this.localDomains.has(domain.toLowerCase()),
    hasMailbox: (address) =>
      this.store.account(this.#resolveAlias(address)) !== undefined ||
      this.#mediatorOf(address) !== undefined,
    mailboxFull: (address, size) => mailboxFull(this.store, this.#resolveAlias(address), size),
    checkPassword: (user, password) => this.store.account(user)?.password === password,
    secretOf: (user) => this.store.account(user)?.password,
    checkToken: (user, token) => this.env.identity.checkToken(user, token),
  };

  /** Creates a server session for a client at `peer`; the caller drives it (driver or bridge). */
  openSmtpSession(role: SmtpPortRole, peer: SmtpPeer, config = this.smtpConfig(role)): OpenedSmtpSession {
    const refusal = this.#overRateLimit(peer.address, config.connectionRateLimit);
    const session: SmtpServerSession = new SmtpServerSession(
      {
        ...(refusal ? { refusal } : {}),
        config,
        directory: this.directory,
        peer,
        now: () => this.env.wallClock(),
        queueId: () => this.queue.newQueueId(),
        nonce: () => `${this.#nonces.nextUint32()}.${Math.floor(this.env.wallClock() / 1000)}`,
      },
      this.env.scheduler,
    );
    const onEvent = (event: SmtpServerAppEvent) => {
      if (event.type === 'message')
        this.#accept(role, event.message, (reply) => session.resolveMessage(reply));
    };
    return { session, onEvent };
  }

  /**
   * Takes a message read to the final dot and answers it through `reply`,
   * at once or after asynchronous work: the MSA completes and DKIM-signs a
   * submission; the MX checks SPF, DKIM and DMARC on mail from other servers
   * and may refuse it (DMARC p=reject) or quarantine it.
   */
  #accept(role: SmtpPortRole, message: ReceivedMessage, reply: (r: Reply) => void): void {
    const host = this.host.id as HostId;
    const id = message.queueId;
    if (role === 'submission') {
      const completed = this.#completeSubmission(message);
      signSubmission(this.env, host, id, this.options.dkimKeys ?? [], completed, (data) =>
        reply(this.#queue(role, message, data)),
      );
      return;
    }
    // Authenticated clients on port 25 are our own users, not another server.
    if (message.authenticatedAs !== undefined) return reply(this.#queue(role, message, message.data));
    checkInbound(
      this.env,
      host,
      message,
      {
        hostname: this.host.id,
        dmarcMode: this.options.dmarcMode ?? 'rfc9989',
        random: () => this.#dmarcRandom.next(),
        ...(this.options.dmarcLocalPolicy ? { localPolicy: this.options.dmarcLocalPolicy } : {}),
      },
      (verdict) => {
        const dmarc = verdict.dmarc;
        if (verdict.disposition === 'reject' && dmarc) {
          traceAgent(this.env, host, 'mta', 'rejected', {
            id,
            from: message.envelope.mailFrom || '<>',
            reason: `DMARC policy of ${dmarc.fromDomain}`,
          });
          return reply({
            code: 550,
            enhanced: '5.7.1',
            text: `Message rejected due to DMARC policy (p=${dmarc.policy ?? 'reject'}) for ${dmarc.fromDomain}`,
          });
        }
        if (verdict.disposition === 'quarantine') this.#quarantined.add(id);
        reply(this.#queue(role, message, verdict.data));
      },
    );
  }

  /** Puts an accepted message in the queue; returns the reply to the final dot. */
  #queue(role: SmtpPortRole, message: ReceivedMessage, data: Uint8Array): Reply {
    const id = message.queueId;
    traceAgent(this.env, this.host.id as HostId, role === 'submission' ? 'msa' : 'mta', 'accepted', {
      id,
      from: message.envelope.mailFrom || '<>',
      to: message.envelope.rcptTo,
      client: message.peer.address,
      ...(message.authenticatedAs ? { user: message.authenticatedAs } : {}),
    });
    this.queue.enqueue({ mailFrom: message.envelope.mailFrom, rcptTo: message.envelope.rcptTo, data, id });
    return { code: 250, enhanced: '2.0.0', text: `Ok: queued as ${id}` };
  }

  /**
   * Forwards a message for a local address to `targets`, as Postfix's local
   * delivery does for a `.forward`: it adds `Delivered-To:` and refuses a
   * message that already carries one for this address (a forwarding loop).
   */
  #forward(mailFrom: string, data: Uint8Array, address: string, targets: readonly string[]): LocalDelivery {
    const seen = readHeaderSection(data).fields.some(
      (f) => f.name.toLowerCase() === 'delivered-to' && f.value.trim().toLowerCase() === address,
    );
    if (seen) return { ok: false, temporary: false, reason: `mail forwarding loop for ${address}` };
    const forwarded = concatBytes([utf8Bytes(`Delivered-To: ${address}\r\n`), data]);
    const id = this.queue.enqueue({ mailFrom, rcptTo: targets, data: forwarded });
    return { ok: true, mailbox: '', how: `forwarded to ${targets.join(', ')} as ${id}` };
  }

  /** RFC 6409 §8.2–8.3: an MSA may add Date: and Message-ID: when the MUA left them out. */
  #completeSubmission(message: ReceivedMessage): Uint8Array {
    const section = readHeaderSection(message.data);
    const added: string[] = [];
    if (!findField(section, 'Message-ID'))
      added.push(`Message-ID: <${message.queueId}.${toHex(this.#nonces.bytes(4))}@${this.host.id}>`);
    if (!findField(section, 'Date')) added.push(`Date: ${formatRfc5322Date(this.env.wallClock())}`);
    if (added.length === 0) return message.data;
    // After our Received: (the first field), so the trace headers stay on top.
    const first = section.fields[0];
    const at = first && first.name.toLowerCase() === 'received' ? first.end : 0;
    return concatBytes([
      message.data.subarray(0, at),
      utf8Bytes(added.join('\r\n') + '\r\n'),
      message.data.subarray(at),
    ]);
  }

  /** Postfix's anvil: counts each client's connections over the last minute of virtual time. */
  #overRateLimit(address: string, perMinute: number) {
    if (perMinute <= 0) return undefined;
    const now = this.env.scheduler.now;
    const recent = (this.#connectionTimes.get(address) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.#connectionTimes.set(address, recent);
    if (recent.length <= perMinute) return undefined;
    traceAgent(this.env, this.host.id as HostId, 'mta', 'rate limited', { client: address, perMinute });
    return {
      code: 421,
      enhanced: '4.7.0',
      text: `${this.host.id} Error: too many connections from ${address}`,
    };
  }

  /** The alias or list at `address`, if this host has one. */
  #mediatorOf(address: string): { alias: Alias } | { list: MailingList } | undefined {
    const lower = address.toLowerCase();
    const alias = this.options.aliases?.find((a) => a.address.toLowerCase() === lower);
    if (alias) return { alias };
    const list = this.options.lists?.find((l) => l.address.toLowerCase() === lower);
    return list ? { list } : undefined;
  }

  /**
   * Local delivery to an alias or a list posts the message again (see
   * mediators.ts) instead of storing it. The new queue entry starts in the
   * next turn, so the trace reads "delivered … forwarded", then "queued".
   */
  #mediate(entry: QueueEntry, recipient: string): DeliveryResult | undefined {
    const found = this.#mediatorOf(recipient);
    if (!found) return undefined;
    const next =
      'alias' in found
        ? { mailFrom: entry.mailFrom, rcptTo: found.alias.to, data: entry.data }
        : {
            mailFrom: listBounceAddress(found.list),
            rcptTo: found.list.members,
            data: listCopy(found.list, entry.data),
          };
    if (next.rcptTo.length > 0)
      this.env.scheduler.schedule(0, () => this.queue.enqueue(next), `repost for ${recipient}`);
    return {
      ok: true,
      redirected:
        'alias' in found
          ? `forwarded to ${found.alias.to.join(', ')}`
          : `posted to the list's members (${found.list.members.length})`,
    };
  }

  /** RFC 5321 §4.5.1: postmaster@ a local domain must reach someone; here, the domain's first account. */
  #resolveAlias(address: string): string {
    const lower = address.toLowerCase();
    if (this.store.account(lower)) return lower;
    const [local, domain] = [lower.slice(0, lower.lastIndexOf('@')), lower.slice(lower.lastIndexOf('@') + 1)];
    if (
      (local === 'postmaster' || lower === 'postmaster') &&
      (this.localDomains.has(domain) || lower === 'postmaster')
    ) {
      const first = this.store.accounts.find(
        (a) => lower === 'postmaster' || a.address.endsWith(`@${domain}`),
      );
      if (first) return first.address;
    }
    return lower;
  }

  #listen(port: number, service: string, role: SmtpPortRole, implicitTls = false): void {
    this.host.listen(
      port,
      { service, serverName: this.host.id, ...(implicitTls ? { tls: 'implicit' as const } : {}) },
      (socket) => this.#accepted(socket, role, implicitTls),
    );
  }

  /** A connection arrived: find the client's name in reverse DNS (as Postfix does before greeting), then serve it. */
  #accepted(socket: Socket, role: SmtpPortRole, implicitTls: boolean): void {
    const address = socket.remote.address;
    const serve = (hostname: string | undefined) => {
      if (!socket.writable) return;
      const { session, onEvent } = this.openSmtpSession(role, {
        address,
        implicitTls,
        ...(hostname ? { hostname } : {}),
      });
      this.env.driver.attach(socket, session, { protocol: 'smtp', onEvent });
    };
    const ptr = reverseName(address);
    if (!ptr) return serve(undefined);
    this.env.dns.lookup(
      this.host.id,
      { name: ptr, type: 'PTR' },
      `reverse lookup of client ${address}`,
      (answer) => {
        const record = answer.answers.find((rr) => rr.type === 'PTR');
        serve(record && record.type === 'PTR' ? record.target : undefined);
      },
    );
  }
}

/** `192.0.2.10` → `10.2.0.192.in-addr.arpa` (RFC 1035 §3.5). IPv6 is not looked up here (SIMPLIFICATION). */
function reverseName(address: string): string | undefined {
  const parts = address.split('.');
  return parts.length === 4 ? `${parts.reverse().join('.')}.in-addr.arpa` : undefined;
}
