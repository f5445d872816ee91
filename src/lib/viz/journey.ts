/**
 * The message journey on the network map: every write on a connection (a
 * `bytes` or `tls.handshake` trace event) is an envelope travelling from its
 * sender to its receiver over the connection's one-way latency, placed by the
 * virtual clock; each link shows a lock while a connection over it is
 * encrypted and an open padlock while one is in plain text; each host shows
 * its MTA queue (queued, retrying) and flashes when it delivers or bounces.
 *
 * Theory of operation. {@link JourneyIndex} reads the trace incrementally:
 * `update` consumes only the events appended since the last call (the trace
 * only grows within a world; a new epoch or a shorter trace starts over), and
 * keeps the set of *live* envelopes — those whose time on the map has not
 * ended. `frame(now)` walks only that set, so a frame costs what is on the
 * map, not the length of the trace; envelopes whose time has passed are
 * dropped for good, which assumes `now` never goes backwards within an epoch
 * (when it does, the index rebuilds from the last trace it saw).
 *
 * An envelope is on the map from the moment it is written until it arrives,
 * and then stays at the receiving end until the next write on the same
 * connection (or its close, or {@link HOLD_MS}): at 1× a 5 ms hop is over
 * within one frame, and the last exchange of every open connection must stay
 * readable for a learner.
 *
 * SIMPLIFICATION: the view knows each link's latency but not its jitter, so
 * an arrival may be drawn a little early on a jittery link.
 */
import type { Direction, TraceEvent } from '../../../simulators/index.ts';
import { hopOf, hopRoles, startsMessage, writeText, type Hop } from './journey-labels.ts';
import { along, boxEdge, type MapLayout } from './map-layout.ts';

/** Longest an arrived envelope stays at its receiver waiting for the connection's next write (virtual ms). */
export const HOLD_MS = 1_500;
/** How long a host flashes after delivering or bouncing (virtual ms). */
export const FLASH_MS = 1_200;
/** At most this many envelopes carry a text label; the others are drawn bare. */
export const MAX_LABELS = 8;
/** How far client writes sit to one side of the line between two hosts, and replies to the other. */
export const LANE_OFFSET = 11;

/** How far a link's lock sits above the line's middle (the latency pill is on it). */
export const LOCK_OFFSET = 30;

type Side = 'client' | 'server';

interface ConnInfo {
  readonly id: string;
  readonly client: string;
  readonly server: string;
  readonly port: number;
  readonly hop: Hop;
  readonly protocol: string;
  encrypted: boolean;
  open: boolean;
  /** The last arrival scheduled in each direction (streams stay ordered, as net/network.ts keeps them). */
  readonly lastArrival: Record<Direction, number>;
  /** The next client write is the message (after a 354). */
  messageNext: boolean;
  /** The newest envelope on this connection. */
  newest: Envelope | undefined;
}

interface Envelope {
  readonly id: number;
  readonly conn: ConnInfo;
  readonly direction: Direction;
  readonly sentAt: number;
  readonly arriveAt: number;
  /** When it leaves the map; Infinity until the connection's next write or close says. */
  until: number;
  readonly text: string;
  readonly encrypted: boolean;
}

/** A host's MTA queue as the trace tells it. */
interface QueueState {
  readonly queued: Set<string>;
  readonly retrying: Set<string>;
  delivered: number;
  bounced: number;
  readonly flashes: Flash[];
}

interface Flash {
  readonly kind: 'delivered' | 'relayed' | 'bounced';
  readonly at: number;
}

/** One envelope as the map draws it. */
export interface PlacedEnvelope {
  /** The trace position of the write (stable key). */
  readonly id: number;
  readonly conn: string;
  /** `client` writes a command, `server` writes a reply: drawn in different shapes, on different sides. */
  readonly writer: Side;
  readonly from: string;
  readonly to: string;
  readonly hop: Hop;
  readonly protocol: string;
  readonly port: number;
  /** The command or reply (`MAIL FROM:<alice@example.com>`, `TLS ClientHello`). */
  readonly text: string;
  /** `SMTP 587 · EHLO alice-laptop`, or undefined when the label cap leaves this one bare. */
  readonly label: string | undefined;
  readonly encrypted: boolean;
  /** Still travelling (false: arrived, held at the receiver). */
  readonly moving: boolean;
  /** Position now (at the receiver when reduced motion is asked for). */
  readonly x: number;
  readonly y: number;
  /** Unit vector of travel, so the label can sit on the envelope's own side. */
  readonly nx: number;
  readonly ny: number;
}

/** A lock on the line between two hosts: one per state among the connections open over it. */
export interface PlacedLock {
  readonly key: string;
  readonly a: string;
  readonly b: string;
  readonly x: number;
  readonly y: number;
  readonly encrypted: number;
  readonly plain: number;
}

/** Queue counters and flashes of one host. */
export interface HostStatus {
  readonly host: string;
  readonly queued: number;
  readonly retrying: number;
  readonly delivered: number;
  readonly bounced: number;
  /** The flash now, if any, and how many events it stands for. */
  readonly flash: { readonly kind: Flash['kind']; readonly count: number } | undefined;
}

/** Everything the journey adds to the map at one instant. */
export interface JourneyFrame {
  readonly envelopes: readonly PlacedEnvelope[];
  /** Envelopes on the map beyond the labelled ones (they have no accessible name of their own). */
  readonly unlabelled: number;
  readonly locks: readonly PlacedLock[];
  readonly status: ReadonlyMap<string, HostStatus>;
  /** Roles at work now, by host (`smtp.example.com` → `msa`): their badges are highlighted. */
  readonly activeRoles: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Options of {@link JourneyIndex.frame}. */
export interface FrameOptions {
  /** prefers-reduced-motion: no travel; each envelope shows at its receiving end. */
  readonly reducedMotion?: boolean;
}

/** Reads the trace incrementally and lays out the journey at any (non-decreasing) instant. */
export class JourneyIndex {
  #events: readonly TraceEvent[] = [];
  #consumed = 0;
  #epoch: number | undefined;
  #lastNow = 0;
  readonly #latency: (a: string, b: string) => number;
  #services = new Map<string, string>();
  #conns = new Map<string, ConnInfo>();
  #live: Envelope[] = [];
  #queues = new Map<string, QueueState>();

  /** `latency(a, b)`: the one-way delay the map assumes between two hosts. */
  constructor(latency: (a: string, b: string) => number) {
    this.#latency = latency;
  }

  /** Takes in the events appended since the last call; a new `epoch` (a reset world) starts over. */
  update(events: readonly TraceEvent[], epoch = 0): void {
    if (epoch !== this.#epoch || events.length < this.#consumed) this.#clear(epoch);
    this.#events = events;
    for (; this.#consumed < events.length; this.#consumed++) this.#take(events[this.#consumed]!);
  }

  /** The journey at `now`, placed on `layout`. */
  frame(now: number, layout: MapLayout, options: FrameOptions = {}): JourneyFrame {
    if (now < this.#lastNow) this.#rebuild();
    this.#lastNow = now;
    this.#live = this.#live.filter((e) => e.until > now);
    const hosts = new Map(layout.hosts.map((h) => [h.id, h]));
    const halfW = layout.hostWidth / 2;
    const halfH = layout.hostHeight / 2;
    const activeRoles = new Map<string, Set<string>>();
    const activate = (host: string, role: string) => {
      let roles = activeRoles.get(host);
      if (!roles) activeRoles.set(host, (roles = new Set()));
      roles.add(role);
    };

    // Newest first: the labels go to the latest write of each lane.
    const envelopes: PlacedEnvelope[] = [];
    const labelledLanes = new Set<string>();
    let labels = 0;
    for (let i = this.#live.length - 1; i >= 0; i--) {
      const e = this.#live[i]!;
      const c = e.conn;
      const hc = hosts.get(c.client);
      const hs = hosts.get(c.server);
      if (!hc || !hs || c.client === c.server) continue;
      const writer: Side = e.direction === 'c2s' ? 'client' : 'server';
      const [fromBox, toBox] = writer === 'client' ? [hc, hs] : [hs, hc];
      const a = boxEdge(fromBox, toBox, halfW, halfH);
      const b = boxEdge(toBox, fromBox, halfW, halfH);
      const span = Math.max(e.arriveAt - e.sentAt, 1e-9);
      const t = options.reducedMotion ? 1 : (now - e.sentAt) / span;
      const p = along(a, b, t);
      // The normal of the client → server line: commands on one side, replies on the other.
      const dx = hs.x - hc.x;
      const dy = hs.y - hc.y;
      const len = Math.hypot(dx, dy) || 1;
      const side = writer === 'client' ? -1 : 1;
      const ox = (-dy / len) * LANE_OFFSET * side;
      const oy = (dx / len) * LANE_OFFSET * side;
      const lane = `${c.client}|${c.server}|${e.direction}`;
      const labelled = labels < MAX_LABELS && !labelledLanes.has(lane);
      if (labelled) {
        labels++;
        labelledLanes.add(lane);
      }
      const roles = hopRoles(c.hop, c.protocol);
      if (roles) {
        activate(c.client, roles[0]);
        activate(c.server, roles[1]);
      }
      envelopes.push({
        id: e.id,
        conn: c.id,
        writer,
        from: writer === 'client' ? c.client : c.server,
        to: writer === 'client' ? c.server : c.client,
        hop: c.hop,
        protocol: c.protocol,
        port: c.port,
        text: e.text,
        label: labelled
          ? `${e.text.startsWith('TLS ') ? 'TLS' : `${c.protocol} ${c.port}`} · ${labelText(e.text)}`
          : undefined,
        encrypted: e.encrypted,
        moving: now < e.arriveAt,
        x: round(p.x + ox),
        y: round(p.y + oy),
        nx: round(ox / LANE_OFFSET),
        ny: round(oy / LANE_OFFSET),
      });
    }

    const status = new Map<string, HostStatus>();
    for (const [host, q] of this.#queues) {
      while (q.flashes.length > 0 && q.flashes[0]!.at + FLASH_MS <= now) q.flashes.shift();
      const latest = q.flashes.at(-1);
      const count = latest ? q.flashes.filter((f) => f.kind === latest.kind).length : 0;
      if (latest?.kind === 'delivered') activate(host, 'mda');
      status.set(host, {
        host,
        queued: q.queued.size - q.retrying.size,
        retrying: q.retrying.size,
        delivered: q.delivered,
        bounced: q.bounced,
        flash: latest ? { kind: latest.kind, count } : undefined,
      });
    }

    return {
      envelopes,
      unlabelled: envelopes.length - labels,
      locks: this.#locks(hosts),
      status,
      activeRoles,
    };
  }

  /** One lock per pair of hosts with open connections. */
  #locks(hosts: ReadonlyMap<string, { x: number; y: number }>): PlacedLock[] {
    const byPair = new Map<string, { a: string; b: string; encrypted: number; plain: number }>();
    for (const c of this.#conns.values()) {
      if (!c.open) continue;
      const [a, b] = c.client < c.server ? [c.client, c.server] : [c.server, c.client];
      const key = `${a}|${b}`;
      const lock = byPair.get(key) ?? { a, b, encrypted: 0, plain: 0 };
      if (c.encrypted) lock.encrypted++;
      else lock.plain++;
      byPair.set(key, lock);
    }
    const locks: PlacedLock[] = [];
    for (const [key, l] of byPair) {
      const ha = hosts.get(l.a);
      const hb = hosts.get(l.b);
      if (!ha || !hb || l.a === l.b) continue;
      // Above the middle of the line, clear of the latency pill and of the envelopes' lanes.
      const p = along(ha, hb, 0.5);
      const len = Math.hypot(hb.x - ha.x, hb.y - ha.y) || 1;
      let nx = -(hb.y - ha.y) / len;
      let ny = (hb.x - ha.x) / len;
      if (ny > 0) [nx, ny] = [-nx, -ny];
      locks.push({ key, ...l, x: round(p.x + nx * LOCK_OFFSET), y: round(p.y + ny * LOCK_OFFSET) });
    }
    return locks;
  }

  #clear(epoch: number | undefined): void {
    this.#epoch = epoch;
    this.#consumed = 0;
    this.#lastNow = 0;
    this.#services = new Map();
    this.#conns = new Map();
    this.#live = [];
    this.#queues = new Map();
  }

  #rebuild(): void {
    const events = this.#events;
    this.#clear(this.#epoch);
    this.update(events, this.#epoch);
  }

  #take(e: TraceEvent): void {
    switch (e.type) {
      case 'port.listen':
        this.#services.set(`${e.host}:${e.port}`, e.service);
        return;
      case 'conn.connecting': {
        const { hop, protocol } = hopOf(this.#services.get(`${e.server.host}:${e.server.port}`));
        this.#conns.set(e.conn, {
          id: e.conn,
          client: e.client.host,
          server: e.server.host,
          port: e.server.port,
          hop,
          protocol,
          encrypted: false,
          open: true,
          lastArrival: { c2s: 0, s2c: 0 },
          messageNext: false,
          newest: undefined,
        });
        return;
      }
      case 'conn.failed':
      case 'conn.closed':
      case 'conn.reset': {
        const c = this.#conns.get(e.conn);
        if (!c) return;
        c.open = false;
        this.#conns.delete(e.conn);
        // What is still travelling arrives; what was held at a receiver goes.
        if (c.newest) c.newest.until = Math.max(c.newest.arriveAt, Math.min(c.newest.until, e.at));
        return;
      }
      case 'tls.established': {
        const c = this.#conns.get(e.conn);
        if (c) c.encrypted = true;
        return;
      }
      case 'tls.handshake':
        this.#write(e.seq, e.conn, e.direction, e.at, `TLS ${tlsFlightText(e.messages)}`, false);
        return;
      case 'bytes': {
        const c = this.#conns.get(e.conn);
        if (!c) return;
        if (e.encrypted) c.encrypted = true;
        const isMessage = e.direction === 'c2s' && c.messageNext;
        if (e.direction === 'c2s') c.messageNext = false;
        else if (c.protocol === 'SMTP' && startsMessage(e.bytes)) c.messageNext = true;
        this.#write(e.seq, e.conn, e.direction, e.at, writeText(e.bytes, isMessage), e.encrypted);
        return;
      }
      case 'agent':
        if (e.agent === 'mta') this.#queueEvent(e.host, e.action, e.detail, e.at);
        return;
      default:
        return;
    }
  }

  #write(id: number, conn: string, direction: Direction, at: number, text: string, encrypted: boolean): void {
    const c = this.#conns.get(conn);
    if (!c) return;
    const arriveAt = Math.max(at + this.#latency(c.client, c.server), c.lastArrival[direction]);
    c.lastArrival[direction] = arriveAt;
    // The previous write stops waiting at its receiver once this one is sent (it still finishes its trip).
    if (c.newest) c.newest.until = Math.max(c.newest.arriveAt, Math.min(c.newest.until, at));
    const envelope: Envelope = {
      id,
      conn: c,
      direction,
      sentAt: at,
      arriveAt,
      until: arriveAt + HOLD_MS,
      text,
      encrypted,
    };
    c.newest = envelope;
    this.#live.push(envelope);
  }

  #queueEvent(host: string, action: string, detail: Readonly<Record<string, unknown>>, at: number): void {
    let q = this.#queues.get(host);
    if (!q) {
      q = { queued: new Set(), retrying: new Set(), delivered: 0, bounced: 0, flashes: [] };
      this.#queues.set(host, q);
    }
    const id = typeof detail['id'] === 'string' ? detail['id'] : '';
    switch (action) {
      case 'queued':
        q.queued.add(id);
        return;
      case 'retry scheduled':
        q.retrying.add(id);
        return;
      case 'removed':
        q.queued.delete(id);
        q.retrying.delete(id);
        return;
      case 'delivered': {
        // mta-queue.ts says `local mailbox …` when the MDA stored it, `<mx> said: …` when relayed.
        const local = typeof detail['how'] === 'string' && detail['how'].startsWith('local mailbox');
        q.delivered++;
        q.flashes.push({ kind: local ? 'delivered' : 'relayed', at });
        return;
      }
      case 'failed':
        q.bounced++;
        q.flashes.push({ kind: 'bounced', at });
        return;
      default:
        return;
    }
  }
}

/** `ClientHello`; `ServerHello … Finished` for a flight of several messages. */
function tlsFlightText(messages: readonly string[]): string {
  if (messages.length <= 1) return messages[0] ?? 'flight';
  return `${messages[0]} … ${messages.at(-1)}`;
}

/** The label drops the `TLS ` prefix its protocol column already says. */
function labelText(text: string): string {
  return text.startsWith('TLS ') ? text.slice(4) : text;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** What a screen reader hears for an envelope: `SMTP from alice-laptop to smtp.example.com: EHLO alice-laptop (…)`. */
export function envelopeName(e: PlacedEnvelope, hopText: string): string {
  const protocol = e.text.startsWith('TLS ') ? `${e.protocol} (TLS handshake)` : e.protocol;
  const state = [
    `port ${e.port}`,
    hopText,
    e.encrypted ? 'encrypted' : 'plain text',
    e.moving ? 'in flight' : 'arrived',
  ];
  return `${protocol} from ${e.from} to ${e.to}: ${labelText(e.text)} (${state.join(', ')})`;
}

/** What a screen reader hears for a host's queue: `2 queued, 1 retrying, just delivered`, or ''. */
export function statusText(s: HostStatus | undefined): string {
  if (!s) return '';
  const parts: string[] = [];
  if (s.queued > 0) parts.push(`${s.queued} queued`);
  if (s.retrying > 0) parts.push(`${s.retrying} retrying`);
  if (s.flash) parts.push(`just ${FLASH_TEXT[s.flash.kind]}${s.flash.count > 1 ? ` ${s.flash.count}` : ''}`);
  return parts.join(', ');
}

/** A flash in words, for the badge and for screen readers. */
export const FLASH_TEXT: Readonly<Record<Flash['kind'], string>> = {
  delivered: 'delivered to a mailbox',
  relayed: 'relayed',
  bounced: 'bounced',
};
