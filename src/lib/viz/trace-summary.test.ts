import { describe, expect, it } from 'vitest';
import {
  latin1Bytes,
  type ConnId,
  type HostId,
  type Port,
  type SessionId,
  type TraceEvent,
  type TraceEventBody,
  type VirtualMs,
} from '../../../simulators/index.ts';
import { firstLine, indexTrace, summarize, traceWindow, visibleText } from './trace-summary.ts';

const h = (s: string) => s as HostId;
const c = (s: string) => s as ConnId;
const s = (x: string) => x as SessionId;
const p = (n: number) => n as Port;

let seq = 0;
const ev = (body: TraceEventBody, at = 0): TraceEvent =>
  ({ ...body, seq: seq++, at: at as VirtualMs }) as TraceEvent;

const connecting = ev({
  type: 'conn.connecting',
  conn: c('c1'),
  client: { host: h('alice-laptop'), address: '192.0.2.10', port: p(49152) },
  server: { host: h('smtp.example.com'), address: '192.0.2.25', port: p(587) },
});
const query = ev({
  type: 'dns.query',
  id: 3,
  from: h('bob-laptop'),
  server: h('ns'),
  query: { name: 'example.net', type: 'MX' },
  purpose: 'MX lookup for example.net',
});
const sessionStart = ev({
  type: 'session.start',
  session: s('s1'),
  conn: c('c1'),
  host: h('smtp.example.com'),
  protocol: 'smtp',
  role: 'server',
  machine: 'smtpServer',
});

/** One sample of every event type with its summary: the Record makes a missing type a compile error. */
const samples: Record<TraceEvent['type'], [TraceEvent, string]> = {
  'host.up': [ev({ type: 'host.up', host: h('ns') }), 'ns is up'],
  'host.down': [ev({ type: 'host.down', host: h('mx.example.net') }), 'mx.example.net is down'],
  'link.up': [ev({ type: 'link.up', a: h('mx.example.net'), b: h('ns') }), 'link mx.example.net — ns is up'],
  'link.down': [
    ev({ type: 'link.down', a: h('mx.example.net'), b: h('ns') }),
    'link mx.example.net — ns is down',
  ],
  'port.listen': [
    ev({ type: 'port.listen', host: h('mx.example.net'), port: p(25), service: 'smtp' }),
    'mx.example.net listens on port 25 (smtp)',
  ],
  'conn.connecting': [connecting, 'c1 alice-laptop → smtp.example.com 192.0.2.25:587: connecting (SYN)'],
  'conn.opened': [
    ev({ type: 'conn.opened', conn: c('c1') }),
    'c1 alice-laptop ⇄ smtp.example.com:587: connection open',
  ],
  'conn.failed': [
    ev({ type: 'conn.failed', conn: c('c1'), reason: 'refused' }),
    'c1 alice-laptop ⇄ smtp.example.com:587: connection refused (nothing listens on that port)',
  ],
  'conn.closed': [
    ev({ type: 'conn.closed', conn: c('c1'), by: 'client' }),
    'c1 alice-laptop ⇄ smtp.example.com:587: closed by the client',
  ],
  'conn.reset': [
    ev({ type: 'conn.reset', conn: c('c1'), by: 'network', reason: 'smtp.example.com went down' }),
    'c1 alice-laptop ⇄ smtp.example.com:587: reset by the network: smtp.example.com went down',
  ],
  bytes: [
    ev({
      type: 'bytes',
      conn: c('c1'),
      direction: 's2c',
      from: h('smtp.example.com'),
      bytes: latin1Bytes('250-smtp.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n'),
      encrypted: false,
      wireLength: 52,
    }),
    'smtp.example.com → alice-laptop: 250-smtp.example.com␍␊ (+2 more lines)',
  ],
  'tls.start': [
    ev({ type: 'tls.start', conn: c('c1'), by: 'client' }),
    'c1 alice-laptop ⇄ smtp.example.com:587: client starts TLS',
  ],
  'tls.handshake': [
    ev({
      type: 'tls.handshake',
      conn: c('c1'),
      direction: 'c2s',
      messages: ['ClientHello'],
      wireLength: 517,
    }),
    'alice-laptop → smtp.example.com: ClientHello (517 bytes)',
  ],
  'tls.established': [
    ev({
      type: 'tls.established',
      conn: c('c1'),
      version: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      serverName: 'smtp.example.com',
    }),
    'c1 alice-laptop ⇄ smtp.example.com:587: 🔒 TLSv1.3 TLS_AES_128_GCM_SHA256, server name smtp.example.com',
  ],
  'dns.query': [query, 'ns ← bob-laptop: MX example.net? (MX lookup for example.net)'],
  'dns.answer': [
    ev({
      type: 'dns.answer',
      id: 3,
      query: { name: 'example.net', type: 'MX' },
      answer: {
        rcode: 'NOERROR',
        answers: [
          {
            name: 'example.net',
            ttl: 3600,
            class: 'IN',
            type: 'MX',
            preference: 10,
            exchange: 'mx.example.net',
          },
        ],
      },
    }),
    'ns → bob-laptop: example.net. MX 10 mx.example.net.',
  ],
  'session.start': [sessionStart, 's1 smtp server session on smtp.example.com (c1, smtpServer)'],
  'session.state': [
    ev({
      type: 'session.state',
      session: s('s1'),
      state: 'mailTransaction.awaitingRecipients',
      event: 'cmd.MAIL',
    }),
    'smtp.example.com smtp server → mailTransaction.awaitingRecipients (on cmd.MAIL)',
  ],
  'session.violation': [
    ev({
      type: 'session.violation',
      session: s('s1'),
      by: 'peer',
      rule: 'RFC 5321 §4.1.4',
      message: 'RCPT before MAIL',
    }),
    '⚠ smtp.example.com smtp server: peer broke RFC 5321 §4.1.4: RCPT before MAIL',
  ],
  'session.end': [
    ev({ type: 'session.end', session: s('s1') }),
    'smtp.example.com smtp server session ended',
  ],
  agent: [
    ev({
      type: 'agent',
      host: h('smtp.example.com'),
      agent: 'mta',
      action: 'queued',
      detail: { id: 'q1', rcpt: ['bob@example.net'], attempts: 0 },
    }),
    'smtp.example.com mta: queued (id=q1, rcpt=bob@example.net, attempts=0)',
  ],
  'dmarc.evaluated': [
    ev({
      type: 'dmarc.evaluated',
      host: h('mx.example.net'),
      id: 'q1',
      evaluation: {
        mode: 'rfc9989',
        sourceIp: '203.0.113.66',
        headerFrom: 'example.com',
        envelopeFrom: 'phish.example',
        dkim: [],
        result: 'fail',
        spfAligned: false,
        dkimAligned: false,
        policy: 'quarantine',
        disposition: 'quarantine',
        reasons: [],
        policyDomain: 'example.com',
        record: 'v=DMARC1; p=quarantine; rua=mailto:r@example.com',
      },
    }),
    'mx.example.net dmarc: example.com from 203.0.113.66: fail, disposition quarantine (counted in the aggregate report for example.com)',
  ],
  note: [
    ev({ type: 'note', text: 'the MX is down for maintenance', host: h('mx.example.net') }),
    'mx.example.net: the MX is down for maintenance',
  ],
};

describe('summarize', () => {
  const context = indexTrace([connecting, query, sessionStart]);

  it('words every event type for a learner, naming hosts from earlier events', () => {
    const got = Object.fromEntries(
      Object.entries(samples).map(([type, [e]]) => [type, summarize(e, context)]),
    );
    const want = Object.fromEntries(Object.entries(samples).map(([type, [, text]]) => [type, text]));
    expect(got).toEqual(want);
  });

  it('falls back to ids when the earlier events are not known', () => {
    expect(
      [
        samples['conn.opened'][0],
        samples['dns.answer'][0],
        samples['session.end'][0],
        samples['tls.handshake'][0],
      ].map((e) => summarize(e)),
    ).toEqual([
      'c1: connection open',
      'answer #3: example.net. MX 10 mx.example.net.',
      's1 session ended',
      'client → server: ClientHello (517 bytes)',
    ]);
  });

  it('shows only the size of encrypted bytes, as an eavesdropper sees them', () => {
    const e = ev({
      type: 'bytes',
      conn: c('c1'),
      direction: 'c2s',
      from: h('alice-laptop'),
      bytes: latin1Bytes('AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n'),
      encrypted: true,
      wireLength: 123,
    });
    expect(summarize(e, context)).toBe('alice-laptop → smtp.example.com: 🔒 123 bytes');
  });

  it('writes a note without a host as its text', () => {
    expect(summarize(ev({ type: 'note', text: 'lesson starts' }))).toBe('lesson starts');
  });
});

describe('firstLine', () => {
  it('shows CR LF as ␍␊ and counts the lines after the first', () => {
    expect(firstLine(latin1Bytes('EHLO alice\r\n'))).toEqual({ text: 'EHLO alice␍␊', moreLines: 0 });
    expect(firstLine(latin1Bytes('a\r\nb\r\nc'))).toEqual({ text: 'a␍␊', moreLines: 2 });
  });

  it('cuts a long line at 120 characters', () => {
    const { text } = firstLine(latin1Bytes('x'.repeat(500)));
    expect(text).toBe(`${'x'.repeat(119)}…`);
  });

  it('makes other control characters visible', () => {
    expect(visibleText('a\tb\x00\x1b\x7f')).toBe('a␉b␀␛␡');
  });
});

describe('traceWindow', () => {
  it('keeps the latest events and counts the hidden ones', () => {
    const events = Array.from({ length: 1200 }, (_, i) => i);
    const { hidden, shown } = traceWindow(events, 500);
    expect({ hidden, first: shown[0], last: shown.at(-1), length: shown.length }).toEqual({
      hidden: 700,
      first: 700,
      last: 1199,
      length: 500,
    });
  });

  it('returns a short trace as it is', () => {
    const events = [1, 2, 3];
    expect(traceWindow(events, 500)).toEqual({ hidden: 0, shown: [1, 2, 3] });
  });

  it('slices 100 000 events without copying them all', () => {
    const events = Array.from({ length: 100_000 }, (_, i) => i);
    expect(traceWindow(events).shown.length).toBe(500);
  });
});
