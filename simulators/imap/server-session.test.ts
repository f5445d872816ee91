/**
 * The IMAP server session, command by command: bytes in, response lines out
 * (RFC 3501 / RFC 9051 and the extensions the server announces).
 */
import { describe, expect, it } from 'vitest';
import { base64Encode, latin1Bytes } from '../core/bytes.ts';
import { cramMd5Response, plainResponse } from '../auth/sasl.ts';
import { Scheduler } from '../net/scheduler.ts';
import { serverHarness, TEST_TLS, type HarnessOptions } from './test-fixtures.ts';

const server = (options: HarnessOptions = {}) => serverHarness(new Scheduler(), options);
const PRE_AUTH = 'IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE';
const POST_AUTH = `${PRE_AUTH} NAMESPACE CONDSTORE ESEARCH QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES ACL RIGHTS=texk COMPRESS=DEFLATE`;

describe('ImapServerSession: connection and authentication', () => {
  it('greets with its capabilities (RFC 3501 §7.1.1) and answers CAPABILITY (§6.1.1)', () => {
    const s = server();
    expect(s.greeting).toEqual([
      `* OK [CAPABILITY ${PRE_AUTH} STARTTLS AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5] Mailroom IMAP ready.`,
    ]);
    expect(s.say('a1 CAPABILITY\r\n')).toEqual([
      `* CAPABILITY ${PRE_AUTH} STARTTLS AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5`,
      'a1 OK Capability completed.',
    ]);
    expect(s.session.state).toBe('notAuthenticated.ready');
  });

  it('logs in with LOGIN and reports the new capabilities (RFC 3501 §6.2.3)', () => {
    const s = server();
    expect(s.say('a1 LOGIN bob@example.net secret\r\n')).toEqual([
      `a1 OK [CAPABILITY ${POST_AUTH}] Logged in`,
    ]);
    expect(s.session.state).toBe('authenticated.ready');
    expect(s.events).toEqual([{ type: 'loggedIn', user: 'bob@example.net' }]);
  });

  it('refuses wrong credentials with NO [AUTHENTICATIONFAILED] (RFC 5530)', () => {
    const s = server();
    expect(s.say('a1 LOGIN bob@example.net wrong\r\n')).toEqual([
      'a1 NO [AUTHENTICATIONFAILED] Authentication failed.',
    ]);
    expect(s.session.state).toBe('notAuthenticated.ready');
  });

  it('advertises LOGINDISABLED before TLS and refuses LOGIN with PRIVACYREQUIRED (RFC 3501 §6.2.3, RFC 5530)', () => {
    const s = server({ config: { allowPlaintextLogin: false } });
    expect(s.greeting).toEqual([
      `* OK [CAPABILITY ${PRE_AUTH} STARTTLS LOGINDISABLED AUTH=CRAM-MD5] Mailroom IMAP ready.`,
    ]);
    expect(s.say('a1 LOGIN bob@example.net secret\r\n')).toEqual([
      'a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
    ]);
    expect(s.violations).toEqual(['RFC 3501 §6.2.3']);
    expect(
      s.say(`a2 AUTHENTICATE PLAIN ${base64Encode(plainResponse('bob@example.net', 'secret'))}\r\n`),
    ).toEqual([
      'a2 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
    ]);
    // STARTTLS, then the same LOGIN works.
    expect(s.say('a3 STARTTLS\r\n')).toEqual(['a3 OK Begin TLS negotiation now.']);
    expect(s.session.state).toBe('notAuthenticated.awaitingTls');
    s.session.handleTlsEstablished(TEST_TLS);
    expect(s.say('a4 CAPABILITY\r\n')).toEqual([
      `* CAPABILITY ${PRE_AUTH} AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5`,
      'a4 OK Capability completed.',
    ]);
    expect(s.say('a5 LOGIN bob@example.net secret\r\n')).toEqual([
      `a5 OK [CAPABILITY ${POST_AUTH}] Logged in`,
    ]);
  });

  it('discards commands pipelined behind STARTTLS (RFC 3501 §6.2.1, CVE-2011-0411)', () => {
    const s = server();
    expect(s.say('a1 STARTTLS\r\na2 LOGIN bob@example.net secret\r\n')).toEqual([
      'a1 OK Begin TLS negotiation now.',
    ]);
    expect(s.kinds).toContain('startTls');
    expect(s.violations).toEqual(['RFC 3501 §6.2.1']);
    s.session.handleTlsEstablished(TEST_TLS);
    expect(s.take()).toEqual([]);
    expect(s.session.state).toBe('notAuthenticated.ready');
  });

  it('greets only after the handshake on implicit TLS, without STARTTLS (RFC 8314 §3)', () => {
    const s = server({ implicitTls: true });
    expect(s.greeting).toEqual([]);
    s.session.handleTlsEstablished(TEST_TLS);
    expect(s.take()).toEqual([
      `* OK [CAPABILITY ${PRE_AUTH} AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5] Mailroom IMAP ready.`,
    ]);
  });

  it('authenticates with AUTHENTICATE PLAIN and SASL-IR (RFC 3501 §6.2.2, RFC 4959)', () => {
    const s = server();
    const ir = base64Encode(plainResponse('bob@example.net', 'secret'));
    expect(s.say(`a1 AUTHENTICATE PLAIN ${ir}\r\n`)).toEqual([`a1 OK [CAPABILITY ${POST_AUTH}] Logged in`]);
    expect(s.session.state).toBe('authenticated.ready');
  });

  it('runs a PLAIN exchange with an empty challenge, and LOGIN with two (RFC 3501 §6.2.2)', () => {
    const s = server();
    expect(s.say('a1 AUTHENTICATE PLAIN\r\n')).toEqual(['+ ']);
    expect(s.session.state).toBe('notAuthenticated.authenticating');
    expect(s.say(`${base64Encode(plainResponse('bob@example.net', 'secret'))}\r\n`)).toEqual([
      `a1 OK [CAPABILITY ${POST_AUTH}] Logged in`,
    ]);
    const t = server();
    expect(t.say('b1 AUTHENTICATE LOGIN\r\n')).toEqual(['+ VXNlcm5hbWU6']);
    expect(t.say(`${base64Encode(latin1Bytes('bob@example.net'))}\r\n`)).toEqual(['+ UGFzc3dvcmQ6']);
    expect(t.say(`${base64Encode(latin1Bytes('secret'))}\r\n`)).toEqual([
      `b1 OK [CAPABILITY ${POST_AUTH}] Logged in`,
    ]);
  });

  it('verifies CRAM-MD5 against the challenge (RFC 2195)', () => {
    const s = server();
    const [challenge] = s.say('a1 AUTHENTICATE CRAM-MD5\r\n');
    expect(challenge).toBe(`+ ${base64Encode(latin1Bytes('<1896.697170952@imap.example.net>'))}`);
    const response = cramMd5Response('<1896.697170952@imap.example.net>', 'bob@example.net', 'secret');
    expect(s.say(`${base64Encode(response)}\r\n`)).toEqual([`a1 OK [CAPABILITY ${POST_AUTH}] Logged in`]);
  });

  it('answers a cancelled exchange with BAD and stays unauthenticated (RFC 3501 §6.2.2)', () => {
    const s = server();
    s.say('a1 AUTHENTICATE PLAIN\r\n');
    expect(s.say('*\r\n')).toEqual(['a1 BAD Authentication aborted by client.']);
    expect(s.session.state).toBe('notAuthenticated.ready');
    expect(s.say('a2 AUTHENTICATE X-UNKNOWN\r\n')).toEqual(['a2 NO Unsupported authentication mechanism.']);
  });

  it('answers LOGOUT with BYE, OK, then closes once (RFC 3501 §6.1.3)', () => {
    const s = server();
    expect(s.say('a1 LOGOUT\r\n')).toEqual(['* BYE Logging out', 'a1 OK Logout completed.']);
    expect(s.session.state).toBe('logout');
    s.session.receiveEnd();
    expect(s.kinds.filter((k) => k === 'close')).toEqual(['close']);
  });

  it('answers NOOP, ID, ENABLE and NAMESPACE (RFC 3501 §6.1.2, RFC 2971, RFC 5161, RFC 2342)', () => {
    const s = server();
    expect(s.say('a1 NOOP\r\n')).toEqual(['a1 OK NOOP completed.']);
    expect(s.say('a2 ID ("name" "imaplib")\r\n')).toEqual([
      '* ID ("name" "Mailroom" "vendor" "Mailroom lab")',
      'a2 OK ID completed.',
    ]);
    expect(s.say('a3 ENABLE CONDSTORE\r\n')).toEqual(['a3 BAD ENABLE not allowed before login.']);
    s.login();
    expect(s.say('a4 ENABLE CONDSTORE X-UNKNOWN\r\n')).toEqual(['* ENABLED CONDSTORE', 'a4 OK Enabled.']);
    // RFC 5161 §3.1: ENABLED names only what this command enabled.
    expect(s.say('a5 ENABLE CONDSTORE\r\n')).toEqual(['* ENABLED', 'a5 OK Enabled.']);
    expect(s.say('a5 NAMESPACE\r\n')).toEqual([
      '* NAMESPACE (("" "/")) (("Other Users/" "/")) NIL',
      'a5 OK Namespace completed.',
    ]);
  });

  it('refuses commands of other states with BAD and keeps the state (RFC 9051 §3, Dovecot wording)', () => {
    const s = server();
    expect(s.say('a1 SELECT INBOX\r\n')).toEqual(['a1 BAD SELECT not allowed before login.']);
    expect(s.say('a2 FETCH 1 FLAGS\r\n')).toEqual(['a2 BAD FETCH not allowed before login.']);
    s.login();
    expect(s.say('a3 FETCH 1 FLAGS\r\n')).toEqual(['a3 BAD No mailbox selected.']);
    expect(s.say('a4 EXPUNGE\r\n')).toEqual(['a4 BAD No mailbox selected.']);
    expect(s.say('a5 LOGIN bob@example.net secret\r\n')).toEqual(['a5 BAD LOGIN not allowed after login.']);
    expect(s.session.state).toBe('authenticated.ready');
    expect(s.violations).toEqual(['RFC 9051 §3', 'RFC 9051 §3', 'RFC 9051 §3', 'RFC 9051 §3', 'RFC 9051 §3']);
  });

  it('answers malformed input with BAD and carries on (RFC 9051 §7.1.3)', () => {
    const s = server();
    expect(s.say('a1 FROB\r\n')).toEqual(["a1 BAD Unknown command 'FROB'"]);
    expect(s.say('(((\r\n')).toEqual(["* BAD Missing ')' at column 4"]);
    expect(s.say('a2 LOGIN "unterminated\r\n')[0]).toMatch(/^a2 BAD /);
    expect(s.say('a3 NOOP\r\n')).toEqual(['a3 OK NOOP completed.']);
  });

  it('refuses a synchronising literal over the limit before reading it (RFC 7889, RFC 3501 §7.5)', () => {
    const s = server({ config: { maxLiteralSize: 100 } });
    s.login();
    expect(s.say('a1 APPEND INBOX {1000}\r\n')).toEqual([
      'a1 NO [TOOBIG] Literal of 1000 octets is larger than the limit of 100',
    ]);
    expect(s.say('a2 NOOP\r\n')).toEqual(['a2 OK NOOP completed.']);
  });
});

describe('ImapServerSession: mailboxes', () => {
  it('answers SELECT exactly as Dovecot (RFC 3501 §6.3.1)', () => {
    const s = server();
    expect(s.select()).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.',
      '* 3 EXISTS',
      '* 3 RECENT',
      '* OK [UNSEEN 1] First unseen.',
      '* OK [UIDVALIDITY 1700000000] UIDs valid',
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      'S1 OK [READ-WRITE] Select completed.',
    ]);
    expect(s.session.state).toBe('selected.ready');
    expect(s.events.at(-1)).toEqual({ type: 'selected', mailbox: 'INBOX', readOnly: false });
  });

  it('opens read-only with EXAMINE and does not claim \\Recent (RFC 3501 §6.3.2)', () => {
    const s = server();
    expect(s.select('INBOX', 'EXAMINE')).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
      '* OK [PERMANENTFLAGS ()] Read-only mailbox.',
      '* 3 EXISTS',
      '* 3 RECENT',
      '* OK [UNSEEN 1] First unseen.',
      '* OK [UIDVALIDITY 1700000000] UIDs valid',
      '* OK [UIDNEXT 4] Predicted next UID',
      '* OK [HIGHESTMODSEQ 4] Highest',
      'S1 OK [READ-ONLY] Examine completed.',
    ]);
    expect(s.store.account('bob@example.net')!.inbox.unclaimedRecentCount).toBe(3);
    expect(s.say('a1 STORE 1 +FLAGS (\\Seen)\r\n')).toEqual(['a1 NO Mailbox is read-only.']);
    // BODY[] does not set \Seen in a read-only mailbox.
    expect(s.say('a2 FETCH 1 (BODY[TEXT])\r\n')).toEqual([
      '* 1 FETCH (BODY[TEXT] {12}',
      'Hello Bob.',
      ')',
      'a2 OK Fetch completed.',
    ]);
  });

  it('leaves the selected state when SELECT fails (RFC 3501 §6.3.1)', () => {
    const s = server();
    s.select();
    expect(s.say('a1 SELECT Nowhere\r\n')).toEqual([
      '* OK [CLOSED] Previous mailbox closed.',
      "a1 NO [NONEXISTENT] Mailbox doesn't exist: Nowhere",
    ]);
    expect(s.session.state).toBe('authenticated.ready');
  });

  it('lists with * and %, \\HasChildren, \\Noselect parents and special use (RFC 3501 §6.3.8, RFC 6154)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 CREATE Work/2026/Q1\r\n')).toEqual(['a1 OK Create completed.']);
    expect(s.say('a2 LIST "" *\r\n')).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* LIST (\\HasNoChildren \\Archive) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash) "/" Trash',
      '* LIST (\\Noselect \\HasChildren) "/" Work',
      '* LIST (\\Noselect \\HasChildren) "/" Work/2026',
      '* LIST (\\HasNoChildren) "/" Work/2026/Q1',
      'a2 OK List completed.',
    ]);
    expect(s.say('a3 LIST "" %\r\n')).toContain('* LIST (\\Noselect \\HasChildren) "/" Work');
    expect(s.say('a4 LIST "" Work/%\r\n')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" Work/2026',
      'a4 OK List completed.',
    ]);
    expect(s.say('a5 LIST Work/ *\r\n')).toEqual([
      '* LIST (\\Noselect \\HasChildren) "/" Work/2026',
      '* LIST (\\HasNoChildren) "/" Work/2026/Q1',
      'a5 OK List completed.',
    ]);
    expect(s.say('a6 LIST "" ""\r\n')).toEqual(['* LIST (\\Noselect) "/" ""', 'a6 OK List completed.']);
    expect(s.say('a7 LIST "" inbox\r\n')).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      'a7 OK List completed.',
    ]);
  });

  it('supports LIST-EXTENDED selection and return options (RFC 5258, RFC 6154 §2, RFC 5819)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 LIST (SPECIAL-USE) "" * RETURN (SUBSCRIBED)\r\n')).toEqual([
      '* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" Junk',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
      'a1 OK List completed.',
    ]);
    expect(s.say('a2 LIST "" INBOX RETURN (STATUS (MESSAGES UNSEEN))\r\n')).toEqual([
      '* LIST (\\HasNoChildren) "/" INBOX',
      '* STATUS INBOX (MESSAGES 3 UNSEEN 3)',
      'a2 OK List completed.',
    ]);
  });

  it('returns parents of subscribed names with CHILDINFO under RECURSIVEMATCH (RFC 5258 §3.1, §3.5)', () => {
    const s = server();
    s.login();
    s.say('a1 CREATE Lists/ietf\r\na2 CREATE Lists/w3c\r\na3 CREATE Lists/ietf/imap\r\n');
    s.say('a4 SUBSCRIBE Lists/ietf/imap\r\na5 CREATE Gone/child\r\na6 SUBSCRIBE Gone/child\r\n');
    expect(s.say('a7 DELETE Gone/child\r\n')).toEqual(['a7 OK Delete completed.']);
    expect(s.say('b1 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (CHILDREN)\r\n')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
      '* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" Archive',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" Junk',
      '* LIST (\\Noselect \\HasChildren) "/" Lists ("CHILDINFO" ("SUBSCRIBED"))',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
      '* LIST (\\NonExistent) "/" Gone ("CHILDINFO" ("SUBSCRIBED"))',
      'b1 OK List completed.',
    ]);
    // The subscribed child is returned itself, so its parent needs no CHILDINFO entry.
    expect(s.say('b2 LIST (SUBSCRIBED RECURSIVEMATCH) "" Lists/*\r\n')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" Lists/ietf/imap',
      'b2 OK List completed.',
    ]);
    expect(s.say('b3 LIST (SUBSCRIBED) "" L%\r\n')).toEqual(['b3 OK List completed.']);
    expect(s.say('b4 LIST (RECURSIVEMATCH) "" %\r\n')[0]).toMatch(/^b4 BAD /);
  });

  it('creates, renames, deletes and (un)subscribes, with RFC 5530 codes (RFC 3501 §6.3.3–7)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 CREATE Projects\r\n')).toEqual(['a1 OK Create completed.']);
    expect(s.say('a2 CREATE projects/x\r\n')).toEqual(['a2 OK Create completed.']);
    expect(s.say('a3 CREATE Projects\r\n')).toEqual(['a3 NO [ALREADYEXISTS] Mailbox already exists']);
    expect(s.say('a4 SUBSCRIBE Projects\r\n')).toEqual(['a4 OK Subscribe completed.']);
    expect(s.say('a5 RENAME Projects Old\r\n')).toEqual(['a5 OK Rename completed.']);
    expect(s.say('a6 LSUB "" O*\r\n')).toEqual(['* LSUB () "/" Old', 'a6 OK Lsub completed.']);
    expect(s.say('a7 DELETE Projects\r\n')).toEqual(["a7 NO [NONEXISTENT] Mailbox doesn't exist: Projects"]);
    expect(s.say('a8 DELETE INBOX\r\n')).toEqual(["a8 NO [CANNOT] INBOX can't be deleted."]);
    expect(s.say('a9 DELETE Old\r\n')).toEqual(['a9 OK Delete completed.']);
    expect(s.say('b1 UNSUBSCRIBE Old\r\n')).toEqual(['b1 OK Unsubscribe completed.']);
    expect(s.say('b2 LSUB "" *\r\n')).toEqual([
      '* LSUB () "/" INBOX',
      '* LSUB () "/" Archive',
      '* LSUB () "/" Drafts',
      '* LSUB () "/" Junk',
      '* LSUB () "/" Sent',
      '* LSUB () "/" Trash',
      'b2 OK Lsub completed.',
    ]);
  });

  it('renames INBOX by moving its messages and leaving it empty (RFC 3501 §6.3.5)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 RENAME INBOX Saved\r\n')).toEqual(['a1 OK Rename completed.']);
    expect(s.say('a2 STATUS INBOX (MESSAGES UIDNEXT)\r\n')).toEqual([
      '* STATUS INBOX (MESSAGES 0 UIDNEXT 4)',
      'a2 OK Status completed.',
    ]);
    expect(s.say('a3 STATUS Saved (MESSAGES UIDNEXT UNSEEN)\r\n')).toEqual([
      '* STATUS Saved (MESSAGES 3 UIDNEXT 4 UNSEEN 3)',
      'a3 OK Status completed.',
    ]);
  });

  it('answers STATUS with every item and NONEXISTENT for a missing mailbox (RFC 3501 §6.3.10)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN SIZE)\r\n')).toEqual([
      '* STATUS INBOX (MESSAGES 3 RECENT 3 UIDNEXT 4 UIDVALIDITY 1700000000 UNSEEN 3 SIZE 728)',
      'a1 OK Status completed.',
    ]);
    expect(s.say('a2 STATUS Nope (MESSAGES)\r\n')).toEqual([
      "a2 NO [NONEXISTENT] Mailbox doesn't exist: Nope",
    ]);
  });

  it('appends with a synchronising literal, flags and date (RFC 3501 §6.3.11, RFC 4315 APPENDUID)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 APPEND Drafts (\\Draft) " 5-Nov-2026 10:00:00 +0100" {20}\r\n')).toEqual(['+ OK']);
    expect(s.say('Subject: hi\r\n\r\nbody\r\n')).toEqual([
      'a1 OK [APPENDUID 1700000001 1] Append completed.',
    ]);
    const drafts = s.store.account('bob@example.net')!.mailbox('Drafts')!;
    expect(drafts.messages.map((m) => [m.uid, [...m.flags], m.internalDate])).toEqual([
      [1, ['\\Draft'], 1_793_869_200_000],
    ]);
  });

  it('appends with LITERAL+ without a continuation (RFC 7888)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 APPEND INBOX {6+}\r\nHello!\r\n')).toEqual([
      'a1 OK [APPENDUID 1700000000 4] Append completed.',
    ]);
  });

  it('answers APPEND to a missing mailbox with TRYCREATE, and over quota with OVERQUOTA (RFC 3501 §6.3.11, RFC 5530)', () => {
    const s = server();
    s.login();
    expect(s.say('a1 APPEND Nope {2+}\r\nhi\r\n')).toEqual(["a1 NO [TRYCREATE] Mailbox doesn't exist: Nope"]);
    s.store.account('bob@example.net')!.quota = { storageKiB: 0 };
    expect(s.say('a2 APPEND INBOX {2+}\r\nhi\r\n')).toEqual([
      'a2 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)',
    ]);
  });
});
