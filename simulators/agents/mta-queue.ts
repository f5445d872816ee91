/**
 * The MTA's queue (Postfix's qmgr + smtp + local, in one): every accepted
 * message waits here until each recipient is delivered, refused or expired.
 *
 * Theory of operation. An entry is tried at once, then on a back-off schedule
 * (`minBackoffMs`, doubling, at most `maxBackoffMs`) until
 * `maxQueueLifetimeMs` has passed. Local recipients go to the MDA; remote
 * ones are grouped by domain, and each domain's messages travel together over
 * one connection (RFC 5321 §5.1: MX records by preference, equal preferences
 * in random order, the address record as the implicit MX when there is no MX,
 * a null MX (RFC 7505) refusing mail). Per recipient: 2xx delivered, 5xx
 * bounced, 4xx or no connection deferred. Refused recipients are reported to
 * the envelope sender in one DSN per attempt (RFC 3464); a message from the
 * null sender is never bounced (RFC 5321 §6.1), so bounces cannot loop.
 *
 * Invariant ("nothing is lost"): every recipient of every entry ends in
 * exactly one of delivered, bounced, or discarded-because-the-sender-is-null,
 * and the entry leaves the queue only then.
 *
 * SIMPLIFICATION: only A records are used to reach an MX (no AAAA); no
 * delay warnings; the queue lives in memory (a host restart keeps it, as a
 * disk queue would, because the host object survives).
 */
import type { HostId } from '../core/ids.ts';
import type { TimerId } from '../net/scheduler.ts';
import type { Host } from '../net/network.ts';
import type { ResourceRecord } from '../dns/records.ts';
import { SmtpClientSession, type SmtpClientAppEvent } from '../smtp/client-session.ts';
import type { Reply } from '../smtp/server.machine.ts';
import { formatBounce, type FailedRecipient } from './bounce.ts';
import { traceAgent, type AgentEnv } from './env.ts';
import type { DeliveryResult } from './mda.ts';

/** What local delivery did for one recipient: a mailbox, or something else (`how`, e.g. a forward). */
export type LocalDelivery =
  | Extract<DeliveryResult, { ok: false }>
  | Extract<DeliveryResult, { redirected: string }>
  | { readonly ok: true; readonly mailbox: string; readonly how?: string };
import { utf8Bytes, toHex } from '../core/bytes.ts';

/** Queue timing; defaults are Postfix's. */
export interface MtaSettings {
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxQueueLifetimeMs: number;
}

/** Postfix: minimal_backoff_time 300s, maximal_backoff_time 4000s, maximal_queue_lifetime 5d. */
export const DEFAULT_MTA_SETTINGS: MtaSettings = {
  minBackoffMs: 300_000,
  maxBackoffMs: 4_000_000,
  maxQueueLifetimeMs: 5 * 86_400_000,
};

/** Where a recipient stands. */
export type RecipientState = 'pending' | 'delivered' | 'bounced' | 'discarded';

interface QueueRecipient {
  readonly address: string;
  state: RecipientState;
  /** The last temporary failure, for the DSN if the message expires. */
  lastFailure: FailedRecipient | undefined;
}

/** The recipients of one entry that go to one domain. */
interface DomainPart {
  readonly entry: QueueEntry;
  readonly recipients: readonly QueueRecipient[];
}

/** A message in the queue. */
export interface QueueEntry {
  readonly id: string;
  readonly mailFrom: string;
  readonly data: Uint8Array;
  /** Virtual ms. */
  readonly arrivedAt: number;
  /** Epoch ms. */
  readonly arrivalWall: number;
  readonly recipients: readonly QueueRecipient[];
  attempts: number;
  /** Parts of the current attempt still out (local batch, one per remote domain). */
  outstanding: number;
  failures: FailedRecipient[];
  retry: TimerId | undefined;
}

/** How the queue delivers locally and decides what is local. */
export interface MtaQueueOptions {
  readonly hostname: string;
  readonly settings: MtaSettings;
  isLocalDomain(domain: string): boolean;
  deliverLocal(entry: QueueEntry, recipient: string): LocalDelivery;
}

/** The outbound queue of one host. */
export class MtaQueue {
  readonly #entries = new Map<string, QueueEntry>();
  /** Parts waiting for this instant's delivery run, by domain. */
  readonly #byDomain = new Map<string, DomainPart[]>();
  readonly #random;

  constructor(
    readonly env: AgentEnv,
    readonly host: Host,
    readonly options: MtaQueueOptions,
  ) {
    this.#random = env.random(`mta:${host.id}`);
  }

  /** Messages still queued. */
  get entries(): readonly QueueEntry[] {
    return [...this.#entries.values()];
  }

  /** A queue id like Postfix's: 10 hex digits from the seeded random source. */
  newQueueId(): string {
    return toHex(this.#random.bytes(5)).toUpperCase();
  }

  /** Takes a message for delivery and tries it at once; returns its queue id. */
  enqueue(message: { mailFrom: string; rcptTo: readonly string[]; data: Uint8Array; id?: string }): string {
    const id = message.id ?? this.newQueueId();
    const entry: QueueEntry = {
      id,
      mailFrom: message.mailFrom,
      data: message.data,
      arrivedAt: this.env.scheduler.now,
      arrivalWall: this.env.wallClock(),
      recipients: message.rcptTo.map((address) => ({ address, state: 'pending', lastFailure: undefined })),
      attempts: 0,
      outstanding: 0,
      failures: [],
      retry: undefined,
    };
    this.#entries.set(id, entry);
    this.#trace('queued', {
      id,
      from: entry.mailFrom || '<>',
      to: entry.recipients.map((r) => r.address),
      size: entry.data.length,
    });
    this.env.scheduler.schedule(0, () => this.#attempt(entry), `queue ${id}`);
    return id;
  }

  /** Tries every deferred entry now (Postfix `postqueue -f`). */
  flush(): void {
    for (const entry of this.#entries.values()) {
      if (entry.outstanding > 0) continue;
      if (entry.retry !== undefined) this.env.scheduler.cancel(entry.retry);
      entry.retry = undefined;
      this.#attempt(entry);
    }
  }

  #attempt(entry: QueueEntry): void {
    entry.retry = undefined;
    entry.attempts++;
    const pending = entry.recipients.filter((r) => r.state === 'pending');
    const byDomain = new Map<string, QueueRecipient[]>();
    const local: QueueRecipient[] = [];
    for (const r of pending) {
      const domain = domainOf(r.address);
      if (this.options.isLocalDomain(domain)) local.push(r);
      else byDomain.set(domain, [...(byDomain.get(domain) ?? []), r]);
    }
    entry.outstanding = byDomain.size + (local.length > 0 ? 1 : 0);
    if (local.length > 0) {
      for (const r of local) {
        const result = this.options.deliverLocal(entry, r.address);
        if (result.ok && 'redirected' in result) this.#delivered(entry, r, result.redirected);
        else if (result.ok)
          this.#delivered(entry, r, result.how ?? `local mailbox ${result.mailbox}`, result.mailbox);
        else
          this.#failed(
            entry,
            r,
            { address: r.address, status: result.temporary ? '4.2.2' : '5.1.1', diagnostic: result.reason },
            result.temporary,
          );
      }
      this.#partDone(entry);
    }
    for (const [domain, recipients] of byDomain) this.#queueForDomain(domain, { entry, recipients });
    // Nothing was pending (every recipient already settled): close the attempt here.
    if (local.length === 0 && byDomain.size === 0) this.#finishAttempt(entry);
  }

  /**
   * Parts due for one domain in the same instant travel together: one MX
   * lookup, one connection, several transactions (Postfix reuses a
   * connection the same way).
   */
  #queueForDomain(domain: string, part: DomainPart): void {
    const waiting = this.#byDomain.get(domain);
    if (waiting) {
      waiting.push(part);
      return;
    }
    this.#byDomain.set(domain, [part]);
    this.env.scheduler.schedule(
      0,
      () => {
        const batch = this.#byDomain.get(domain) ?? [];
        this.#byDomain.delete(domain);
        this.#deliverRemote(domain, batch);
      },
      `deliver to ${domain}`,
    );
  }

  /** Settles every recipient of a batch the same way, e.g. when the domain has no MX that answers. */
  #settleBatch(batch: readonly DomainPart[], status: string, diagnostic: string, temporary: boolean): void {
    for (const { entry, recipients } of batch) {
      for (const r of recipients)
        this.#failed(entry, r, { address: r.address, status, diagnostic }, temporary);
      this.#partDone(entry);
    }
  }

  #deliverRemote(domain: string, batch: readonly DomainPart[]): void {
    this.env.dns.lookup(this.host.id, { name: domain, type: 'MX' }, `MX lookup for ${domain}`, (answer) => {
      const notFound = `Host or domain name not found. Name service error for name=${domain} type=MX`;
      if (answer.rcode === 'NXDOMAIN')
        return this.#settleBatch(batch, '5.4.4', `${notFound}: Host not found`, false);
      if (answer.rcode !== 'NOERROR')
        return this.#settleBatch(batch, '4.4.3', `${notFound}: ${answer.rcode}`, true);
      const mxs = answer.answers.filter(
        (rr): rr is Extract<ResourceRecord, { type: 'MX' }> => rr.type === 'MX',
      );
      // RFC 7505 §3: a single MX with preference 0 and exchange "." says the domain takes no mail.
      if (mxs.length === 1 && mxs[0]!.exchange === '')
        return this.#settleBatch(batch, '5.1.10', `Domain ${domain} does not accept mail (nullMX)`, false);
      // RFC 5321 §5.1: no MX → the domain itself is the implicit MX.
      const exchanges = mxs.length === 0 ? [domain] : this.#orderMx(mxs);
      this.#tryExchanges(domain, batch, exchanges, []);
    });
  }

  /** Ascending preference; equal preferences shuffled (RFC 5321 §5.1), with the seeded random source. */
  #orderMx(mxs: readonly Extract<ResourceRecord, { type: 'MX' }>[]): string[] {
    const keyed = mxs.map((mx) => ({ mx, tie: this.#random.next() }));
    keyed.sort((a, b) => a.mx.preference - b.mx.preference || a.tie - b.tie);
    return keyed.map((k) => k.mx.exchange);
  }

  #tryExchanges(
    domain: string,
    batch: readonly DomainPart[],
    exchanges: readonly string[],
    errors: string[],
  ): void {
    const [exchange, ...rest] = exchanges;
    if (exchange === undefined)
      return this.#settleBatch(batch, '4.4.1', errors.join('; ') || 'no MX host could be reached', true);
    const next = (error: string) => this.#tryExchanges(domain, batch, rest, [...errors, error]);
    this.env.dns.lookup(
      this.host.id,
      { name: exchange, type: 'A' },
      `address of MX ${exchange}`,
      (answer) => {
        const address = answer.answers.find((rr) => rr.type === 'A');
        if (!address || address.type !== 'A') return next(`${exchange}: no address record (${answer.rcode})`);
        if (this.host.addresses.includes(address.address))
          return next(`mail for ${domain} loops back to myself`);
        this.#connect(batch, exchange, address.address, next);
      },
    );
  }

  #connect(
    batch: readonly DomainPart[],
    exchange: string,
    address: string,
    next: (error: string) => void,
  ): void {
    const remote = `${exchange}[${address}]`;
    const socket = this.host.connect(
      { address, port: 25, serverName: exchange },
      {
        failed: (reason) =>
          next(
            `connect to ${remote}:25: ${reason === 'refused' ? 'Connection refused' : 'Connection timed out'}`,
          ),
        opened: () => {
          const session = new SmtpClientSession(
            {
              heloName: this.options.hostname,
              tls: 'opportunistic',
              implicitTls: false,
              replyTimeoutMs: 300_000,
            },
            this.env.scheduler,
          );
          const unanswered = new Map(batch.map((part) => [part.entry.id, part]));
          this.env.driver.attach(socket, session, {
            protocol: 'smtp',
            onEvent: (event: SmtpClientAppEvent) => {
              if (event.type !== 'result') return;
              const part = unanswered.get(event.messageId);
              if (!part) return;
              unanswered.delete(event.messageId);
              this.#results(part, remote, event.recipients);
            },
            // The client reports every message before it ends; this guards the invariant anyway.
            onEnd: () => {
              for (const part of unanswered.values())
                this.#results(part, remote, [
                  ...part.recipients.map((r) => ({
                    address: r.address,
                    reply: { code: 451, enhanced: '4.4.2', text: 'lost connection' },
                  })),
                ]);
              unanswered.clear();
            },
          });
          for (const { entry, recipients } of batch)
            session.send({
              id: entry.id,
              mailFrom: entry.mailFrom,
              rcptTo: recipients.map((r) => r.address),
              data: entry.data,
              utf8: needsUtf8(entry, recipients),
            });
          session.quit();
        },
      },
    );
  }

  #results(
    { entry, recipients }: DomainPart,
    remote: string,
    replies: readonly { address: string; reply: Reply }[],
  ): void {
    for (const r of recipients) {
      const reply = replies.find((x) => x.address === r.address)?.reply;
      if (!reply) continue;
      const text = replyText(reply);
      if (reply.code >= 200 && reply.code < 300) this.#delivered(entry, r, `${remote} said: ${text}`);
      else
        this.#failed(
          entry,
          r,
          {
            address: r.address,
            status: reply.enhanced ?? (reply.code >= 500 ? '5.0.0' : '4.0.0'),
            remoteMta: remote,
            diagnostic: text,
            inReplyTo: 'RCPT TO',
          },
          reply.code < 500,
        );
    }
    this.#partDone(entry);
  }

  #delivered(entry: QueueEntry, r: QueueRecipient, how: string, mailbox?: string): void {
    r.state = 'delivered';
    this.#trace('delivered', { id: entry.id, to: r.address, how, ...(mailbox ? { mailbox } : {}) });
  }

  #failed(entry: QueueEntry, r: QueueRecipient, failure: FailedRecipient, temporary: boolean): void {
    if (temporary) {
      r.lastFailure = failure;
      this.#trace('deferred', {
        id: entry.id,
        to: r.address,
        status: failure.status,
        reason: failure.diagnostic,
      });
      return;
    }
    r.state = 'bounced';
    entry.failures.push(failure);
    this.#trace('failed', {
      id: entry.id,
      to: r.address,
      status: failure.status,
      reason: failure.diagnostic,
    });
  }

  #partDone(entry: QueueEntry): void {
    entry.outstanding--;
    if (entry.outstanding === 0) this.#finishAttempt(entry);
  }

  #finishAttempt(entry: QueueEntry): void {
    const now = this.env.scheduler.now;
    const deferred = entry.recipients.filter((r) => r.state === 'pending');
    if (deferred.length > 0 && now - entry.arrivedAt >= this.options.settings.maxQueueLifetimeMs) {
      for (const r of deferred) {
        r.state = 'bounced';
        entry.failures.push({
          ...(r.lastFailure ?? {
            address: r.address,
            status: '4.4.7',
            diagnostic: 'message expired in the queue',
          }),
          diagnostic: `delivery temporarily suspended; message expired: ${r.lastFailure?.diagnostic ?? 'no reason'}`,
        });
      }
    }
    if (entry.failures.length > 0) this.#bounce(entry, entry.failures.splice(0));
    if (entry.recipients.some((r) => r.state === 'pending')) {
      const { minBackoffMs, maxBackoffMs } = this.options.settings;
      const delay = Math.min(maxBackoffMs, minBackoffMs * 2 ** (entry.attempts - 1));
      entry.retry = this.env.scheduler.schedule(delay, () => this.#attempt(entry), `retry ${entry.id}`);
      this.#trace('retry scheduled', { id: entry.id, inMs: delay, attempt: entry.attempts + 1 });
      return;
    }
    this.#entries.delete(entry.id);
    this.#trace('removed', { id: entry.id });
  }

  #bounce(entry: QueueEntry, failures: readonly FailedRecipient[]): void {
    if (entry.mailFrom === '') {
      for (const f of failures) {
        const r = entry.recipients.find((x) => x.address === f.address);
        if (r) r.state = 'discarded';
      }
      this.#trace('bounce discarded', {
        id: entry.id,
        reason: 'the null sender <> is never bounced (RFC 5321 §6.1)',
      });
      return;
    }
    const id = this.newQueueId();
    const text = formatBounce({
      reportingMta: this.options.hostname,
      queueId: entry.id,
      to: entry.mailFrom,
      recipients: failures,
      original: entry.data,
      arrivalDate: entry.arrivalWall,
      now: this.env.wallClock(),
      boundary: `${id}.${entry.id}/${this.options.hostname}`,
      messageId: `<${id}@${this.options.hostname}>`,
    });
    this.#trace('bounce', {
      id: entry.id,
      bounceId: id,
      to: entry.mailFrom,
      recipients: failures.map((f) => f.address),
    });
    this.enqueue({ mailFrom: '', rcptTo: [entry.mailFrom], data: utf8Bytes(text), id });
  }

  #trace(
    action: string,
    detail: Readonly<Record<string, string | number | boolean | readonly string[]>>,
  ): void {
    traceAgent(this.env, this.host.id as HostId, 'mta', action, detail);
  }
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function replyText(reply: Reply): string {
  const lines = typeof reply.text === 'string' ? [reply.text] : reply.text;
  return `${reply.code} ${reply.enhanced ? `${reply.enhanced} ` : ''}${lines.join(' ')}`;
}

/** RFC 6531: the transaction needs SMTPUTF8 when an address is not ASCII. */
function needsUtf8(entry: QueueEntry, recipients: readonly QueueRecipient[]): boolean {
  const nonAscii = /[\u0080-\uffff]/;
  return nonAscii.test(entry.mailFrom) || recipients.some((r) => nonAscii.test(r.address));
}
