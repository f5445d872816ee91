/**
 * SORT and THREAD through the server session (RFC 5256 §3, §4): the
 * commands, their UID forms, charsets, search criteria, the state they
 * need, and the EXPUNGE that waits until they are done.
 */
import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import { Scheduler } from '../net/scheduler.ts';
import { makeStore, serverHarness } from './test-fixtures.ts';

/** A discussion: 1 starts it, 3 answers 1, 2 answers 3 but was sent first by its Date, 4 is alone. */
const DISCUSSION = [
  'From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: plans\r\nMessage-ID: <1@example.com>\r\nDate: Sun, 1 Nov 2026 08:00:00 +0000\r\n\r\nShall we?\r\n',
  'From: Carol <carol@example.com>\r\nTo: bob@example.net\r\nSubject: Re: plans\r\nMessage-ID: <3@example.com>\r\nReferences: <1@example.com> <2@example.com>\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\n\r\nYes.\r\n',
  'From: bob@example.net\r\nTo: Alice <alice@example.com>\r\nSubject: Re: plans\r\nMessage-ID: <2@example.com>\r\nIn-Reply-To: <1@example.com>\r\nDate: Sun, 1 Nov 2026 10:00:00 +0000\r\n\r\nWhen?\r\n',
  'From: Dave <dave@example.org>\r\nTo: bob@example.net\r\nSubject: [ads] Offer\r\nDate: Sat, 31 Oct 2026 12:00:00 +0000\r\n\r\nBuy.\r\n',
];

function selected() {
  const s = serverHarness(new Scheduler(), { store: makeStore(DISCUSSION) });
  s.select();
  return s;
}

describe('ImapServerSession: SORT (RFC 5256 §3)', () => {
  it('announces SORT, SORT=DISPLAY and both THREAD algorithms after login', () => {
    const s = serverHarness(new Scheduler());
    s.login();
    expect(s.say('c CAPABILITY\r\n')[0]).toMatch(
      / SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES/,
    );
  });

  it('sorts by each key and by several, with sequence numbers or UIDs', () => {
    const s = selected();
    expect(s.say('a1 SORT (DATE) UTF-8 ALL\r\n')).toEqual(['* SORT 4 1 3 2', 'a1 OK Sort completed.']);
    expect(s.say('a2 SORT (SUBJECT REVERSE DATE) US-ASCII ALL\r\n')[0]).toBe('* SORT 4 2 3 1');
    expect(s.say('a3 SORT (FROM) utf-8 ALL\r\n')[0]).toBe('* SORT 1 3 2 4');
    expect(s.say('a4 SORT (REVERSE SIZE) UTF-8 ALL\r\n')[0]).toBe('* SORT 2 3 1 4');
    expect(s.say('a5 SORT (DISPLAYTO ARRIVAL) UTF-8 ALL\r\n')[0]).toBe('* SORT 3 1 2 4');
    s.say('x STORE 1 +FLAGS (\\Deleted)\r\nx2 EXPUNGE\r\n');
    expect(s.say('a6 UID SORT (DATE) UTF-8 ALL\r\n')).toEqual(['* SORT 4 3 2', 'a6 OK UID Sort completed.']);
  });

  it('sorts only what the search criteria match, and answers an empty SORT', () => {
    const s = selected();
    expect(s.say('a1 SORT (DATE) UTF-8 FROM carol\r\n')[0]).toBe('* SORT 2');
    expect(s.say('a2 SORT (DATE) UTF-8 SUBJECT nothing-like-this\r\n')).toEqual([
      '* SORT',
      'a2 OK Sort completed.',
    ]);
  });

  it('refuses an unknown charset with BADCHARSET, and SORT outside the selected state', () => {
    const s = selected();
    expect(s.say('a1 SORT (DATE) KOI8-R ALL\r\n')).toEqual([
      'a1 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset KOI8-R',
    ]);
    expect(s.say('a2 SORT (FOO) UTF-8 ALL\r\n')[0]).toMatch(/^a2 BAD /);
    const t = serverHarness(new Scheduler());
    t.login();
    expect(t.say('a3 SORT (DATE) UTF-8 ALL\r\n')).toEqual(['a3 BAD No mailbox selected.']);
  });

  it('ends with the highest MODSEQ of the matches for a MODSEQ key, and enables CONDSTORE (RFC 7162 §3.1.6)', () => {
    const s = selected();
    s.say('x STORE 2 +FLAGS.SILENT (\\Flagged)\r\n');
    expect(s.say('a1 SORT (DATE) UTF-8 MODSEQ 1\r\n')).toEqual([
      '* OK [HIGHESTMODSEQ 6] Highest',
      '* SORT 4 1 3 2 (MODSEQ 6)',
      'a1 OK Sort completed.',
    ]);
    // Message 2's flag change made its mod-sequence the highest (6; the others hold 2 to 5).
    expect(s.say('a2 UID SORT (REVERSE DATE) UTF-8 MODSEQ 6\r\n')).toEqual([
      '* SORT 2 (MODSEQ 6)',
      'a2 OK UID Sort completed.',
    ]);
    // No match, no MODSEQ part; CONDSTORE stays enabled, so a flag change now carries UID and MODSEQ.
    expect(s.say('a3 SORT (DATE) UTF-8 MODSEQ 99\r\n')).toEqual(['* SORT', 'a3 OK Sort completed.']);
    expect(s.say('a4 STORE 1 +FLAGS (\\Seen)\r\n')[0]).toBe(
      '* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (7))',
    );
  });
});

describe('ImapServerSession: SORT and THREAD on a shared mailbox (RFC 4314)', () => {
  it('sort and thread what a reader of another user’s mailbox may see, and only after SELECT needed r', () => {
    const clock = new Scheduler();
    const store = makeStore(DISCUSSION);
    const bob = serverHarness(clock, { store });
    const carol = serverHarness(clock, { store });
    bob.login();
    carol.login('carol@example.net', 'hunter2');
    const shared = '"Other Users/bob@example.net/INBOX"';
    bob.say('a1 SETACL INBOX carol@example.net l\r\n');
    expect(carol.say(`b1 SELECT ${shared}\r\n`)).toContain('b1 NO [NOPERM] Permission denied.');
    expect(carol.say('b2 SORT (DATE) UTF-8 ALL\r\n')[0]).toMatch(/^b2 BAD /);
    bob.say('a2 SETACL INBOX carol@example.net lr\r\n');
    expect(carol.say(`b3 SELECT ${shared}\r\n`).at(-1)).toBe('b3 OK [READ-ONLY] Select completed.');
    expect(carol.say('b4 UID SORT (DATE) UTF-8 ALL\r\n')[0]).toBe('* SORT 4 1 3 2');
    expect(carol.say('b5 THREAD REFERENCES UTF-8 ALL\r\n')[0]).toBe('* THREAD (4)(1 3 2)');
  });
});

describe('ImapServerSession: THREAD (RFC 5256 §4)', () => {
  it('threads by REFERENCES and ORDEREDSUBJECT, with sequence numbers or UIDs', () => {
    const s = selected();
    expect(s.say('a1 THREAD REFERENCES UTF-8 ALL\r\n')).toEqual([
      '* THREAD (4)(1 3 2)',
      'a1 OK Thread completed.',
    ]);
    expect(s.say('a2 THREAD ORDEREDSUBJECT UTF-8 ALL\r\n')[0]).toBe('* THREAD (4)(1 (3)(2))');
    expect(s.say('a3 UID THREAD REFERENCES UTF-8 NOT FROM dave\r\n')).toEqual([
      '* THREAD (1 3 2)',
      'a3 OK UID Thread completed.',
    ]);
    expect(s.say('a4 THREAD REFERENCES UTF-8 FROM nobody\r\n')[0]).toBe('* THREAD');
    expect(s.say('a5 THREAD REFERENCES ISO-2022-JP ALL\r\n')[0]).toMatch(/^a5 NO \[BADCHARSET/);
  });

  it('holds back an EXPUNGE from another session until it has answered (RFC 3501 §7.4.1)', () => {
    const store = makeStore(DISCUSSION);
    const clock = new Scheduler();
    const a = serverHarness(clock, { store });
    const b = serverHarness(clock, { store });
    a.select();
    b.select();
    b.say('b1 STORE 4 +FLAGS (\\Deleted)\r\nb2 EXPUNGE\r\n');
    expect(a.say('a1 THREAD REFERENCES UTF-8 ALL\r\n')).toEqual([
      '* THREAD (4)(1 3 2)',
      '* 4 FETCH (FLAGS (\\Deleted \\Recent))',
      'a1 OK Thread completed.',
    ]);
    expect(a.say('a2 NOOP\r\n')).toEqual(['* 4 EXPUNGE', 'a2 OK NOOP completed.']);
    store.account('bob@example.net')!.inbox.append(latin1Bytes('Subject: Re: plans\r\n\r\nx\r\n'), {
      internalDate: 0,
    });
    // The new message has no sequence number until the EXISTS that follows the answer.
    expect(a.say('a3 THREAD ORDEREDSUBJECT UTF-8 ALL\r\n').slice(0, 2)).toEqual([
      '* THREAD (1 (3)(2))',
      '* 4 EXISTS',
    ]);
    expect(a.say('a4 THREAD ORDEREDSUBJECT UTF-8 ALL\r\n')[0]).toBe('* THREAD (4 (1)(3)(2))');
  });
});
