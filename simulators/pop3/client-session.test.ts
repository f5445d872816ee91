/**
 * A POP3 client and server joined by bytes only: what one side transmits is
 * handed to the other's `receive` until both are quiet; STLS is simulated by
 * telling both sides the handshake is done once both asked for it (server
 * first). The transcript is RFC 1939 §10 style, `C:` / `S:` per wire line.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes, toHex, utf8Bytes } from '../core/bytes.ts';
import { md5 } from '../auth/md5.ts';
import type { EngineSession } from '../core/session.ts';
import { Scheduler } from '../net/scheduler.ts';
import type { MailStore } from '../store/mail-store.ts';
import { Pop3ClientSession, type Pop3ClientAppEvent, type Pop3ClientConfig } from './client-session.ts';
import { DEFAULT_POP3_SERVER_CONFIG, type Pop3ServerConfig } from './server-config.ts';
import { Pop3ServerSession } from './server-session.ts';
import { EPOCH, makeStore, MESSAGES, TEST_TLS } from './test-fixtures.ts';

const DAY = 86_400_000;

const CLIENT: Pop3ClientConfig = {
  username: 'bob@example.net',
  password: 'secret',
  tls: 'opportunistic',
  implicitTls: false,
  preferApop: false,
  mode: 'download-and-delete',
  replyTimeoutMs: 60_000,
};

/** Runs a client against a server over `store` until both are quiet. */
function pair(options: {
  client?: Partial<Pop3ClientConfig>;
  server?: Partial<Pop3ServerConfig>;
  store?: MailStore;
  sessionId?: string;
  implicitTls?: boolean;
}) {
  const clock = new Scheduler();
  const store = options.store ?? makeStore();
  const server = new Pop3ServerSession(
    {
      config: { ...DEFAULT_POP3_SERVER_CONFIG, hostname: 'pop.example.net', ...options.server },
      store,
      nonce: () => '1896.697170952',
      now: () => EPOCH + clock.now,
      sessionId: options.sessionId ?? 'pop-1',
    },
    clock,
  );
  const client = new Pop3ClientSession(
    { config: { ...CLIENT, ...options.client }, now: () => EPOCH + clock.now },
    clock,
  );
  const transcript: string[] = [];
  const events: Pop3ClientAppEvent[] = [];
  const wantsTls = { C: false, S: false };
  if (options.implicitTls) {
    server.handleTlsEstablished(TEST_TLS);
    client.handleTlsEstablished(TEST_TLS);
  }
  const sides: [EngineSession<unknown>, EngineSession<never>, 'C' | 'S'][] = [
    [server as EngineSession<unknown>, client as EngineSession<never>, 'S'],
    [client as EngineSession<unknown>, server as EngineSession<never>, 'C'],
  ];
  const drive = () => {
    for (let progress = true; progress;) {
      progress = false;
      for (const [from, to, side] of sides) {
        for (let out = from.poll(); out; out = from.poll()) {
          progress = true;
          if (out.kind === 'transmit') {
            const text = bytesToLatin1(out.bytes);
            for (const line of text.split('\r\n').slice(0, -1)) transcript.push(`${side}: ${line}`);
            to.receive(out.bytes);
          } else if (out.kind === 'startTls') wantsTls[side] = true;
          else if (out.kind === 'close') {
            transcript.push(`-- ${side} closes --`);
            to.receiveEnd();
          } else if (out.kind === 'event' && side === 'C') events.push(out.event as Pop3ClientAppEvent);
        }
      }
      if (wantsTls.C && wantsTls.S) {
        wantsTls.C = wantsTls.S = false;
        transcript.push('-- TLS established --');
        server.handleTlsEstablished(TEST_TLS);
        client.handleTlsEstablished(TEST_TLS);
        progress = true;
      }
    }
  };
  client.setWaker(drive);
  server.setWaker(drive);
  drive();
  return { clock, store, server, client, transcript, events, drive };
}

const inbox = (store: MailStore) => store.account('bob@example.net')!.inbox.messages.map((m) => m.uid);

describe('Pop3ClientSession with Pop3ServerSession', () => {
  it('downloads and deletes over STLS with AUTH PLAIN; deletions land at QUIT (RFC 1939 §6, RFC 2595, RFC 5034)', () => {
    const p = pair({});
    expect(p.transcript).toMatchInlineSnapshot(`
      [
        "S: +OK POP3 server ready <1896.697170952@pop.example.net>",
        "C: CAPA",
        "S: +OK Capability list follows",
        "S: TOP",
        "S: USER",
        "S: SASL PLAIN LOGIN CRAM-MD5",
        "S: RESP-CODES",
        "S: AUTH-RESP-CODE",
        "S: PIPELINING",
        "S: UIDL",
        "S: STLS",
        "S: IMPLEMENTATION Mailroom",
        "S: .",
        "C: STLS",
        "S: +OK Begin TLS negotiation",
        "-- TLS established --",
        "C: CAPA",
        "S: +OK Capability list follows",
        "S: TOP",
        "S: USER",
        "S: SASL PLAIN LOGIN CRAM-MD5",
        "S: RESP-CODES",
        "S: AUTH-RESP-CODE",
        "S: PIPELINING",
        "S: UIDL",
        "S: IMPLEMENTATION Mailroom",
        "S: .",
        "C: AUTH PLAIN AGJvYkBleGFtcGxlLm5ldABzZWNyZXQ=",
        "S: +OK maildrop has 3 messages (176 octets)",
        "C: LIST",
        "S: +OK 3 messages (176 octets)",
        "S: 1 69",
        "S: 2 67",
        "S: 3 40",
        "S: .",
        "C: UIDL",
        "S: +OK",
        "S: 1 1700000000.1",
        "S: 2 1700000000.2",
        "S: 3 1700000000.3",
        "S: .",
        "C: RETR 1",
        "S: +OK 69 octets",
        "S: From: alice@example.com",
        "S: Subject: one",
        "S: ",
        "S: Hello Bob.",
        "S: Line 2",
        "S: Line 3",
        "S: .",
        "C: DELE 1",
        "S: +OK message 1 deleted",
        "C: RETR 2",
        "S: +OK 67 octets",
        "S: From: carol@example.com",
        "S: Subject: two",
        "S: ",
        "S: ..dotted line",
        "S: ...two dots",
        "S: .",
        "C: DELE 2",
        "S: +OK message 2 deleted",
        "C: RETR 3",
        "S: +OK 40 octets",
        "S: From: dave@example.com",
        "S: Subject: three",
        "S: .",
        "C: DELE 3",
        "S: +OK message 3 deleted",
        "C: QUIT",
        "S: +OK POP3 server signing off (maildrop empty)",
        "-- S closes --",
        "-- C closes --",
      ]
    `);
    // Un-stuffed, the bytes are exactly what the store held.
    expect(p.events.filter((e) => e.type === 'message').map((e) => bytesToLatin1(e.bytes))).toEqual(MESSAGES);
    expect(p.events.filter((e) => e.type !== 'message')).toEqual([
      { type: 'deleted', uid: '1700000000.1' },
      { type: 'deleted', uid: '1700000000.2' },
      { type: 'deleted', uid: '1700000000.3' },
      { type: 'done', stats: { messages: 3, retrieved: 3, octets: 176, deleted: 3 } },
    ]);
    expect(inbox(p.store)).toEqual([]);
    expect(p.client.state).toBe('closed');
    expect(p.server.state).toBe('closed');
  });

  it('downloads only unknown UIDs and keeps them, deleting those kept longer than deleteAfterMs (RFC 1939 §7 UIDL)', () => {
    const p = pair({
      client: {
        mode: 'download-and-keep',
        known: new Set(['1700000000.1', '1700000000.2']),
        deleteAfterMs: 7 * DAY,
        downloadedAt: new Map([
          ['1700000000.1', EPOCH - 8 * DAY],
          ['1700000000.2', EPOCH - 1 * DAY],
        ]),
      },
    });
    const commands = p.transcript.filter((l) => l.startsWith('C: ') && !l.startsWith('C: AUTH'));
    expect(commands).toEqual([
      'C: CAPA',
      'C: STLS',
      'C: CAPA',
      'C: LIST',
      'C: UIDL',
      'C: RETR 3',
      'C: DELE 1',
      'C: QUIT',
    ]);
    expect(p.events).toEqual([
      { type: 'message', uid: '1700000000.3', bytes: latin1Bytes(MESSAGES[2]) },
      { type: 'deleted', uid: '1700000000.1' },
      { type: 'done', stats: { messages: 3, retrieved: 1, octets: 40, deleted: 1 } },
    ]);
    expect(inbox(p.store)).toEqual([2, 3]);
  });

  it('keeps everything without deleteAfterMs, and a second run downloads nothing new', () => {
    const store = makeStore();
    const first = pair({ store, client: { mode: 'download-and-keep', tls: 'none' } });
    const uids = first.events.flatMap((e) => (e.type === 'message' ? [e.uid] : []));
    expect(uids).toEqual(['1700000000.1', '1700000000.2', '1700000000.3']);
    const second = pair({
      store,
      sessionId: 'pop-2',
      client: { mode: 'download-and-keep', known: new Set(uids) },
    });
    expect(second.events).toEqual([
      { type: 'done', stats: { messages: 3, retrieved: 0, octets: 0, deleted: 0 } },
    ]);
    expect(inbox(store)).toEqual([1, 2, 3]);
  });

  it('uses APOP when preferred and SASL PLAIN is not offered (RFC 1939 §7)', () => {
    const p = pair({ server: { saslMechanisms: [] }, client: { preferApop: true, tls: 'none' } });
    const digest = toHex(md5(utf8Bytes('<1896.697170952@pop.example.net>secret')));
    expect(p.transcript).toContain(`C: APOP bob@example.net ${digest}`);
    expect(p.events.at(-1)).toEqual({
      type: 'done',
      stats: { messages: 3, retrieved: 3, octets: 176, deleted: 3 },
    });
  });

  it('falls back to USER/PASS, and over implicit TLS sends no STLS (RFC 1939 §7, RFC 8314 §3)', () => {
    const p = pair({
      server: { saslMechanisms: [] },
      client: { implicitTls: true, tls: 'required', mode: 'download-and-keep' },
      implicitTls: true,
    });
    const commands = p.transcript.filter((l) => l.startsWith('C: '));
    expect(commands.slice(0, 4)).toEqual(['C: CAPA', 'C: USER bob@example.net', 'C: PASS secret', 'C: LIST']);
    expect(p.events.at(-1)?.type).toBe('done');
  });

  it('fails permanently, sending no credentials, when TLS is required but STLS is not offered (RFC 2595 §4)', () => {
    const p = pair({ server: { offerStls: false }, client: { tls: 'required' } });
    expect(p.transcript.filter((l) => l.startsWith('C: '))).toEqual(['C: CAPA', 'C: QUIT']);
    expect(p.events).toEqual([
      { type: 'failed', reason: 'TLS is required but STLS is not offered', permanent: true },
    ]);
  });

  it('reports [AUTH] as permanent and [IN-USE] as transient (RFC 2449 §8.1.1, RFC 3206 §4)', () => {
    const bad = pair({ client: { password: 'wrong' } });
    expect(bad.events).toEqual([
      {
        type: 'failed',
        reason: 'authentication failed (-ERR [AUTH] Authentication failed.)',
        permanent: true,
      },
    ]);
    const store = makeStore();
    store.account('bob@example.net')!.maildropLock = 'someone-else';
    const busy = pair({ store });
    expect(busy.events).toEqual([
      {
        type: 'failed',
        reason: 'authentication failed (-ERR [IN-USE] Unable to lock maildrop: already in use.)',
        permanent: false,
      },
    ]);
    expect(inbox(store)).toEqual([1, 2, 3]);
  });

  it('reports a lost connection and the server deletes nothing (RFC 1939 §6)', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const server = new Pop3ServerSession(
      {
        config: { ...DEFAULT_POP3_SERVER_CONFIG, hostname: 'pop.example.net' },
        store,
        nonce: () => '1.2',
        now: () => EPOCH,
        sessionId: 'pop-1',
      },
      clock,
    );
    const client = new Pop3ClientSession({ config: { ...CLIENT, tls: 'none' }, now: () => EPOCH }, clock);
    const events: Pop3ClientAppEvent[] = [];
    // Deliver until the client has sent its first DELE, then cut the wire.
    let sentDele = false;
    for (let progress = true; progress && !sentDele;) {
      progress = false;
      for (let out = server.poll(); out; out = server.poll()) {
        if (out.kind !== 'transmit') continue;
        progress = true;
        client.receive(out.bytes);
      }
      for (let out = client.poll(); out; out = client.poll()) {
        if (out.kind === 'event') events.push(out.event);
        if (out.kind !== 'transmit') continue;
        progress = true;
        server.receive(out.bytes);
        if (bytesToLatin1(out.bytes).startsWith('DELE')) sentDele = true;
      }
    }
    server.receiveEnd();
    client.receiveEnd();
    for (let out = client.poll(); out; out = client.poll()) if (out.kind === 'event') events.push(out.event);
    expect(events.map((e) => e.type)).toEqual(['message', 'failed']);
    expect(events.at(-1)).toEqual({ type: 'failed', reason: 'connection lost', permanent: false });
    expect(inbox(store)).toEqual([1, 2, 3]);
    expect(store.account('bob@example.net')!.maildropLock).toBeUndefined();
  });

  it('times out on virtual time when the server goes silent', () => {
    const clock = new Scheduler();
    const client = new Pop3ClientSession({ config: CLIENT, now: () => EPOCH }, clock);
    client.receive(latin1Bytes('+OK hello\r\n'));
    const drained = () => {
      const out = [];
      for (let o = client.poll(); o; o = client.poll()) out.push(o);
      return out;
    };
    expect(drained().filter((o) => o.kind === 'transmit')).toHaveLength(1);
    clock.advance(59_999);
    expect(drained()).toEqual([]);
    clock.advance(1);
    expect(drained()).toEqual([
      {
        kind: 'event',
        event: { type: 'failed', reason: 'timed out waiting for a response', permanent: false },
      },
      { kind: 'close' },
      { kind: 'state', state: 'closed', event: 'timer.replyTimeout' },
    ]);
  });
});
