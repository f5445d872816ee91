/**
 * The sequence diagram's model: the ladder diagram of every RFC and textbook,
 * built from the trace. One lifeline per host, one arrow per write on a
 * connection (a command, a reply, a pipelined batch, a TLS flight), per DNS
 * query and answer, and per connection opening and closing; arrows grouped by
 * connection; STARTTLS and AUTH exchanges marked. The model is fed trace
 * increments, so a long run costs one pass over the new events per frame.
 */
import { bytesToLatin1, type TraceEvent } from '../../../simulators/index.ts';
import { formatAnswer } from './format.ts';
import { firstLine } from './trace-summary.ts';

export type ArrowKind = 'connect' | 'data' | 'tls' | 'dns' | 'close' | 'reset' | 'failed';
/** What a learner should notice about an exchange. */
export type ArrowMark = 'starttls' | 'auth';

export interface SequenceArrow {
  /** The trace event drawn (its seq), for the byte inspector. */
  readonly seq: number;
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly kind: ArrowKind;
  readonly label: string;
  /** How many more lines the write held (pipelining, a message body). */
  readonly moreLines: number;
  readonly conn: string | undefined;
  readonly encrypted: boolean;
  readonly mark: ArrowMark | undefined;
  /** Sent by the side that asks: the connection's client, or the resolver. */
  readonly request: boolean;
}

export interface SequenceGroup {
  readonly conn: string;
  /** e.g. `alice-laptop → smtp.example.com:587`. */
  readonly label: string;
  readonly first: number;
  last: number;
  readonly hosts: readonly [string, string];
}

interface ConnState {
  readonly client: string;
  readonly server: string;
  readonly group: SequenceGroup;
  /** Inside an authentication exchange: until the server's final reply. */
  authenticating: boolean;
  /** The client asked for TLS: the server's next reply belongs to the STARTTLS exchange. */
  startingTls: boolean;
}

/** SMTP AUTH, IMAP AUTHENTICATE/LOGIN (after a tag), POP3 USER/PASS/APOP/AUTH. */
const AUTH_COMMAND = /^(?:AUTH\b|USER\b|PASS\b|APOP\b|\S+ (?:AUTHENTICATE|LOGIN)\b)/i;
/** SMTP STARTTLS, POP3 STLS, IMAP `tag STARTTLS`. */
const TLS_COMMAND = /^(?:STARTTLS|STLS|\S+ STARTTLS)\s*\r?\n/i;
/** A server's "go on" in a SASL exchange: SMTP 334, IMAP and POP3 `+ `. */
const CONTINUATION = /^(?:334[ -]|\+ |\+\r?\n)/;

/** The diagram so far; `update` appends what new trace events add. */
export class SequenceModel {
  readonly lifelines: string[] = [];
  readonly arrows: SequenceArrow[] = [];
  readonly groups: SequenceGroup[] = [];
  readonly #conns = new Map<string, ConnState>();
  readonly #dns = new Map<number, { from: string; server: string }>();
  #seen = 0;

  /** `hosts` fixes the lifelines' order (the scenario's); other names are added as they appear. */
  constructor(hosts: readonly string[] = []) {
    for (const h of hosts) this.#lifeline(h);
  }

  /** Adds the arrows of events not seen yet; returns whether anything was added. */
  update(events: readonly TraceEvent[]): boolean {
    const before = this.arrows.length;
    for (let i = this.#seen; i < events.length; i++) this.#add(events[i]!);
    this.#seen = events.length;
    return this.arrows.length !== before;
  }

  #lifeline(host: string): void {
    if (!this.lifelines.includes(host)) this.lifelines.push(host);
  }

  #push(
    arrow: Omit<SequenceArrow, 'moreLines' | 'conn' | 'encrypted' | 'mark' | 'request'> &
      Partial<SequenceArrow>,
  ): void {
    this.#lifeline(arrow.from);
    this.#lifeline(arrow.to);
    const conn = arrow.conn === undefined ? undefined : this.#conns.get(arrow.conn);
    const full: SequenceArrow = {
      moreLines: 0,
      conn: undefined,
      encrypted: false,
      mark: undefined,
      request: conn ? arrow.from === conn.client : arrow.kind === 'dns',
      ...arrow,
    };
    if (full.conn !== undefined) {
      const c = this.#conns.get(full.conn);
      if (c) c.group.last = this.arrows.length;
    }
    this.arrows.push(full);
  }

  #add(e: TraceEvent): void {
    switch (e.type) {
      case 'conn.connecting': {
        const group: SequenceGroup = {
          conn: e.conn,
          label: `${e.conn}: ${e.client.host} → ${e.server.host}:${e.server.port}`,
          first: this.arrows.length,
          last: this.arrows.length,
          hosts: [e.client.host, e.server.host],
        };
        this.groups.push(group);
        this.#conns.set(e.conn, {
          client: e.client.host,
          server: e.server.host,
          group,
          authenticating: false,
          startingTls: false,
        });
        this.#push({
          seq: e.seq,
          at: e.at,
          from: e.client.host,
          to: e.server.host,
          kind: 'connect',
          label: `SYN → port ${e.server.port}`,
          conn: e.conn,
        });
        break;
      }
      case 'conn.failed': {
        const c = this.#conns.get(e.conn);
        if (c)
          this.#push({
            seq: e.seq,
            at: e.at,
            from: c.server,
            to: c.client,
            kind: 'failed',
            label: e.reason,
            conn: e.conn,
          });
        break;
      }
      case 'conn.closed':
      case 'conn.reset': {
        const c = this.#conns.get(e.conn);
        if (!c) break;
        const byClient = e.by === 'client';
        this.#push({
          seq: e.seq,
          at: e.at,
          from: byClient ? c.client : c.server,
          to: byClient ? c.server : c.client,
          kind: e.type === 'conn.closed' ? 'close' : 'reset',
          label: e.type === 'conn.closed' ? 'FIN' : `RST (${e.reason})`,
          conn: e.conn,
        });
        break;
      }
      case 'bytes':
        this.#bytes(e);
        break;
      case 'tls.handshake': {
        const c = this.#conns.get(e.conn);
        if (!c) break;
        const [from, to] = e.direction === 'c2s' ? [c.client, c.server] : [c.server, c.client];
        this.#push({
          seq: e.seq,
          at: e.at,
          from,
          to,
          kind: 'tls',
          label: `TLS ${e.messages.join(', ')}`,
          conn: e.conn,
          mark: 'starttls',
        });
        break;
      }
      case 'dns.query':
        this.#dns.set(e.id, { from: e.from, server: e.server });
        this.#push({
          seq: e.seq,
          at: e.at,
          from: e.from,
          to: e.server,
          kind: 'dns',
          label: `DNS ${e.query.type} ${e.query.name}?`,
        });
        break;
      case 'dns.answer': {
        const q = this.#dns.get(e.id);
        if (!q) break;
        this.#push({
          seq: e.seq,
          at: e.at,
          from: q.server,
          to: q.from,
          kind: 'dns',
          label: formatAnswer(e.answer),
          request: false,
        });
        break;
      }
      default:
        break;
    }
  }

  #bytes(e: Extract<TraceEvent, { type: 'bytes' }>): void {
    const c = this.#conns.get(e.conn);
    if (!c) return;
    const [from, to] = e.direction === 'c2s' ? [c.client, c.server] : [c.server, c.client];
    const { text, moreLines } = firstLine(e.bytes);
    const head = bytesToLatin1(e.bytes.subarray(0, 64));
    let mark: ArrowMark | undefined;
    if (e.direction === 'c2s') {
      if (TLS_COMMAND.test(head)) {
        c.startingTls = true;
        mark = 'starttls';
      } else if (AUTH_COMMAND.test(head)) {
        c.authenticating = true;
        mark = 'auth';
      } else if (c.authenticating) {
        mark = 'auth';
      }
    } else if (c.startingTls) {
      c.startingTls = false;
      mark = 'starttls';
    } else if (c.authenticating) {
      mark = 'auth';
      if (!CONTINUATION.test(head)) c.authenticating = false;
    }
    this.#push({
      seq: e.seq,
      at: e.at,
      from,
      to,
      kind: 'data',
      label: e.encrypted ? `🔒 ${text}` : text,
      moreLines,
      conn: e.conn,
      encrypted: e.encrypted,
      mark,
    });
  }
}

/** Geometry of the drawing, in SVG user units. */
export const SEQUENCE_GEOMETRY = { column: 190, row: 30, top: 44, side: 100 } as const;

export interface PlacedArrow {
  readonly arrow: SequenceArrow;
  readonly y: number;
  readonly x1: number;
  readonly x2: number;
}

export interface PlacedGroup {
  readonly group: SequenceGroup;
  readonly x: number;
  readonly width: number;
  readonly y: number;
  readonly height: number;
}

export interface SequenceLayout {
  readonly width: number;
  readonly height: number;
  readonly lifelines: readonly { readonly host: string; readonly x: number }[];
  readonly arrows: readonly PlacedArrow[];
  readonly groups: readonly PlacedGroup[];
  /** Arrows before the window, counted, not drawn. */
  readonly hidden: number;
  /**
   * How far the drawing is scrolled up past the hidden arrows. Positions are
   * absolute, so as the window slides only this changes, not every arrow.
   */
  readonly shift: number;
}

/** Places the latest `limit` arrows (a long run never floods the DOM) and the groups they touch. */
export function layoutSequence(model: SequenceModel, limit = 400): SequenceLayout {
  const { column, row, top, side } = SEQUENCE_GEOMETRY;
  const xOf = new Map(model.lifelines.map((h, i) => [h, side + i * column]));
  const hidden = Math.max(0, model.arrows.length - limit);
  const y = (index: number) => top + (index + 1) * row;
  const arrows = model.arrows.slice(hidden).map((arrow, i) => ({
    arrow,
    y: y(hidden + i),
    x1: xOf.get(arrow.from)!,
    x2: xOf.get(arrow.to)!,
  }));
  const groups: PlacedGroup[] = [];
  for (const group of model.groups) {
    if (group.last < hidden) continue;
    const xs = group.hosts.map((h) => xOf.get(h)!);
    const first = Math.max(group.first, hidden);
    groups.push({
      group,
      x: Math.min(...xs) - 24,
      width: Math.abs(xs[0]! - xs[1]!) + 48,
      y: y(first) - row * 0.8,
      height: (group.last - first) * row + row * 1.1,
    });
  }
  return {
    width: side * 2 + Math.max(0, model.lifelines.length - 1) * column,
    height: top + (arrows.length + 1) * row,
    lifelines: model.lifelines.map((host) => ({ host, x: xOf.get(host)! })),
    arrows,
    groups,
    hidden,
    shift: hidden * row,
  };
}
