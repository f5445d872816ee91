/**
 * CONDSTORE (RFC 7162 §3.1) and ESEARCH (RFC 4731) on the server session:
 * mod-sequences in FETCH, STORE, SEARCH, SELECT and STATUS, the enabling
 * commands, and a conditional STORE that loses a race with another session.
 *
 * Bob's INBOX starts with three messages whose mod-sequences are 2, 3 and 4
 * (the mailbox starts at 1 and every append raises it).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { makeStore, serverHarness } from './test-fixtures.ts';

function selected(verb = 'SELECT') {
  const s = serverHarness(new Scheduler());
  s.select('INBOX', verb);
  return s;
}

describe('ImapServerSession: CONDSTORE mod-sequences (RFC 7162 §3.1)', () => {
  it('reports HIGHESTMODSEQ on SELECT (CONDSTORE) and MODSEQ in STORE responses from then on (§3.1.2.1, §3.1.8)', () => {
    const s = serverHarness(new Scheduler());
    s.login();
    expect(s.say('a1 SELECT INBOX (CONDSTORE)\r\n')).toContain('* OK [HIGHESTMODSEQ 4] Highest');
    expect(s.say('a2 STORE 2 +FLAGS (\\Seen)\r\n')).toEqual([
      '* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (5))',
      'a2 OK Store completed.',
    ]);
    // RFC 7162 §3.1.3: .SILENT still reports the new mod-sequence to a CONDSTORE client.
    expect(s.say('a3 STORE 3 +FLAGS.SILENT (\\Flagged)\r\n')).toEqual([
      '* 3 FETCH (UID 3 MODSEQ (6))',
      'a3 OK Store completed.',
    ]);
    expect(s.say('a4 STATUS INBOX (HIGHESTMODSEQ MESSAGES)\r\n')).toEqual([
      '* STATUS INBOX (HIGHESTMODSEQ 6 MESSAGES 3)',
      'a4 OK Status completed.',
    ]);
  });

  it('is enabled by FETCH MODSEQ, which first announces HIGHESTMODSEQ (§3.1: CONDSTORE enabling commands)', () => {
    const s = selected();
    expect(s.say('a1 STORE 1 +FLAGS (\\Answered)\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Answered \\Recent))',
      'a1 OK Store completed.',
    ]);
    expect(s.say('a2 FETCH 1:2 (MODSEQ)\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 5] Highest',
      '* 1 FETCH (MODSEQ (5))',
      '* 2 FETCH (MODSEQ (3))',
      'a2 OK Fetch completed.',
    ]);
    // Announced once only.
    expect(s.say('a3 FETCH 2 MODSEQ\r\n')).toEqual(['* 2 FETCH (MODSEQ (3))', 'a3 OK Fetch completed.']);
    expect(s.say('a4 STORE 1 -FLAGS (\\Answered)\r\n')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Recent) MODSEQ (6))',
      'a4 OK Store completed.',
    ]);
    // A FETCH that sets \Seen reports the change with UID and MODSEQ.
    expect(s.say('a5 FETCH 2 BODY[TEXT]\r\n')).toEqual([
      '* 2 FETCH (BODY[TEXT] {16}',
      'Lunch at noon?',
      ' FLAGS (\\Seen \\Recent) UID 2 MODSEQ (7))',
      'a5 OK Fetch completed.',
    ]);
  });

  it('is enabled by ENABLE CONDSTORE before SELECT, without an extra HIGHESTMODSEQ (RFC 5161, §3.1)', () => {
    const s = serverHarness(new Scheduler());
    s.login();
    expect(s.say('a1 ENABLE CONDSTORE\r\n')).toEqual(['* ENABLED CONDSTORE', 'a1 OK Enabled.']);
    s.say('a2 SELECT INBOX\r\n');
    expect(s.say('a3 UID STORE 1 +FLAGS (\\Draft)\r\n')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Draft \\Recent) MODSEQ (5))',
      'a3 OK Store completed.',
    ]);
  });

  it('is enabled by STATUS HIGHESTMODSEQ, which announces the selected mailbox’s value', () => {
    const s = selected();
    expect(s.say('a1 STATUS Archive (HIGHESTMODSEQ)\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 4] Highest',
      '* STATUS Archive (HIGHESTMODSEQ 1)',
      'a1 OK Status completed.',
    ]);
  });

  it('returns only messages changed since the given mod-sequence with CHANGEDSINCE, MODSEQ implied (§3.1.4.1)', () => {
    const s = selected();
    s.say('a1 STORE 3 +FLAGS.SILENT (\\Flagged)\r\n');
    expect(s.say('a2 FETCH 1:* (FLAGS) (CHANGEDSINCE 3)\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 5] Highest',
      '* 3 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (5))',
      'a2 OK Fetch completed.',
    ]);
    expect(s.say('a3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 2)\r\n')).toEqual([
      '* 2 FETCH (UID 2 FLAGS (\\Recent) MODSEQ (3))',
      '* 3 FETCH (UID 3 FLAGS (\\Flagged \\Recent) MODSEQ (5))',
      'a3 OK UID Fetch completed.',
    ]);
    expect(s.say('a4 FETCH 1:* (FLAGS) (CHANGEDSINCE 5)\r\n')).toEqual(['a4 OK Fetch completed.']);
  });

  it('raises HIGHESTMODSEQ on append and expunge (§3.1.2.1)', () => {
    const s = serverHarness(new Scheduler());
    s.login();
    const highest = (tag: string) => s.say(`${tag} STATUS INBOX (HIGHESTMODSEQ)\r\n`)[0];
    expect(highest('a1')).toBe('* STATUS INBOX (HIGHESTMODSEQ 4)');
    s.say('a2 APPEND INBOX (\\Deleted) {2+}\r\nhi\r\n');
    expect(highest('a3')).toBe('* STATUS INBOX (HIGHESTMODSEQ 5)');
    s.say('a4 SELECT INBOX\r\n');
    expect(s.say('a5 EXPUNGE\r\n')).toEqual(['* 4 EXPUNGE', 'a5 OK Expunge completed.']);
    expect(highest('a6')).toBe('* STATUS INBOX (HIGHESTMODSEQ 6)');
  });
});

describe('ImapServerSession: STORE UNCHANGEDSINCE (RFC 7162 §3.1.3)', () => {
  it('stores where the mod-sequence is not above the value and names the rest in [MODIFIED]', () => {
    const s = selected();
    expect(s.say('a1 STORE 1:3 (UNCHANGEDSINCE 3) +FLAGS.SILENT (\\Deleted)\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 4] Highest',
      '* 1 FETCH (UID 1 MODSEQ (5))',
      '* 2 FETCH (UID 2 MODSEQ (6))',
      'a1 OK [MODIFIED 3] Conditional STORE failed',
    ]);
    expect([...s.store.account('bob@example.net')!.inbox.byUid(3)!.flags]).toEqual([]);
    // UID STORE names UIDs; 0 always fails, since every message has a mod-sequence.
    expect(s.say('a2 UID STORE 2:3 (UNCHANGEDSINCE 0) FLAGS (\\Seen)\r\n')).toEqual([
      'a2 OK [MODIFIED 2:3] Conditional STORE failed',
    ]);
    expect(s.say('a3 STORE 3 (UNCHANGEDSINCE 4) -FLAGS (\\Seen)\r\n')).toEqual([
      '* 3 FETCH (UID 3 FLAGS (\\Recent) MODSEQ (4))',
      'a3 OK Store completed.',
    ]);
  });

  it('lets the second of two sessions lose the race, and tells it why', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const a = serverHarness(clock, { store });
    const b = serverHarness(clock, { store });
    a.select();
    b.select();
    // Both read message 1 at mod-sequence 2.
    expect(a.say('a1 FETCH 1 (FLAGS MODSEQ)\r\n')).toContain('* 1 FETCH (FLAGS (\\Recent) MODSEQ (2))');
    expect(b.say('b1 FETCH 1 (FLAGS MODSEQ)\r\n')).toContain('* 1 FETCH (FLAGS () MODSEQ (2))');
    expect(b.say('b2 STORE 1 (UNCHANGEDSINCE 2) +FLAGS (\\Flagged)\r\n')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (5))',
      'b2 OK Store completed.',
    ]);
    // A's write is refused; B's change reaches A in the same reply, with the new mod-sequence.
    expect(a.say('a2 STORE 1 (UNCHANGEDSINCE 2) +FLAGS (\\Deleted)\r\n')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent) MODSEQ (5))',
      'a2 OK [MODIFIED 1] Conditional STORE failed',
    ]);
    expect([...store.account('bob@example.net')!.inbox.byUid(1)!.flags]).toEqual(['\\Flagged']);
    // Knowing mod-sequence 5, A tries again and wins; B hears of it with UID and MODSEQ.
    expect(a.say('a3 STORE 1 (UNCHANGEDSINCE 5) +FLAGS (\\Deleted)\r\n')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Flagged \\Deleted \\Recent) MODSEQ (6))',
      'a3 OK Store completed.',
    ]);
    expect(b.say('b3 NOOP\r\n')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Flagged \\Deleted) MODSEQ (6))',
      'b3 OK NOOP completed.',
    ]);
  });

  it('holds back another session’s EXPUNGE during a conditional STORE (RFC 3501 §7.4.1)', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const a = serverHarness(clock, { store });
    const b = serverHarness(clock, { store });
    a.select();
    b.select();
    b.say('b1 STORE 2 +FLAGS.SILENT (\\Deleted)\r\n');
    b.say('b2 EXPUNGE\r\n');
    expect(a.say('a1 STORE 3 (UNCHANGEDSINCE 9) +FLAGS.SILENT (\\Seen)\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 6] Highest',
      '* 3 FETCH (UID 3 MODSEQ (7))',
      '* 2 FETCH (UID 2 FLAGS (\\Deleted \\Recent) MODSEQ (5))',
      'a1 OK Store completed.',
    ]);
    expect(a.say('a2 NOOP\r\n')).toEqual(['* 2 EXPUNGE', 'a2 OK NOOP completed.']);
  });

  it('pushes a flag change with UID and MODSEQ to an idling CONDSTORE session', () => {
    const clock = new Scheduler();
    const store = makeStore();
    const a = serverHarness(clock, { store });
    a.login();
    a.say('a1 SELECT INBOX (CONDSTORE)\r\n');
    expect(a.say('a2 IDLE\r\n')).toEqual(['+ idling']);
    store.account('bob@example.net')!.inbox.setFlags(2, ['$Later']);
    expect(a.take()).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Later \\*)] Flags permitted.',
      '* 2 FETCH (UID 2 FLAGS ($Later \\Recent) MODSEQ (5))',
    ]);
  });
});

describe('ImapServerSession: SEARCH MODSEQ (RFC 7162 §3.1.5, §3.1.6)', () => {
  it('finds messages changed at or after a mod-sequence and appends the highest one found', () => {
    const s = selected();
    s.say('a1 STORE 1 +FLAGS.SILENT (\\Seen)\r\n');
    expect(s.say('a2 SEARCH MODSEQ 4\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 5] Highest',
      '* SEARCH 1 3 (MODSEQ 5)',
      'a2 OK Search completed.',
    ]);
    expect(s.say('a3 UID SEARCH NOT MODSEQ "/flags/\\\\seen" all 4\r\n')).toEqual([
      '* SEARCH 2 (MODSEQ 3)',
      'a3 OK UID Search completed.',
    ]);
    expect(s.say('a4 SEARCH MODSEQ 99\r\n')).toEqual(['* SEARCH', 'a4 OK Search completed.']);
  });
});

describe('ImapServerSession: ESEARCH (RFC 4731)', () => {
  it('answers RETURN (MIN MAX ALL COUNT) with one ESEARCH response, ALL as a compressed set', () => {
    const s = selected();
    s.say('x1 APPEND INBOX {2+}\r\nhi\r\nx2 APPEND INBOX {2+}\r\nho\r\n');
    s.say('a0 STORE 2 +FLAGS.SILENT (\\Seen)\r\n');
    expect(s.say('a1 SEARCH RETURN (MIN MAX ALL COUNT) UNSEEN\r\n')).toEqual([
      '* ESEARCH (TAG "a1") MIN 1 MAX 5 ALL 1,3:5 COUNT 4',
      'a1 OK Search completed.',
    ]);
    expect(s.say('a2 UID SEARCH RETURN () UNSEEN\r\n')).toEqual([
      '* ESEARCH (TAG "a2") UID ALL 1,3:5',
      'a2 OK UID Search completed.',
    ]);
    expect(s.say('a3 UID SEARCH RETURN (MIN COUNT) KEYWORD $Nothing\r\n')).toEqual([
      '* ESEARCH (TAG "a3") UID COUNT 0',
      'a3 OK UID Search completed.',
    ]);
  });

  it('refuses RETURN (SAVE): SEARCHRES is not announced', () => {
    const s = selected();
    expect(s.say('a1 SEARCH RETURN (SAVE) ALL\r\n')).toEqual([
      'a1 BAD Saved search results ($, RETURN (SAVE)) are not supported here.',
    ]);
  });
});
