/**
 * The IMAP client against the real IMAP server, joined by bytes only (h11's
 * ConnectionPair): what one side transmits is handed to the other's
 * `receive` until both are quiet. STARTTLS is simulated by telling both
 * sides the handshake is done once both asked for it. Transcripts are
 * RFC 3501 §8 style, `C:` / `S:` per wire line.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import type { EngineSession, SessionOutput } from '../core/session.ts';
import { Scheduler } from '../net/scheduler.ts';
import type { MailStore } from '../store/mail-store.ts';
import {
  DEFAULT_IMAP_CLIENT_TIMING,
  ImapClientSession,
  type ImapClientAppEvent,
  type ImapClientConfig,
  type ImapOperation,
} from './client-session.ts';
import { DEFAULT_IMAP_SERVER_CONFIG, type ImapServerConfig } from './server-config.ts';
import { ImapServerSession } from './server-session.ts';
import { DATES, EPOCH, makeStore, MESSAGES, serverHarness, TEST_TLS } from './test-fixtures.ts';

const CLIENT: ImapClientConfig = {
  username: 'bob@example.net',
  password: 'secret',
  tls: 'opportunistic',
  implicitTls: false,
  ...DEFAULT_IMAP_CLIENT_TIMING,
};

/**
 * The server with some capabilities struck from what it says (a "fake"
 * server without MOVE or LITERAL+): the real engine behind, its CAPABILITY
 * lines edited on the way out.
 */
export function withoutCapabilities(
  server: ImapServerSession,
  names: readonly string[],
): EngineSession<unknown> {
  const strike = (line: string) =>
    /CAPABILITY/.test(line)
      ? names.reduce((l, n) => l.replace(new RegExp(` ${n.replace('+', '\\+')}(?= |\\])`, 'g'), ''), line)
      : line;
  return {
    machineId: server.machineId,
    receive: (bytes) => server.receive(bytes),
    receiveEnd: () => server.receiveEnd(),
    handleTlsEstablished: (info) => server.handleTlsEstablished(info),
    setWaker: (waker) => server.setWaker(waker),
    stop: () => server.stop(),
    poll(): SessionOutput<unknown> | undefined {
      const out = server.poll();
      if (out?.kind !== 'transmit') return out;
      const text = bytesToLatin1(out.bytes).split('\r\n').map(strike).join('\r\n');
      return { kind: 'transmit', bytes: latin1Bytes(text) };
    },
  };
}

/** Runs a client against a server over `store` until both are quiet. */
export function pair(
  options: {
    client?: Partial<ImapClientConfig>;
    server?: Partial<ImapServerConfig>;
    store?: MailStore;
    implicitTls?: boolean;
    strike?: readonly string[];
    /** Called before the first byte moves: queue operations that wait for the login. */
    before?: (client: ImapClientSession) => void;
  } = {},
) {
  const clock = new Scheduler();
  const store = options.store ?? makeStore();
  const server = new ImapServerSession(
    {
      config: { ...DEFAULT_IMAP_SERVER_CONFIG, hostname: 'imap.example.net', ...options.server },
      store,
      nonce: () => '1896.697170952',
      now: () => EPOCH + clock.now,
      ...(options.implicitTls === true ? { implicitTls: true } : {}),
    },
    clock,
  );
  const serverSide = options.strike ? withoutCapabilities(server, options.strike) : server;
  const client = new ImapClientSession(
    {
      config: {
        ...CLIENT,
        ...(options.implicitTls === true ? { implicitTls: true } : {}),
        ...options.client,
      },
    },
    clock,
  );
  const transcript: string[] = [];
  const events: ImapClientAppEvent[] = [];
  const violations: string[] = [];
  const wantsTls = { C: false, S: false };
  if (options.implicitTls) {
    server.handleTlsEstablished(TEST_TLS);
    client.handleTlsEstablished(TEST_TLS);
  }
  const sides: [EngineSession<unknown>, EngineSession<unknown>, 'C' | 'S'][] = [
    [serverSide, client as EngineSession<unknown>, 'S'],
    [client as EngineSession<unknown>, serverSide, 'C'],
  ];
  let driving = false;
  let linked = true;
  const drive = () => {
    if (driving || !linked) return;
    driving = true;
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
          } else if (out.kind === 'violation') violations.push(`${side} ${out.rule}`);
          else if (out.kind === 'event' && side === 'C') events.push(out.event as ImapClientAppEvent);
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
    driving = false;
  };
  client.setWaker(drive);
  serverSide.setWaker(drive);
  options.before?.(client);
  drive();
  /** The transcript since the last take. */
  let taken = 0;
  const take = () => transcript.slice(taken, (taken = transcript.length));
  let seen = 0;
  const newEvents = () => events.slice(seen, (seen = events.length));
  /** The wire goes dead: nothing moves between the two any more. */
  const cut = () => {
    linked = false;
  };
  return { clock, store, server, client, transcript, events, violations, take, newEvents, drive, cut };
}

const POST_AUTH =
  'IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE NAMESPACE CONDSTORE ESEARCH QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES ACL RIGHTS=texk COMPRESS=DEFLATE';

/** Event types, with the operation's kind for done/failed. */
const summary = (events: readonly ImapClientAppEvent[]) =>
  events.map((e) =>
    e.type === 'done'
      ? `done ${e.op.kind}`
      : e.type === 'failed'
        ? `failed ${e.op?.kind ?? 'session'}: ${e.reason}`
        : e.type,
  );

describe('ImapClientSession with ImapServerSession', () => {
  it('logs in over STARTTLS with AUTHENTICATE PLAIN and SASL-IR (RFC 3501 §6.2.1, RFC 4959)', () => {
    const p = pair();
    expect(p.take()).toEqual([
      'S: * OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE STARTTLS AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5] Mailroom IMAP ready.',
      'C: A001 STARTTLS',
      'S: A001 OK Begin TLS negotiation now.',
      '-- TLS established --',
      'C: A002 CAPABILITY',
      'S: * CAPABILITY IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5',
      'S: A002 OK Capability completed.',
      'C: A003 AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLm5ldABzZWNyZXQ=',
      `S: A003 OK [CAPABILITY ${POST_AUTH}] Logged in`,
    ]);
    expect(p.client.state).toBe('ready.waiting');
    expect(p.events).toEqual([]);
  });

  it('lists, selects and fetches the whole mailbox without setting \\Seen (RFC 3501 §6.3.8, §6.3.1, §6.4.5)', () => {
    const p = pair();
    p.take();
    const list = p.client.list();
    const select = p.client.select('INBOX');
    const fetch = p.client.fetchNew(0);
    const wire = p.take();
    expect(wire.filter((l) => l.startsWith('C:') || /^S: A\d+/.test(l))).toEqual([
      'C: A004 LIST "" *',
      'S: A004 OK List completed.',
      'C: A005 SELECT INBOX',
      'S: A005 OK [READ-WRITE] Select completed.',
      'C: A006 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])',
      'S: A006 OK UID Fetch completed.',
    ]);
    const events = p.newEvents();
    expect(summary(events)).toEqual([
      'mailboxes',
      'done list',
      'selected',
      'done select',
      'message',
      'message',
      'message',
      'done fetchNew',
    ]);
    expect(events[0]).toEqual({
      type: 'mailboxes',
      list: [
        { name: 'INBOX', delimiter: '/', attributes: ['\\HasNoChildren'] },
        { name: 'Archive', delimiter: '/', attributes: ['\\HasNoChildren', '\\Archive'] },
        { name: 'Drafts', delimiter: '/', attributes: ['\\HasNoChildren', '\\Drafts'] },
        { name: 'Junk', delimiter: '/', attributes: ['\\HasNoChildren', '\\Junk'] },
        { name: 'Sent', delimiter: '/', attributes: ['\\HasNoChildren', '\\Sent'] },
        { name: 'Trash', delimiter: '/', attributes: ['\\HasNoChildren', '\\Trash'] },
      ],
    });
    expect(events[1]).toEqual({ type: 'done', op: list });
    expect(events[2]).toEqual({
      type: 'selected',
      mailbox: 'INBOX',
      exists: 3,
      uidValidity: 1_700_000_000,
      uidNext: 4,
    });
    expect(events[3]).toEqual({ type: 'done', op: select });
    expect(events.slice(4, 7)).toEqual(
      MESSAGES.map((m, i) => ({
        type: 'message',
        uid: i + 1,
        flags: ['\\Recent'],
        internalDate: [1_793_520_000_000, 1_794_312_000_000, EPOCH][i],
        bytes: latin1Bytes(m),
      })),
    );
    expect(events[7]).toEqual({ type: 'done', op: fetch });
    // BODY.PEEK[] left \Seen alone (RFC 3501 §6.4.5).
    expect(p.store.account('bob@example.net')!.inbox.messages.map((m) => [...m.flags])).toEqual([[], [], []]);
    expect(p.client.state).toBe('selected.waiting');
  });

  it('fetches nothing when nothing is new, though n:* always names the last message (RFC 3501 §6.4.8)', () => {
    const p = pair();
    p.client.select('INBOX');
    p.take();
    p.newEvents();
    p.client.fetchNew(3);
    expect(p.take().filter((l) => /^(C|S: [*A])/.test(l))).toEqual([
      'C: A005 UID FETCH 4:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])',
      'S: * 3 FETCH (UID 3 FLAGS (\\Recent) INTERNALDATE "30-Nov-2026 00:53:20 +0000" RFC822.SIZE 435 BODY[] {435}',
      'S: A005 OK UID Fetch completed.',
    ]);
    // The old message is no `message`, only a flags update.
    expect(summary(p.newEvents())).toEqual(['flags', 'done fetchNew']);
  });

  it('fetches the list entries with ENVELOPE, then opens one with BODY[], which sets \\Seen (RFC 3501 §6.4.5, §7.4.2)', () => {
    const p = pair();
    p.client.select('INBOX');
    p.take();
    p.newEvents();
    const summaries = p.client.fetchSummaries(1);
    expect(p.take()).toEqual([
      'C: A005 UID FETCH 2:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)',
      'S: * 2 FETCH (UID 2 FLAGS (\\Recent) INTERNALDATE "10-Nov-2026 12:00:00 +0000" RFC822.SIZE 171 ENVELOPE ("Tue, 10 Nov 2026 12:00:00 +0000" "=?UTF-8?Q?caf=C3=A9?= plans" (("Carol" NIL "carol" "example.com")) (("Carol" NIL "carol" "example.com")) (("Carol" NIL "carol" "example.com")) ((NIL NIL "bob" "example.net")) ((NIL NIL "dave" "example.com")) NIL NIL NIL))',
      'S: * 3 FETCH (UID 3 FLAGS (\\Recent) INTERNALDATE "30-Nov-2026 00:53:20 +0000" RFC822.SIZE 435 ENVELOPE ("Mon, 30 Nov 2026 09:00:00 +0000" "nested" (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) ((NIL NIL "bob" "example.net")) NIL NIL NIL NIL))',
      'S: A005 OK UID Fetch completed.',
    ]);
    const carol = [{ name: 'Carol', mailbox: 'carol', host: 'example.com' }];
    expect(p.newEvents()).toEqual([
      {
        type: 'summary',
        seq: 2,
        uid: 2,
        flags: ['\\Recent'],
        internalDate: DATES[1],
        size: 171,
        envelope: {
          date: 'Tue, 10 Nov 2026 12:00:00 +0000',
          subject: '=?UTF-8?Q?caf=C3=A9?= plans',
          from: carol,
          sender: carol,
          replyTo: carol,
          to: [{ mailbox: 'bob', host: 'example.net' }],
          cc: [{ mailbox: 'dave', host: 'example.com' }],
          bcc: [],
        },
      },
      expect.objectContaining({ type: 'summary', seq: 3, uid: 3, size: 435 }),
      { type: 'done', op: summaries },
    ]);
    // Nothing was read yet; opening message 2 reads it.
    expect(p.store.account('bob@example.net')!.inbox.messages.map((m) => [...m.flags])).toEqual([[], [], []]);
    const open = p.client.fetchMessage(2);
    expect(p.take().filter((l) => /^(C|S: [*A])/.test(l))).toEqual([
      'C: A006 UID FETCH 2 (UID FLAGS BODY[])',
      'S: * 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) BODY[] {171}',
      'S: A006 OK UID Fetch completed.',
    ]);
    expect(p.newEvents()).toEqual([
      {
        type: 'message',
        uid: 2,
        flags: ['\\Seen', '\\Recent'],
        internalDate: 0,
        bytes: latin1Bytes(MESSAGES[1]),
      },
      { type: 'done', op: open },
    ]);
    expect(p.store.account('bob@example.net')!.inbox.messages.map((m) => [...m.flags])).toEqual([
      [],
      ['\\Seen'],
      [],
    ]);
  });

  it('stores flags, searches, moves and expunges, reporting what the server says (RFC 3501 §6.4, RFC 6851)', () => {
    const p = pair();
    p.client.select('INBOX');
    p.client.fetchNew(0);
    p.take();
    p.newEvents();
    p.client.setFlags([1, 2], '+FLAGS', ['\\Seen', '\\Flagged']);
    p.client.setFlags([1], '-FLAGS', ['\\Flagged']);
    p.client.search('FLAGGED OR FROM carol SUBJECT nested');
    p.client.move([2], 'Archive');
    p.client.setFlags([3], '+FLAGS', ['\\Deleted']);
    p.client.expunge();
    expect(p.take()).toEqual([
      'C: A006 UID STORE 1:2 +FLAGS (\\Seen \\Flagged)',
      'S: * 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged \\Recent))',
      'S: * 2 FETCH (UID 2 FLAGS (\\Seen \\Flagged \\Recent))',
      'S: A006 OK Store completed.',
      'C: A007 UID STORE 1 -FLAGS (\\Flagged)',
      'S: * 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))',
      'S: A007 OK Store completed.',
      'C: A008 UID SEARCH FLAGGED OR FROM carol SUBJECT nested',
      'S: * SEARCH 2',
      'S: A008 OK UID Search completed.',
      'C: A009 UID MOVE 2 Archive',
      'S: * OK [COPYUID 1700000005 2 1] Moved UIDs.',
      'S: * 2 EXPUNGE',
      'S: A009 OK Move completed.',
      'C: A010 UID STORE 3 +FLAGS (\\Deleted)',
      'S: * 2 FETCH (UID 3 FLAGS (\\Deleted \\Recent))',
      'S: A010 OK Store completed.',
      'C: A011 EXPUNGE',
      'S: * 2 EXPUNGE',
      'S: A011 OK Expunge completed.',
    ]);
    expect(p.newEvents().filter((e) => e.type !== 'done')).toEqual([
      { type: 'flags', seq: 1, uid: 1, flags: ['\\Seen', '\\Flagged', '\\Recent'] },
      { type: 'flags', seq: 2, uid: 2, flags: ['\\Seen', '\\Flagged', '\\Recent'] },
      { type: 'flags', seq: 1, uid: 1, flags: ['\\Seen', '\\Recent'] },
      { type: 'searched', uids: [2] },
      { type: 'expunge', seq: 2, uid: 2 },
      // Message 3 is now number 2 (RFC 3501 §7.4.1), and the client still knows its UID.
      { type: 'flags', seq: 2, uid: 3, flags: ['\\Deleted', '\\Recent'] },
      { type: 'expunge', seq: 2, uid: 3 },
    ]);
    const bob = p.store.account('bob@example.net')!;
    expect(bob.inbox.messages.map((m) => m.uid)).toEqual([1]);
    expect(bob.mailbox('Archive')!.messages).toHaveLength(1);
  });

  it('moves by COPY, STORE \\Deleted and UID EXPUNGE where MOVE is not offered (RFC 6851 §3.3, RFC 4315)', () => {
    const p = pair({ strike: ['MOVE'] });
    p.client.select('INBOX');
    p.client.fetchNew(2);
    p.take();
    p.newEvents();
    const move = p.client.move([1, 2], 'Archive');
    expect(p.take()).toEqual([
      'C: A006 UID COPY 1:2 Archive',
      'S: A006 OK [COPYUID 1700000005 1:2 1:2] Copy completed.',
      'C: A007 UID STORE 1:2 +FLAGS.SILENT (\\Deleted)',
      'S: A007 OK Store completed.',
      'C: A008 UID EXPUNGE 1:2',
      'S: * 2 EXPUNGE',
      'S: * 1 EXPUNGE',
      'S: A008 OK Expunge completed.',
    ]);
    // UID 3 was fetched as message 3; after two expunges it is message 1.
    expect(p.newEvents()).toEqual([
      { type: 'expunge', seq: 2 },
      { type: 'expunge', seq: 1 },
      { type: 'done', op: move },
    ]);
    p.client.setFlags([3], '+FLAGS', ['\\Seen']);
    expect(p.newEvents()[0]).toEqual({ type: 'flags', seq: 1, uid: 3, flags: ['\\Seen', '\\Recent'] });
  });

  it('sends a literal with LITERAL+ at once, and without it waits for the + (RFC 7888, RFC 3501 §7.5)', () => {
    const plus = pair();
    plus.client.select('INBOX');
    plus.take();
    plus.client.search('SUBJECT café');
    expect(plus.take()).toEqual([
      'C: A005 UID SEARCH CHARSET UTF-8 SUBJECT {5+}',
      'C: cafÃ©',
      'S: * SEARCH 2',
      'S: A005 OK UID Search completed.',
    ]);
    const sync = pair({ strike: ['LITERAL+'] });
    sync.client.select('INBOX');
    sync.take();
    sync.client.search('SUBJECT café');
    expect(sync.take()).toEqual([
      'C: A005 UID SEARCH CHARSET UTF-8 SUBJECT {5}',
      'S: + OK',
      'C: cafÃ©',
      'S: * SEARCH 2',
      'S: A005 OK UID Search completed.',
    ]);
    expect(summary(sync.newEvents()).slice(-2)).toEqual(['searched', 'done search']);
  });

  it('logs in with LOGIN when AUTH=PLAIN is not offered, a password literal included (RFC 3501 §6.2.3)', () => {
    const store = makeStore();
    store.createAccount('dave@example.net', 'pässword');
    const p = pair({
      store,
      strike: ['AUTH=PLAIN', 'LITERAL+'],
      client: { username: 'dave@example.net', password: 'pässword', tls: 'none' },
    });
    expect(p.take()).toEqual([
      'S: * OK [CAPABILITY IMAP4rev1 SASL-IR ID ENABLE IDLE STARTTLS AUTH=LOGIN AUTH=CRAM-MD5] Mailroom IMAP ready.',
      'C: A001 LOGIN dave@example.net {9}',
      'S: + OK',
      'C: pÃ¤ssword',
      `S: A001 OK [CAPABILITY ${POST_AUTH.replace(' LITERAL+', '')}] Logged in`,
    ]);
    expect(p.client.state).toBe('ready.waiting');
  });

  it('respects LOGINDISABLED: no credentials in the clear (RFC 3501 §6.2.3)', () => {
    const p = pair({ server: { allowPlaintextLogin: false, offerStartTls: false }, client: { tls: 'none' } });
    expect(p.take()).toEqual([
      'S: * OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE LOGINDISABLED AUTH=CRAM-MD5] Mailroom IMAP ready.',
      'C: A001 LOGOUT',
      'S: * BYE Logging out',
      'S: A001 OK Logout completed.',
      '-- S closes --',
      '-- C closes --',
    ]);
    expect(summary(p.events)).toEqual([
      'failed session: the server refuses LOGIN without TLS (LOGINDISABLED) and offers no usable mechanism',
    ]);
  });

  it('refuses to log in without TLS when TLS is required and STARTTLS is not offered (RFC 8314 §4)', () => {
    let select: ImapOperation | undefined;
    const p = pair({
      server: { offerStartTls: false },
      client: { tls: 'required' },
      before: (client) => (select = client.select('INBOX')),
    });
    expect(p.take().filter((l) => l.startsWith('C:'))).toEqual(['C: A001 LOGOUT']);
    expect(p.events).toEqual([
      {
        type: 'failed',
        reason: 'TLS is required but the server does not offer STARTTLS',
        permanent: true,
      },
      {
        type: 'failed',
        op: select,
        reason: 'TLS is required but the server does not offer STARTTLS',
        permanent: true,
      },
    ]);
  });

  it('reports a wrong password with the server text, and fails what was queued (RFC 5530)', () => {
    let list: ImapOperation | undefined;
    const p = pair({ client: { password: 'wrong' }, before: (client) => (list = client.list()) });
    expect(p.events).toEqual([
      {
        type: 'failed',
        reason: 'authentication failed (NO [AUTHENTICATIONFAILED] Authentication failed.)',
        permanent: true,
      },
      {
        type: 'failed',
        op: list,
        reason: 'authentication failed (NO [AUTHENTICATIONFAILED] Authentication failed.)',
        permanent: true,
      },
    ]);
    expect(p.client.state).toBe('closed');
  });

  it('speaks TLS from the first byte on port 993, without STARTTLS (RFC 8314 §3)', () => {
    const p = pair({ implicitTls: true });
    expect(p.take().filter((l) => l.startsWith('C:'))).toEqual([
      'C: A001 AUTHENTICATE PLAIN AGJvYkBleGFtcGxlLm5ldABzZWNyZXQ=',
    ]);
    expect(p.client.state).toBe('ready.waiting');
  });

  it('reports every tagged NO and BAD, and refuses mailbox operations with none selected (RFC 3501 §6.3.1)', () => {
    const p = pair();
    p.take();
    const nowhere = p.client.select('Nowhere');
    const fetch = p.client.fetchNew(0);
    p.client.select('INBOX');
    const bad = p.client.move([1], 'Nowhere');
    expect(p.take().filter((l) => /^(C|S: A)/.test(l))).toEqual([
      'C: A004 SELECT Nowhere',
      "S: A004 NO [NONEXISTENT] Mailbox doesn't exist: Nowhere",
      'C: A005 SELECT INBOX',
      'S: A005 OK [READ-WRITE] Select completed.',
      'C: A006 UID MOVE 1 Nowhere',
      "S: A006 NO [TRYCREATE] Mailbox doesn't exist: Nowhere",
    ]);
    expect(p.events.filter((e) => e.type === 'failed')).toEqual([
      {
        type: 'failed',
        op: nowhere,
        reason: "SELECT refused (NO [NONEXISTENT] Mailbox doesn't exist: Nowhere)",
        permanent: true,
      },
      { type: 'failed', op: fetch, reason: 'no mailbox is selected', permanent: true },
      {
        type: 'failed',
        op: bad,
        reason: "UID MOVE refused (NO [TRYCREATE] Mailbox doesn't exist: Nowhere)",
        permanent: true,
      },
    ]);
    p.newEvents();
    // The client passes on what its owner gave; a flag that is no atom earns a BAD.
    const bogus = p.client.setFlags([1], '+FLAGS', ['x(y']);
    expect(p.take().filter((l) => /^(C|S: A)/.test(l))).toEqual([
      'C: A007 UID STORE 1 +FLAGS (x(y)',
      expect.stringMatching(/^S: A007 BAD /),
    ]);
    expect(p.newEvents()).toEqual([
      {
        type: 'failed',
        op: bogus,
        reason: expect.stringMatching(/^UID STORE refused \(BAD /),
        permanent: true,
      },
    ]);
    // Operations that cannot be written never reach the server.
    p.client.search('NOSUCHKEY');
    p.client.setFlags([], '+FLAGS', ['\\Seen']);
    expect(p.take()).toEqual([]);
    expect(summary(p.newEvents())).toEqual([
      "failed search: cannot read the criteria: Unknown search key 'NOSUCHKEY'",
      'failed setFlags: no valid UIDs given',
    ]);
  });

  it('idles, hears EXISTS when another session appends, and fetches after DONE (RFC 2177)', () => {
    const p = pair();
    p.client.select('INBOX');
    p.client.fetchNew(0);
    p.take();
    p.newEvents();
    const idle = p.client.idle();
    expect(p.take()).toEqual(['C: A006 IDLE', 'S: + idling']);
    expect(p.client.state).toBe('idling.listening');
    // Carol's session (or a delivery) appends to bob's INBOX.
    const other = serverHarness(p.clock, { store: p.store });
    other.login();
    other.say('X1 SELECT INBOX\r\nX2 APPEND INBOX {7+}\r\nHi Bob\n\r\n');
    expect(p.take()).toEqual(['S: * 4 EXISTS', 'S: * 4 RECENT']);
    expect(p.newEvents()).toEqual([{ type: 'exists', count: 4 }]);
    // Another operation ends IDLE first (RFC 2177 §3), then runs.
    p.client.fetchNew(3);
    expect(p.take().filter((l) => /^(C|S: A)/.test(l))).toEqual([
      'C: DONE',
      'S: A006 OK Idle completed.',
      'C: A007 UID FETCH 4:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])',
      'S: A007 OK UID Fetch completed.',
    ]);
    expect(summary(p.newEvents())).toEqual(['done idle', 'message', 'done fetchNew']);
    expect(p.events.find((e) => e.type === 'done' && e.op === idle)).toBeDefined();
    // And stopIdle ends it when asked.
    p.client.idle();
    p.client.stopIdle();
    expect(p.take()).toEqual(['C: A008 IDLE', 'S: + idling', 'C: DONE', 'S: A008 OK Idle completed.']);
    expect(summary(p.newEvents())).toEqual(['done idle']);
  });

  it('renews IDLE before the server would log it out (RFC 2177 §3)', () => {
    const p = pair();
    p.client.select('INBOX');
    p.client.idle();
    p.take();
    p.clock.runFor(29 * 60_000);
    expect(p.take()).toEqual(['C: DONE', 'S: A005 OK Idle completed.', 'C: A006 IDLE', 'S: + idling']);
    p.clock.runFor(29 * 60_000);
    expect(p.take()).toEqual(['C: DONE', 'S: A006 OK Idle completed.', 'C: A007 IDLE', 'S: + idling']);
    expect(p.server.state).toBe('selected.idling');
    expect(p.events.filter((e) => e.type === 'done' && e.op.kind === 'idle')).toEqual([]);
  });

  it('logs out after what was queued and refuses what comes after (RFC 3501 §6.1.3)', () => {
    const p = pair();
    p.take();
    const list = p.client.list();
    const logout = p.client.logout();
    const late = p.client.list();
    expect(p.take()).toContain('C: A005 LOGOUT');
    expect(p.events.filter((e) => e.type === 'done' || e.type === 'failed')).toEqual([
      { type: 'done', op: list },
      { type: 'done', op: logout },
      { type: 'failed', op: late, reason: 'the session is closed', permanent: false },
    ]);
    expect(p.client.state).toBe('closed');
  });

  it('fails every pending operation once when the connection drops (RFC 3501 §7.1.5)', () => {
    const p = pair();
    p.client.select('INBOX');
    const idle = p.client.idle();
    p.cut();
    const list = p.client.list();
    const logout = p.client.logout();
    p.client.receiveEnd();
    const events: ImapClientAppEvent[] = [];
    for (let out = p.client.poll(); out; out = p.client.poll())
      if (out.kind === 'event') events.push(out.event);
    expect(events).toEqual([
      { type: 'failed', reason: 'connection lost', permanent: false },
      { type: 'failed', op: idle, reason: 'connection lost', permanent: false },
      { type: 'failed', op: list, reason: 'connection lost', permanent: false },
      { type: 'failed', op: logout, reason: 'connection lost', permanent: false },
    ]);
    expect(p.client.state).toBe('closed');
  });

  it('gives up after replyTimeoutMs of silence', () => {
    const clock = new Scheduler();
    const client = new ImapClientSession({ config: CLIENT }, clock);
    const op = client.list();
    clock.runFor(60_000);
    const outs = [
      ...(function* () {
        for (let o = client.poll(); o; o = client.poll()) yield o;
      })(),
    ];
    expect(outs.filter((o) => o.kind === 'event' || o.kind === 'close')).toEqual([
      {
        kind: 'event',
        event: { type: 'failed', reason: 'timed out waiting for the server', permanent: false },
      },
      {
        kind: 'event',
        event: { type: 'failed', op, reason: 'timed out waiting for the server', permanent: false },
      },
      { kind: 'close' },
    ]);
  });
});
