/**
 * The IMAP server session in the selected state: FETCH, SEARCH, STORE,
 * EXPUNGE, COPY/MOVE and their UID forms, and what a second session on the
 * same store sees (RFC 3501 §6.4, §7.4.1; RFC 2177 IDLE; RFC 4315; RFC 6851).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { latin1Bytes } from '../core/bytes.ts';
import { makeStore, serverHarness } from './test-fixtures.ts';

function selected(verb = 'SELECT') {
  const clock = new Scheduler();
  const s = serverHarness(clock);
  s.select('INBOX', verb);
  return s;
}

describe('ImapServerSession: FETCH (RFC 3501 §6.4.5)', () => {
  it('returns FLAGS, UID, INTERNALDATE, RFC822.SIZE and ENVELOPE', () => {
    const s = selected();
    expect(s.say('a1 FETCH 1 (FLAGS UID INTERNALDATE RFC822.SIZE ENVELOPE)\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Recent) UID 1 INTERNALDATE "01-Nov-2026 08:00:00 +0000" RFC822.SIZE 122 ENVELOPE ("Sun, 1 Nov 2026 08:00:00 +0000" "hello" (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) ((NIL NIL "bob" "example.net")) NIL NIL NIL NIL))',
      'a1 OK Fetch completed.',
    ]);
  });

  it('expands the FAST macro and always includes UID in UID FETCH (RFC 3501 §6.4.8)', () => {
    const s = selected();
    expect(s.say('a1 UID FETCH 2:* FAST\r\n')).toEqual([
      '* 2 FETCH (UID 2 FLAGS (\\Recent) INTERNALDATE "10-Nov-2026 12:00:00 +0000" RFC822.SIZE 171)',
      '* 3 FETCH (UID 3 FLAGS (\\Recent) INTERNALDATE "30-Nov-2026 00:53:20 +0000" RFC822.SIZE 435)',
      'a1 OK UID Fetch completed.',
    ]);
  });

  it('returns BODY[1.2]<0.10> of a nested multipart and the BODYSTRUCTURE (RFC 3501 §6.4.5, §7.4.2)', () => {
    const s = selected();
    expect(s.say('a1 FETCH 3 (BODY.PEEK[1.2]<0.10> BODYSTRUCTURE)\r\n')).toEqual([
      '* 3 FETCH (BODY[1.2]<0> {10}',
      '<p>0123456 BODYSTRUCTURE ((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 17 0 NIL NIL NIL NIL)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 23 0 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 11 0 NIL NIL NIL NIL) "mixed" ("boundary" "outer") NIL NIL NIL))',
      'a1 OK Fetch completed.',
    ]);
  });

  it('sets \\Seen with BODY[] and reports FLAGS, but not with BODY.PEEK[] or RFC822.HEADER', () => {
    const s = selected();
    expect(s.say('a1 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n')).toEqual([
      '* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {18}',
      'Subject: hello',
      '',
      ')',
      'a1 OK Fetch completed.',
    ]);
    expect(s.say('a2 FETCH 1 (RFC822.HEADER)\r\n')[0]).toBe('* 1 FETCH (RFC822.HEADER {110}');
    expect(s.say('a3 FETCH 1 FLAGS\r\n')).toEqual(['* 1 FETCH (FLAGS (\\Recent))', 'a3 OK Fetch completed.']);
    expect(s.say('a4 FETCH 1 BODY[TEXT]\r\n')).toEqual([
      '* 1 FETCH (BODY[TEXT] {12}',
      'Hello Bob.',
      ' FLAGS (\\Seen \\Recent))',
      'a4 OK Fetch completed.',
    ]);
    expect([...s.store.account('bob@example.net')!.inbox.byUid(1)!.flags]).toEqual(['\\Seen']);
  });

  it('answers NIL for a missing part and BAD for a sequence number beyond the count (RFC 9051 §7.1.5)', () => {
    const s = selected();
    expect(s.say('a1 FETCH 1 BODY.PEEK[4]\r\n')).toEqual([
      '* 1 FETCH (BODY[4] NIL)',
      'a1 OK Fetch completed.',
    ]);
    expect(s.say('a2 FETCH 9 FLAGS\r\n')).toEqual(['a2 BAD Invalid messageset']);
    expect(s.say('a3 UID FETCH 9 FLAGS\r\n')).toEqual(['a3 OK UID Fetch completed.']);
  });
});

describe('ImapServerSession: SEARCH (RFC 3501 §6.4.4)', () => {
  it('evaluates flags, OR, NOT, UID sets and dates', () => {
    const s = selected();
    s.say('a0 STORE 2 +FLAGS (\\Flagged)\r\n');
    expect(s.say('a1 SEARCH FLAGGED\r\n')).toEqual(['* SEARCH 2', 'a1 OK Search completed.']);
    expect(s.say('a2 SEARCH OR FROM carol SUBJECT nested\r\n')).toEqual([
      '* SEARCH 2 3',
      'a2 OK Search completed.',
    ]);
    expect(s.say('a3 SEARCH NOT FROM alice\r\n')).toEqual(['* SEARCH 2', 'a3 OK Search completed.']);
    expect(s.say('a4 UID SEARCH UID 2:* SINCE 10-Nov-2026\r\n')).toEqual([
      '* SEARCH 2 3',
      'a4 OK UID Search completed.',
    ]);
    expect(s.say('a5 SEARCH BEFORE 10-Nov-2026\r\n')).toEqual(['* SEARCH 1', 'a5 OK Search completed.']);
    expect(s.say('a6 SEARCH SENTON 30-Nov-2026 LARGER 200\r\n')).toEqual([
      '* SEARCH 3',
      'a6 OK Search completed.',
    ]);
    expect(s.say('a7 SEARCH 2:3 UNFLAGGED\r\n')).toEqual(['* SEARCH 3', 'a7 OK Search completed.']);
    expect(s.say('a8 SEARCH KEYWORD $Work\r\n')).toEqual(['* SEARCH', 'a8 OK Search completed.']);
  });

  it('matches decoded encoded words, bodies and headers case-insensitively', () => {
    const s = selected();
    expect(s.say('a1 SEARCH CHARSET UTF-8 SUBJECT {5}\r\n')).toEqual(['+ OK']);
    s.session.receive(new Uint8Array([0x43, 0x41, 0x46, 0xc3, 0x89, 0x0d, 0x0a]));
    expect(s.take()).toEqual(['* SEARCH 2', 'a1 OK Search completed.']);
    expect(s.say('a2 SEARCH BODY "ALTERNATIVE"\r\n')).toEqual(['* SEARCH 3', 'a2 OK Search completed.']);
    expect(s.say('a3 SEARCH TEXT "example.com"\r\n')).toEqual(['* SEARCH 1 2 3', 'a3 OK Search completed.']);
    expect(s.say('a4 SEARCH HEADER CC ""\r\n')).toEqual(['* SEARCH 2', 'a4 OK Search completed.']);
  });

  it('searches FROM, TO, CC and BCC in the addresses as ENVELOPE holds them, not the raw field', () => {
    const store = makeStore([
      'From: <user-from (comment)@ (comment) domain.org>\r\nTo: team: ann@x.org, =?utf-8?q?J=C3=B6rg?= <joerg@x.org>;\r\n\r\nx\r\n',
      'From: user-from@domain.org (Real Name)\r\nCc: "Carol C." <carol@y.org>\r\n\r\ny\r\n',
    ]);
    const s = serverHarness(new Scheduler(), { store });
    s.select();
    expect(s.say('a1 SEARCH FROM user-from@domain.org\r\n')[0]).toBe('* SEARCH 1 2');
    expect(s.say('a2 SEARCH FROM comment\r\n')[0]).toBe('* SEARCH'); // a comment is not in the envelope
    expect(s.say('a3 SEARCH FROM "real name"\r\n')[0]).toBe('* SEARCH 2'); // …unless it names the address
    expect(s.say('a4 SEARCH TO "team: ann"\r\n')[0]).toBe('* SEARCH 1');
    const needle = new TextEncoder().encode('jörg <joerg@');
    expect(s.say(`a5 SEARCH CHARSET UTF-8 TO {${needle.length}}\r\n`)).toEqual(['+ OK']);
    s.session.receive(Uint8Array.from([...needle, 0x0d, 0x0a]));
    expect(s.take()[0]).toBe('* SEARCH 1');
    expect(s.say('a6 SEARCH CC "carol c. <carol@y.org>"\r\n')[0]).toBe('* SEARCH 2');
  });

  it('refuses an unknown charset with BADCHARSET (RFC 3501 §6.4.4)', () => {
    const s = selected();
    expect(s.say('a1 SEARCH CHARSET KOI8-R ALL\r\n')).toEqual([
      'a1 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI8-R',
    ]);
  });
});

describe('ImapServerSession: STORE, EXPUNGE, CLOSE (RFC 3501 §6.4.2–6)', () => {
  it('stores flags with untagged FETCH, UID in UID STORE, and nothing with .SILENT', () => {
    const s = selected();
    expect(s.say('a1 STORE 1:2 +FLAGS (\\Seen)\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Seen \\Recent))',
      '* 2 FETCH (FLAGS (\\Seen \\Recent))',
      'a1 OK Store completed.',
    ]);
    expect(s.say('a2 UID STORE 2 -FLAGS (\\Seen)\r\n')).toEqual([
      '* 2 FETCH (UID 2 FLAGS (\\Recent))',
      'a2 OK Store completed.',
    ]);
    expect(s.say('a3 STORE 3 FLAGS.SILENT (\\Flagged $Later)\r\n')).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] Flags permitted.',
      'a3 OK Store completed.',
    ]);
    expect(s.say('a4 FETCH 3 FLAGS\r\n')).toEqual([
      '* 3 FETCH (FLAGS (\\Flagged $Later \\Recent))',
      'a4 OK Fetch completed.',
    ]);
  });

  it('expunges \\Deleted messages, highest sequence number first (RFC 3501 §7.4.1)', () => {
    const s = selected();
    s.say('a1 STORE 1,3 +FLAGS.SILENT (\\Deleted)\r\n');
    expect(s.say('a2 EXPUNGE\r\n')).toEqual(['* 3 EXPUNGE', '* 1 EXPUNGE', 'a2 OK Expunge completed.']);
    expect(s.say('a3 FETCH 1 UID\r\n')).toEqual(['* 1 FETCH (UID 2)', 'a3 OK Fetch completed.']);
  });

  it('expunges only the given UIDs with UID EXPUNGE (RFC 4315 §2.1)', () => {
    const s = selected();
    s.say('a1 STORE 1:3 +FLAGS.SILENT (\\Deleted)\r\n');
    expect(s.say('a2 UID EXPUNGE 2\r\n')).toEqual(['* 2 EXPUNGE', 'a2 OK Expunge completed.']);
  });

  it('expunges silently on CLOSE, not on UNSELECT (RFC 3501 §6.4.2, RFC 3691)', () => {
    const s = selected();
    s.say('a1 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n');
    expect(s.say('a2 UNSELECT\r\n')).toEqual(['a2 OK Unselect completed.']);
    expect(s.store.account('bob@example.net')!.inbox.messages).toHaveLength(3);
    s.say('a3 SELECT INBOX\r\n');
    expect(s.say('a4 CLOSE\r\n')).toEqual(['a4 OK Close completed.']);
    expect(s.session.state).toBe('authenticated.ready');
    expect(s.store.account('bob@example.net')!.inbox.messages.map((m) => m.uid)).toEqual([2, 3]);
  });
});

describe('ImapServerSession: COPY and MOVE (RFC 3501 §6.4.7, RFC 6851, RFC 4315)', () => {
  it('copies with COPYUID, and TRYCREATE for a missing mailbox', () => {
    const s = selected();
    expect(s.say('a1 COPY 2:3 Archive\r\n')).toEqual(['a1 OK [COPYUID 1700000005 2:3 1:2] Copy completed.']);
    expect(s.say('a2 COPY 1 Nope\r\n')).toEqual(["a2 NO [TRYCREATE] Mailbox doesn't exist: Nope"]);
  });

  it('moves: untagged OK [COPYUID], then EXPUNGEs, then the tagged OK (RFC 6851 §4.3)', () => {
    const s = selected();
    expect(s.say('a1 UID MOVE 1,3 Trash\r\n')).toEqual([
      '* OK [COPYUID 1700000004 1,3 1:2] Moved UIDs.',
      '* 3 EXPUNGE',
      '* 1 EXPUNGE',
      'a1 OK Move completed.',
    ]);
    const trash = s.store.account('bob@example.net')!.mailbox('Trash')!;
    expect(trash.messages.map((m) => m.uid)).toEqual([1, 2]);
  });
});

describe('ImapServerSession: two sessions on one store (RFC 3501 §5.2, §7.4.1)', () => {
  it('shows another session its EXPUNGE renumbering at NOOP, never during FETCH', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const a = serverHarness(clock, { store });
    const b = serverHarness(clock, { store });
    a.select();
    expect(b.select()).toContain('* 0 RECENT');
    a.say('a1 STORE 1:2 +FLAGS.SILENT (\\Deleted)\r\n');
    a.say('a2 EXPUNGE\r\n');
    // B's sequence numbers stay valid during FETCH: message 1 is still readable.
    expect(b.say('b1 FETCH 1:3 UID\r\n')).toEqual([
      '* 1 FETCH (UID 1)',
      '* 2 FETCH (UID 2)',
      '* 3 FETCH (UID 3)',
      '* 1 FETCH (FLAGS (\\Deleted))',
      '* 2 FETCH (FLAGS (\\Deleted))',
      'b1 OK Fetch completed.',
    ]);
    expect(b.say('b2 NOOP\r\n')).toEqual(['* 2 EXPUNGE', '* 1 EXPUNGE', 'b2 OK NOOP completed.']);
    expect(b.say('b3 FETCH 1 UID\r\n')).toEqual(['* 1 FETCH (UID 3)', 'b3 OK Fetch completed.']);
  });

  it('reports a new message as EXISTS and RECENT, and flag changes by others as FETCH (RFC 3501 §7.3.1)', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const a = serverHarness(clock, { store });
    const b = serverHarness(clock, { store });
    a.select();
    b.login();
    expect(b.say('b1 APPEND INBOX (\\Flagged) {2+}\r\nhi\r\n')).toEqual([
      'b1 OK [APPENDUID 1700000000 4] Append completed.',
    ]);
    b.say('b2 SELECT INBOX\r\n');
    b.say('b3 STORE 1 +FLAGS.SILENT (\\Answered)\r\n');
    expect(a.say('a1 NOOP\r\n')).toEqual([
      '* 4 EXISTS',
      // B selected after its APPEND and took message 4's \Recent (RFC 3501 §2.3.2).
      '* 3 RECENT',
      '* 1 FETCH (FLAGS (\\Answered \\Recent))',
      'a1 OK NOOP completed.',
    ]);
  });

  it('pushes EXISTS to an idling session at once, and ends IDLE on DONE (RFC 2177)', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const a = serverHarness(clock, { store });
    a.select();
    expect(a.say('i1 IDLE\r\n')).toEqual(['+ idling']);
    expect(a.session.state).toBe('selected.idling');
    const wakes = a.wakes;
    store
      .account('bob@example.net')!
      .inbox.append(latin1Bytes('Subject: new\r\n\r\nx\r\n'), { internalDate: 0 });
    expect(a.wakes).toBeGreaterThan(wakes);
    expect(a.take()).toEqual(['* 4 EXISTS', '* 4 RECENT']);
    expect(a.say('DONE\r\n')).toEqual(['i1 OK Idle completed.']);
    expect(a.session.state).toBe('selected.ready');
    expect(a.say('i2 IDLE\r\n')).toEqual(['+ idling']);
    expect(a.say('NOPE\r\n')).toEqual(['i2 BAD Expected DONE.']);
    expect(a.violations).toEqual(['RFC 2177 §3']);
  });
});

describe('ImapServerSession: autologout (RFC 3501 §5.4)', () => {
  it('says BYE and closes after 30 minutes of virtual silence', () => {
    const clock = new Scheduler();
    const s = serverHarness(clock);
    s.login();
    clock.advance(29 * 60_000);
    s.say('a1 NOOP\r\n');
    clock.advance(29 * 60_000);
    expect(s.take()).toEqual([]);
    clock.advance(60_001);
    expect(s.take()).toEqual(['* BYE Autologout; idle for too long']);
    expect(s.session.state).toBe('logout');
    expect(s.kinds.slice(-2)).toEqual(['close', 'state']);
    expect(s.states.at(-1)).toBe('logout <- timer.idleTimeout');
  });
});
