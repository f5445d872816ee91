/**
 * What checks (checks.ts) read from a trace: the facts a learner would name,
 * pulled out of trace events once per evaluation.
 *
 * - Auth verdicts: each receiving MTA's `auth` event (SPF, DKIM, DMARC and
 *   the disposition), with the envelope and the client it concerns.
 * - Local deliveries: each `delivered` event of a queue into a mailbox,
 *   joined to the `queued` event of the same queue id on the same host for
 *   the envelope sender (`<>` for a bounce).
 * - SMTP exchanges: each server reply with the command it answers. A
 *   connection's client lines and server replies are read from its `bytes`
 *   events in trace order and paired first in, first out, which is how
 *   PIPELINING (RFC 2920) keeps them. The greeting answers `greeting`,
 *   the reply to the final dot `end-of-data`, and the lines of a SASL
 *   exchange after a 334 answer `AUTH` (RFC 4954 §4).
 *
 * Nothing here asks an agent anything: the trace is the truth.
 */
import { bytesToLatin1 } from '../core/bytes.ts';
import type { TraceEvent, TraceEventOf } from '../trace/events.ts';
import { parseReplyLine } from '../smtp/replies.ts';

/** A receiving MTA's verdicts on one message. */
export interface AuthFact {
  readonly seq: number;
  /** The host that checked (the receiving MTA). */
  readonly at: string;
  /** Envelope sender, `<>` for the null sender. */
  readonly from: string;
  readonly to: readonly string[];
  /** The client's address, and its host when the trace shows which host has it. */
  readonly client: string;
  readonly clientHost: string | undefined;
  readonly spf: string;
  /** One result per signature; `['none']` when there was none. */
  readonly dkim: readonly string[];
  readonly dmarc: string;
  readonly disposition: string;
  readonly fromDomain: string | undefined;
}

/** A message put into a mailbox by a host's MDA. */
export interface DeliveryFact {
  readonly seq: number;
  readonly at: string;
  /** Envelope sender, `<>` for a bounce. */
  readonly from: string;
  readonly to: string;
  readonly mailbox: string;
}

/** One SMTP reply and the command it answers. */
export interface SmtpExchange {
  readonly seq: number;
  /** The server's host. */
  readonly at: string;
  readonly client: string;
  readonly clientHost: string | undefined;
  /** The verb (`MAIL`), or `greeting`, `end-of-data`, or `` for a reply nobody asked for. */
  readonly command: string;
  readonly code: number;
  /** Every line's text, joined by spaces. */
  readonly text: string;
}

type Detail = TraceEventOf<'agent'>['detail'];
const text = (d: Detail, key: string): string => {
  const v = d[key];
  return typeof v === 'string' ? v : v === undefined ? '' : String(v);
};
const list = (d: Detail, key: string): readonly string[] => {
  const v = d[key];
  return Array.isArray(v) ? (v as readonly string[]) : typeof v === 'string' ? [v] : [];
};

/** The facts of one trace, each kind read on first use. */
export class TraceFacts {
  #auth: AuthFact[] | undefined;
  #deliveries: DeliveryFact[] | undefined;
  #smtp: SmtpExchange[] | undefined;
  #hostOf: Map<string, string> | undefined;

  constructor(readonly events: readonly TraceEvent[]) {}

  /** The host with `address`, as the trace's connections show it. */
  hostOf(address: string): string | undefined {
    if (!this.#hostOf) {
      this.#hostOf = new Map();
      for (const e of this.events) {
        if (e.type !== 'conn.connecting') continue;
        this.#hostOf.set(e.client.address, e.client.host);
        this.#hostOf.set(e.server.address, e.server.host);
      }
    }
    return this.#hostOf.get(address);
  }

  get auth(): readonly AuthFact[] {
    this.#auth ??= this.events.flatMap((e) => {
      if (e.type !== 'agent' || e.action !== 'auth') return [];
      const d = e.detail;
      const client = text(d, 'client');
      const fromDomain = text(d, 'fromDomain');
      return [
        {
          seq: e.seq,
          at: e.host,
          from: text(d, 'from'),
          to: list(d, 'to'),
          client,
          clientHost: this.hostOf(client),
          spf: text(d, 'spf'),
          dkim: list(d, 'dkim'),
          dmarc: text(d, 'dmarc'),
          disposition: text(d, 'disposition'),
          fromDomain: fromDomain || undefined,
        },
      ];
    });
    return this.#auth;
  }

  get deliveries(): readonly DeliveryFact[] {
    if (this.#deliveries) return this.#deliveries;
    const senders = new Map<string, string>();
    const out: DeliveryFact[] = [];
    for (const e of this.events) {
      if (e.type !== 'agent' || e.agent !== 'mta') continue;
      const key = `${e.host} ${text(e.detail, 'id')}`;
      if (e.action === 'queued') senders.set(key, text(e.detail, 'from'));
      const mailbox = text(e.detail, 'mailbox');
      if (e.action === 'delivered' && mailbox !== '')
        out.push({
          seq: e.seq,
          at: e.host,
          from: senders.get(key) ?? '',
          to: text(e.detail, 'to'),
          mailbox,
        });
    }
    this.#deliveries = out;
    return out;
  }

  get smtp(): readonly SmtpExchange[] {
    this.#smtp ??= readSmtpExchanges(this.events, (a) => this.hostOf(a));
    return this.#smtp;
  }
}

/** One SMTP connection being read. */
interface SmtpConnection {
  readonly server: string;
  readonly client: string;
  /** Unfinished line text per direction. */
  c2s: string;
  s2c: string;
  /** Commands awaiting their reply, oldest first. */
  readonly pending: string[];
  /** Between a 354 and the final dot: client lines are message content. */
  inData: boolean;
  /** After a 334: the next client line is a SASL response. */
  inSasl: boolean;
  /** Text of a multi-line reply so far. */
  replyLines: string[];
}

/**
 * Pairs the replies of every SMTP connection (one with a server-side `smtp`
 * session in the trace) with the commands they answer.
 */
export function readSmtpExchanges(
  events: readonly TraceEvent[],
  hostOf: (address: string) => string | undefined = () => undefined,
): SmtpExchange[] {
  const endpoints = new Map<string, { server: string; client: string }>();
  const connections = new Map<string, SmtpConnection>();
  const out: SmtpExchange[] = [];
  for (const e of events) {
    if (e.type === 'conn.connecting') {
      endpoints.set(e.conn, { server: e.server.host, client: e.client.address });
    } else if (e.type === 'session.start' && e.protocol === 'smtp' && e.role === 'server') {
      const ends = endpoints.get(e.conn);
      connections.set(e.conn, {
        server: e.host,
        client: ends?.client ?? '',
        c2s: '',
        s2c: '',
        pending: ['greeting'],
        inData: false,
        inSasl: false,
        replyLines: [],
      });
    } else if (e.type === 'bytes') {
      const c = connections.get(e.conn);
      if (!c) continue;
      const chunk = bytesToLatin1(e.bytes);
      if (e.direction === 'c2s') {
        c.c2s += chunk;
        for (let end = c.c2s.indexOf('\r\n'); end >= 0; end = c.c2s.indexOf('\r\n')) {
          clientLine(c, c.c2s.slice(0, end));
          c.c2s = c.c2s.slice(end + 2);
        }
      } else {
        c.s2c += chunk;
        for (let end = c.s2c.indexOf('\r\n'); end >= 0; end = c.s2c.indexOf('\r\n')) {
          const line = c.s2c.slice(0, end);
          c.s2c = c.s2c.slice(end + 2);
          const reply = serverLine(c, line);
          if (reply)
            out.push({
              seq: e.seq,
              at: c.server,
              client: c.client,
              clientHost: hostOf(c.client),
              ...reply,
            });
        }
      }
    }
  }
  return out;
}

function clientLine(c: SmtpConnection, line: string): void {
  if (c.inData) {
    if (line === '.') {
      c.inData = false;
      c.pending.push('end-of-data');
    }
    return;
  }
  if (c.inSasl) {
    c.inSasl = false;
    c.pending.push('AUTH');
    return;
  }
  c.pending.push((/^\S*/.exec(line)?.[0] ?? '').toUpperCase());
}

/** A finished reply, or undefined while a multi-line reply goes on (or for a line that is no reply). */
function serverLine(
  c: SmtpConnection,
  line: string,
): { command: string; code: number; text: string } | undefined {
  const parsed = parseReplyLine(line);
  if (!parsed) return undefined;
  c.replyLines.push(parsed.text);
  if (parsed.separator === '-') return undefined;
  const text = c.replyLines.join(' ');
  c.replyLines = [];
  const command = c.pending.shift() ?? '';
  if (parsed.code === 354) c.inData = true;
  if (parsed.code === 334) c.inSasl = true;
  return { command, code: parsed.code, text };
}
