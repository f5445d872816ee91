/**
 * ACL (RFC 4314) through two server sessions of different users on one
 * store: bob shares his INBOX with carol, who finds it under the other
 * users' namespace (RFC 2342), and each command is held to its rights.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../net/scheduler.ts';
import { makeStore, serverHarness } from './test-fixtures.ts';

const SHARED = '"Other Users/bob@example.net/INBOX"';

/** bob and carol logged in on one store. */
function twoUsers() {
  const clock = new Scheduler();
  const store = makeStore();
  const bob = serverHarness(clock, { store });
  const carol = serverHarness(clock, { store });
  bob.login();
  carol.login('carol@example.net', 'hunter2');
  return { bob, carol, store };
}

describe('ImapServerSession: ACL commands (RFC 4314 §3)', () => {
  it('shows the owner’s rights with GETACL, MYRIGHTS and LISTRIGHTS', () => {
    const { bob } = twoUsers();
    expect(bob.say('a1 GETACL INBOX\r\n')).toEqual([
      '* ACL INBOX bob@example.net lrswipkxtecda',
      'a1 OK Getacl completed.',
    ]);
    expect(bob.say('a2 MYRIGHTS inbox\r\n')).toEqual([
      '* MYRIGHTS INBOX lrswipkxtecda',
      'a2 OK Myrights completed.',
    ]);
    expect(bob.say('a3 LISTRIGHTS INBOX bob@example.net\r\n')).toEqual([
      '* LISTRIGHTS INBOX bob@example.net lkxca r s w i p t e d',
      'a3 OK Listrights completed.',
    ]);
    expect(bob.say('a4 LISTRIGHTS INBOX Carol@example.net\r\n')).toEqual([
      '* LISTRIGHTS INBOX Carol@example.net "" l r s w i p k x t e a c d',
      'a4 OK Listrights completed.',
    ]);
  });

  it('changes an entry with +, - and replacement, and removes it with DELETEACL (§3.1, §3.2)', () => {
    const { bob } = twoUsers();
    const acl = () => bob.say('g GETACL INBOX\r\n')[0];
    expect(bob.say('a1 SETACL INBOX Carol@example.net +rsw\r\n')).toEqual(['a1 OK Setacl completed.']);
    expect(acl()).toBe('* ACL INBOX bob@example.net lrswipkxtecda carol@example.net rsw');
    expect(bob.say('a2 SETACL INBOX carol@example.net +wa\r\n')).toEqual(['a2 OK Setacl completed.']);
    expect(acl()).toBe('* ACL INBOX bob@example.net lrswipkxtecda carol@example.net rswa');
    expect(bob.say('a3 SETACL INBOX carol@example.net -rat\r\n')).toEqual(['a3 OK Setacl completed.']);
    expect(acl()).toBe('* ACL INBOX bob@example.net lrswipkxtecda carol@example.net sw');
    // §2.1.1: d stands for e and t, and comes back with either.
    expect(bob.say('a4 SETACL INBOX anyone lrd\r\n')).toEqual(['a4 OK Setacl completed.']);
    expect(acl()).toBe('* ACL INBOX bob@example.net lrswipkxtecda carol@example.net sw anyone lrted');
    expect(bob.say('a5 DELETEACL INBOX carol@example.net\r\n')).toEqual(['a5 OK Deleteacl completed.']);
    expect(acl()).toBe('* ACL INBOX bob@example.net lrswipkxtecda anyone lrted');
  });

  it('refuses unknown and uppercase rights and empty identifiers with BAD (§3, §3.1)', () => {
    const { bob } = twoUsers();
    expect(bob.say('a1 SETACL INBOX carol@example.net lrqswicda\r\n')).toEqual([
      'a1 BAD The q right is not supported.',
    ]);
    expect(bob.say('a2 SETACL INBOX carol@example.net lrQswicda\r\n')).toEqual([
      'a2 BAD Uppercase rights are not allowed.',
    ]);
    expect(bob.say('a3 SETACL INBOX "" lr\r\n')).toEqual(['a3 BAD Invalid identifier.']);
    expect(bob.say('a4 SETACL Nowhere carol@example.net lr\r\n')).toEqual([
      "a4 NO [NONEXISTENT] Mailbox doesn't exist: Nowhere",
    ]);
  });
});

describe('ImapServerSession: shared mailboxes (RFC 4314 §4, §6; RFC 2342)', () => {
  it('hides a mailbox from a user with neither l nor r: the same NO as for a missing one (§6)', () => {
    const { carol } = twoUsers();
    const missing = '"Other Users/bob@example.net/Nowhere"';
    for (const [verb, args] of [
      ['SELECT', ''],
      ['EXAMINE', ''],
      ['STATUS', ' (MESSAGES)'],
      ['GETACL', ''],
      ['MYRIGHTS', ''],
      ['DELETE', ''],
      ['SUBSCRIBE', ''],
    ] as const) {
      const hidden = carol.say(`a1 ${verb} ${SHARED}${args}\r\n`);
      const absent = carol.say(`a1 ${verb} ${missing}${args}\r\n`);
      expect(hidden).toEqual([
        `a1 NO [NONEXISTENT] Mailbox doesn't exist: Other Users/bob@example.net/INBOX`,
      ]);
      expect(absent).toEqual([
        `a1 NO [NONEXISTENT] Mailbox doesn't exist: Other Users/bob@example.net/Nowhere`,
      ]);
    }
    expect(carol.say(`a2 APPEND ${SHARED} {3+}\r\nhi\n\r\n`)).toEqual([
      "a2 NO [TRYCREATE] Mailbox doesn't exist: Other Users/bob@example.net/INBOX",
    ]);
    expect(carol.say('a3 LIST "" *\r\n').some((l) => l.includes('Other Users'))).toBe(false);
  });

  it('lists a shared mailbox under Other Users and answers NAMESPACE with that prefix', () => {
    const { bob, carol } = twoUsers();
    bob.say('a1 SETACL INBOX carol@example.net lr\r\n');
    expect(carol.say('b1 NAMESPACE\r\n')).toEqual([
      '* NAMESPACE (("" "/")) (("Other Users/" "/")) NIL',
      'b1 OK Namespace completed.',
    ]);
    expect(carol.say('b2 LIST "Other Users/" *\r\n')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" "Other Users/bob@example.net"',
      '* LIST (\\HasNoChildren) "/" "Other Users/bob@example.net/INBOX"',
      'b2 OK List completed.',
    ]);
    expect(carol.say('b3 LIST "" %\r\n')).toContain('* LIST (\\Noselect \\HasChildren) "/" "Other Users"');
    expect(carol.say(`b4 MYRIGHTS ${SHARED}\r\n`)).toEqual([
      '* MYRIGHTS "Other Users/bob@example.net/INBOX" lr',
      'b4 OK Myrights completed.',
    ]);
    expect(carol.say(`b5 STATUS ${SHARED} (MESSAGES UNSEEN)\r\n`)).toEqual([
      '* STATUS "Other Users/bob@example.net/INBOX" (MESSAGES 3 UNSEEN 3)',
      'b5 OK Status completed.',
    ]);
    // Visible but without a: NOPERM, not NONEXISTENT.
    expect(carol.say(`b6 GETACL ${SHARED}\r\n`)).toEqual(['b6 NO [NOPERM] Permission denied.']);
    expect(carol.say(`b7 SUBSCRIBE ${SHARED}\r\n`)).toEqual(['b7 OK Subscribe completed.']);
    expect(carol.say('b8 LSUB "" "Other Users/*"\r\n')).toEqual([
      '* LSUB () "/" "Other Users/bob@example.net/INBOX"',
      'b8 OK Lsub completed.',
    ]);
  });

  it('builds LIST-EXTENDED selections from what the user may list (RFC 5258 §3.1, §3.5; RFC 4314 §4)', () => {
    const { bob, carol } = twoUsers();
    bob.say('a1 SETACL INBOX carol@example.net l\r\na2 SETACL Sent carol@example.net lr\r\n');
    carol.say(`b1 SUBSCRIBE ${SHARED}\r\n`);
    // The subscribed shared INBOX is below the pattern: its ancestor comes back with CHILDINFO.
    expect(carol.say('b2 LIST (SUBSCRIBED RECURSIVEMATCH) "" %\r\n')).toContain(
      '* LIST (\\Noselect \\HasChildren) "/" "Other Users" ("CHILDINFO" ("SUBSCRIBED"))',
    );
    // LIST-STATUS only where carol holds r: Sent yes, the INBOX (l alone) no.
    expect(carol.say('b3 LIST "Other Users/" * RETURN (STATUS (MESSAGES))\r\n')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" "Other Users/bob@example.net"',
      '* LIST (\\HasNoChildren) "/" "Other Users/bob@example.net/INBOX"',
      '* LIST (\\HasNoChildren) "/" "Other Users/bob@example.net/Sent"',
      '* STATUS "Other Users/bob@example.net/Sent" (MESSAGES 0)',
      'b3 OK List completed.',
    ]);
    // bob's \Sent is his special use, not carol's.
    expect(carol.say('b4 LIST (SPECIAL-USE RECURSIVEMATCH) "" *\r\n').join('\n')).not.toContain(
      'Other Users',
    );
    // Without l the subscribed name is, for carol, a name whose mailbox is gone.
    bob.say('a3 DELETEACL INBOX carol@example.net\r\n');
    expect(carol.say('b5 LIST (SUBSCRIBED) "Other Users/" *\r\n')).toEqual([
      '* LIST (\\NonExistent \\Subscribed) "/" "Other Users/bob@example.net/INBOX"',
      'b5 OK List completed.',
    ]);
  });

  it('opens a mailbox with only read rights READ-ONLY, and FETCH BODY[] leaves \\Seen alone (§4, §5.2)', () => {
    const { bob, carol } = twoUsers();
    bob.say('a1 SETACL INBOX carol@example.net lr\r\n');
    const select = carol.say(`b1 SELECT ${SHARED}\r\n`);
    expect(select).toContain('* OK [PERMANENTFLAGS ()] Read-only mailbox.');
    expect(select.at(-1)).toBe('b1 OK [READ-ONLY] Select completed.');
    expect(carol.say('b2 FETCH 1 (FLAGS BODY[TEXT])\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Recent) BODY[TEXT] {12}',
      'Hello Bob.',
      ')',
      'b2 OK Fetch completed.',
    ]);
    expect(carol.say('b3 STORE 1 +FLAGS (\\Seen)\r\n')).toEqual(['b3 NO Mailbox is read-only.']);
  });

  it('shares flags: what carol stores with s, bob sees, and flags without their right are left alone', () => {
    const { bob, carol } = twoUsers();
    bob.say('a1 SETACL INBOX carol@example.net lrs\r\n');
    bob.say('a2 SELECT INBOX\r\n');
    const select = carol.say(`b1 SELECT ${SHARED}\r\n`);
    expect(select).toContain('* OK [PERMANENTFLAGS (\\Seen)] Flags permitted.');
    expect(select.at(-1)).toBe('b1 OK [READ-WRITE] Select completed.');
    // RFC 4314 §4: STORE fails only when none of its flags may change.
    expect(carol.say('b2 STORE 1 +FLAGS (\\Flagged)\r\n')).toEqual(['b2 NO [NOPERM] Permission denied.']);
    expect(carol.say('b3 STORE 1 +FLAGS (\\Seen \\Flagged)\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Seen))',
      'b3 OK Store completed.',
    ]);
    expect(carol.say('b4 FETCH 2 BODY[TEXT]\r\n')).toEqual([
      '* 2 FETCH (BODY[TEXT] {16}',
      'Lunch at noon?',
      ' FLAGS (\\Seen))',
      'b4 OK Fetch completed.',
    ]);
    expect(bob.say('a3 NOOP\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Seen \\Recent))',
      '* 2 FETCH (FLAGS (\\Seen \\Recent))',
      'a3 OK NOOP completed.',
    ]);
    // bob flags a message; carol's FLAGS () replaces only what she may change (\Seen), \Flagged stays.
    bob.say('a4 STORE 1 +FLAGS.SILENT (\\Flagged)\r\n');
    expect(carol.say('b5 STORE 1 FLAGS ()\r\n')).toEqual([
      '* 1 FETCH (FLAGS (\\Flagged))',
      'b5 OK Store completed.',
    ]);
    expect(carol.say('b6 EXPUNGE\r\n')).toEqual(['b6 NO [NOPERM] Permission denied.']);
    expect(carol.say(`b7 APPEND ${SHARED} {3+}\r\nhi\n\r\n`)).toEqual(['b7 NO [NOPERM] Permission denied.']);
  });

  it('copies into a shared mailbox with i, keeping only the flags the rights allow (§4)', () => {
    const { bob, carol, store } = twoUsers();
    bob.say('a1 SETACL INBOX carol@example.net lrit\r\n');
    bob.say('a2 SELECT INBOX\r\n');
    const own = store.account('carol@example.net')!.inbox;
    own.append(new TextEncoder().encode('Subject: for bob\r\n\r\nhi\r\n'), {
      internalDate: 0,
      flags: ['\\Seen', '\\Deleted', '$Forwarded'],
    });
    carol.say('b1 SELECT INBOX\r\n');
    expect(carol.say(`b2 COPY 1 ${SHARED}\r\n`)).toEqual([
      expect.stringMatching(/^b2 OK \[COPYUID \d+ 1 4\] Copy completed\.$/),
    ]);
    expect(bob.say('a3 NOOP\r\n')).toEqual(['* 4 EXISTS', '* 4 RECENT', 'a3 OK NOOP completed.']);
    // carol has t but not s or w there: \Deleted survives, \Seen and $Forwarded do not.
    expect(bob.say('a4 FETCH 4 FLAGS\r\n')).toEqual([
      '* 4 FETCH (FLAGS (\\Deleted \\Recent))',
      'a4 OK Fetch completed.',
    ]);
    // MOVE out of bob's INBOX would expunge there: it needs t and e, and carol has no e.
    carol.say(`b3 SELECT ${SHARED}\r\n`);
    expect(carol.say('b4 MOVE 1 INBOX\r\n')).toEqual(['b4 NO [NOPERM] Permission denied.']);
    // CLOSE without e closes, says OK and expunges nothing (§4).
    expect(carol.say('b5 CLOSE\r\n')).toEqual(['b5 OK Close completed.']);
    expect(store.account('bob@example.net')!.inbox.messages).toHaveLength(4);
  });

  it('needs k on the parent to create in another user’s hierarchy, and the child inherits the ACL (§4)', () => {
    const { bob, carol } = twoUsers();
    bob.say('a1 CREATE Projects\r\n');
    bob.say('a2 SETACL Projects carol@example.net lr\r\n');
    expect(carol.say('b1 CREATE "Other Users/bob@example.net/Projects/2026"\r\n')).toEqual([
      'b1 NO [NOPERM] Permission denied.',
    ]);
    bob.say('a3 SETACL Projects carol@example.net +k\r\n');
    expect(carol.say('b2 CREATE "Other Users/bob@example.net/Projects/2026"\r\n')).toEqual([
      'b2 OK Create completed.',
    ]);
    expect(bob.say('a4 GETACL Projects/2026\r\n')).toEqual([
      '* ACL Projects/2026 bob@example.net lrswipkxtecda carol@example.net lrkc',
      'a4 OK Getacl completed.',
    ]);
    expect(carol.say('b3 CREATE "Other Users/bob@example.net"\r\n')).toEqual([
      'b3 NO [CANNOT] Invalid mailbox name.',
    ]);
    expect(carol.say('b4 DELETE "Other Users/bob@example.net/Projects/2026"\r\n')).toEqual([
      'b4 NO [NOPERM] Permission denied.',
    ]);
    expect(carol.say('b5 RENAME "Other Users/bob@example.net/Projects/2026" Mine\r\n')).toEqual([
      'b5 NO [NOPERM] Permission denied.',
    ]);
  });

  it('takes a mailbox away again with DELETEACL: it vanishes from LIST and SELECT', () => {
    const { bob, carol } = twoUsers();
    bob.say('a1 SETACL INBOX anyone lr\r\n');
    expect(carol.say(`b1 EXAMINE ${SHARED}\r\n`).at(-1)).toBe('b1 OK [READ-ONLY] Examine completed.');
    bob.say('a2 DELETEACL INBOX anyone\r\n');
    expect(carol.say(`b2 SELECT ${SHARED}\r\n`)).toEqual([
      '* OK [CLOSED] Previous mailbox closed.',
      "b2 NO [NONEXISTENT] Mailbox doesn't exist: Other Users/bob@example.net/INBOX",
    ]);
    expect(carol.say('b3 LIST "" "Other Users/*"\r\n')).toEqual(['b3 OK List completed.']);
  });
});
