/**
 * One line per trace event, written for a learner: who talks to whom and what
 * was said. Pure functions of the trace, so the trace list, tooltips and
 * exports all word an event the same way.
 */
import { bytesToLatin1, type Endpoint, type TraceEvent } from '../../../simulators/index.ts';
import { formatAnswer } from './format.ts';

/** What earlier events tell about later ones: the ends of a connection, who asked a DNS query, whose a session is. */
export interface TraceContext {
  readonly conns: ReadonlyMap<string, { readonly client: Endpoint; readonly server: Endpoint }>;
  readonly dnsQueries: ReadonlyMap<number, { readonly from: string; readonly server: string }>;
  readonly sessions: ReadonlyMap<
    string,
    { readonly host: string; readonly protocol: string; readonly role: string }
  >;
}

/** An empty context: summaries fall back to ids. */
export const EMPTY_CONTEXT: TraceContext = { conns: new Map(), dnsQueries: new Map(), sessions: new Map() };

/** Builds the context from the events (one pass; the maps only grow, like the trace). */
export function indexTrace(events: readonly TraceEvent[]): TraceContext {
  const conns = new Map<string, { client: Endpoint; server: Endpoint }>();
  const dnsQueries = new Map<number, { from: string; server: string }>();
  const sessions = new Map<string, { host: string; protocol: string; role: string }>();
  for (const e of events) {
    if (e.type === 'conn.connecting') conns.set(e.conn, { client: e.client, server: e.server });
    else if (e.type === 'dns.query') dnsQueries.set(e.id, { from: e.from, server: e.server });
    else if (e.type === 'session.start')
      sessions.set(e.session, { host: e.host, protocol: e.protocol, role: e.role });
  }
  return { conns, dnsQueries, sessions };
}

/** Longest text shown for a line of bytes before it is cut with `…`. */
export const MAX_TEXT = 120;

/**
 * Makes bytes readable on one line: CR and LF as ␍ ␊ (so a learner sees the
 * CRLF every line of these protocols ends with), other control characters as
 * their Unicode control pictures.
 */
export function visibleText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    // U+2400 CONTROL PICTURES: ␀ … ␟ for C0 controls, ␡ for DEL.
    out += code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : ch;
  }
  return out;
}

/** The first line of some bytes (up to and including its LF), made visible, and how many more lines follow. */
export function firstLine(bytes: Uint8Array): { text: string; moreLines: number } {
  const all = bytesToLatin1(bytes);
  const lines = all.split(/(?<=\n)/);
  const first = lines[0] ?? '';
  const shown = visibleText(first);
  return {
    text: shown.length > MAX_TEXT ? `${shown.slice(0, MAX_TEXT - 1)}…` : shown,
    moreLines: Math.max(0, lines.length - 1),
  };
}

function connLabel(ctx: TraceContext, conn: string): string {
  const c = ctx.conns.get(conn);
  return c ? `${conn} ${c.client.host} ⇄ ${c.server.host}:${c.server.port}` : conn;
}

function peerOf(ctx: TraceContext, conn: string, from: string): string | undefined {
  const c = ctx.conns.get(conn);
  if (!c) return undefined;
  return c.client.host === from ? c.server.host : c.client.host;
}

function sides(ctx: TraceContext, conn: string, direction: 'c2s' | 's2c'): string {
  const c = ctx.conns.get(conn);
  const [client, server] = c ? [c.client.host, c.server.host] : ['client', 'server'];
  return direction === 'c2s' ? `${client} → ${server}` : `${server} → ${client}`;
}

function sessionLabel(ctx: TraceContext, session: string): string {
  const s = ctx.sessions.get(session);
  return s ? `${s.host} ${s.protocol} ${s.role}` : session;
}

const FAILURE: Record<'refused' | 'timeout' | 'no-route', string> = {
  refused: 'connection refused (nothing listens on that port)',
  timeout: 'timed out (host down or unreachable)',
  'no-route': 'no route (no host has that address)',
};

function formatDetail(
  detail: Readonly<Record<string, string | number | boolean | readonly string[]>>,
): string {
  const parts = Object.entries(detail).map(
    ([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v as string | number | boolean)}`,
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** One line describing `event` for a learner. */
export function summarize(event: TraceEvent, ctx: TraceContext = EMPTY_CONTEXT): string {
  switch (event.type) {
    case 'host.up':
      return `${event.host} is up`;
    case 'host.down':
      return `${event.host} is down`;
    case 'link.up':
      return `link ${event.a} — ${event.b} is up`;
    case 'link.down':
      return `link ${event.a} — ${event.b} is down`;
    case 'port.listen':
      return `${event.host} listens on port ${event.port} (${event.service})`;
    case 'conn.connecting':
      return `${event.conn} ${event.client.host} → ${event.server.host} ${event.server.address}:${event.server.port}: connecting (SYN)`;
    case 'conn.opened':
      return `${connLabel(ctx, event.conn)}: connection open`;
    case 'conn.failed':
      return `${connLabel(ctx, event.conn)}: ${FAILURE[event.reason]}`;
    case 'conn.closed':
      return `${connLabel(ctx, event.conn)}: closed by the ${event.by}`;
    case 'conn.reset':
      return `${connLabel(ctx, event.conn)}: reset by the ${event.by}: ${event.reason}`;
    case 'bytes': {
      const to = peerOf(ctx, event.conn, event.from);
      const who = to ? `${event.from} → ${to}` : event.from;
      if (event.encrypted) return `${who}: 🔒 ${event.wireLength} bytes`;
      const { text, moreLines } = firstLine(event.bytes);
      const more = moreLines > 0 ? ` (+${moreLines} more line${moreLines === 1 ? '' : 's'})` : '';
      return `${who}: ${text}${more}`;
    }
    case 'tls.start':
      return `${connLabel(ctx, event.conn)}: ${event.by} starts TLS`;
    case 'tls.handshake':
      return `${sides(ctx, event.conn, event.direction)}: ${event.messages.join(', ')} (${event.wireLength} bytes)`;
    case 'tls.established':
      return `${connLabel(ctx, event.conn)}: 🔒 ${event.version} ${event.cipher}, server name ${event.serverName}`;
    case 'dns.query':
      return `${event.server} ← ${event.from}: ${event.query.type} ${event.query.name}? (${event.purpose})`;
    case 'dns.answer': {
      const q = ctx.dnsQueries.get(event.id);
      const who = q ? `${q.server} → ${q.from}` : `answer #${event.id}`;
      return `${who}: ${formatAnswer(event.answer)}`;
    }
    case 'session.start':
      return `${event.session} ${event.protocol} ${event.role} session on ${event.host} (${event.conn}, ${event.machine})`;
    case 'session.state':
      return `${sessionLabel(ctx, event.session)} → ${event.state} (on ${event.event})`;
    case 'session.violation':
      return `⚠ ${sessionLabel(ctx, event.session)}: ${event.by === 'peer' ? 'peer broke' : 'broke'} ${event.rule}: ${event.message}`;
    case 'session.end':
      return `${sessionLabel(ctx, event.session)} session ended`;
    case 'agent':
      return `${event.host} ${event.agent}: ${event.action}${formatDetail(event.detail)}`;
    case 'dmarc.evaluated': {
      const e = event.evaluation;
      return `${event.host} dmarc: ${e.headerFrom} from ${e.sourceIp}: ${e.result}, disposition ${e.disposition} (counted in the aggregate report for ${e.policyDomain})`;
    }
    case 'note':
      return event.host ? `${event.host}: ${event.text}` : event.text;
  }
}

/** The most events the trace list renders; earlier ones are counted, not drawn. */
export const TRACE_WINDOW = 500;

/** The latest `limit` events and how many earlier ones are hidden, so a long trace never floods the DOM. */
export function traceWindow<T>(
  events: readonly T[],
  limit = TRACE_WINDOW,
): { hidden: number; shown: readonly T[] } {
  const hidden = Math.max(0, events.length - limit);
  return { hidden, shown: hidden > 0 ? events.slice(hidden) : events };
}
