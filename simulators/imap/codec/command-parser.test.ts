import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../../core/bytes.ts';
import { daysFromCivil } from '../../core/civil-time.ts';
import { formatCommand, formatCommandSegments } from './command-formatter.ts';
import { isIdleDone, parseAuthenticateLine, parseCommand } from './command-parser.ts';
import type { CommandArgs, ImapCommand } from './command-types.ts';

/** Epoch ms of 00:00 UTC on a day, as SEARCH dates are parsed. */
const day = (y: number, m: number, d: number) => daysFromCivil(y, m, d) * 86_400_000;

const A = (args: CommandArgs): ImapCommand => ({ tag: 'A1', ...args });

/**
 * Canonical rows: the wire form parses to the command, and the command
 * formats back to exactly the wire form (STYLE.md §S5.1).
 */
const CANONICAL: [string, ImapCommand][] = [
  // RFC 3501 §6.1 any state
  ['A1 CAPABILITY', A({ name: 'CAPABILITY' })],
  ['A1 NOOP', A({ name: 'NOOP' })],
  ['A1 LOGOUT', A({ name: 'LOGOUT' })],
  // RFC 3501 §6.2 not authenticated
  ['A1 STARTTLS', A({ name: 'STARTTLS' })],
  ['A1 AUTHENTICATE PLAIN', A({ name: 'AUTHENTICATE', mechanism: 'PLAIN' })],
  [
    'A1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==',
    A({ name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: 'AGFsaWNlAHNlY3JldA==' }),
  ],
  ['A1 AUTHENTICATE EXTERNAL =', A({ name: 'AUTHENTICATE', mechanism: 'EXTERNAL', initialResponse: '' })],
  ['A1 LOGIN alice secret', A({ name: 'LOGIN', username: 'alice', password: 'secret' })],
  [
    'A1 LOGIN "fred foobar" "pass \\"word\\""',
    A({ name: 'LOGIN', username: 'fred foobar', password: 'pass "word"' }),
  ],
  ['A1 LOGIN alice ""', A({ name: 'LOGIN', username: 'alice', password: '' })],
  ['A1 LOGIN alice {8}\r\npass\r\nme', A({ name: 'LOGIN', username: 'alice', password: 'pass\r\nme' })],
  ['A1 LOGIN alice "NIL"', A({ name: 'LOGIN', username: 'alice', password: 'NIL' })],
  // RFC 3501 §6.3 authenticated
  ['A1 SELECT INBOX', A({ name: 'SELECT', mailbox: 'INBOX' })],
  ['A1 SELECT INBOX (CONDSTORE)', A({ name: 'SELECT', mailbox: 'INBOX', condstore: true })],
  ['A1 EXAMINE blurdybloop', A({ name: 'EXAMINE', mailbox: 'blurdybloop' })],
  ['A1 SELECT "Sent Items"', A({ name: 'SELECT', mailbox: 'Sent Items' })],
  ['A1 SELECT [Gmail]/Drafts', A({ name: 'SELECT', mailbox: '[Gmail]/Drafts' })],
  ['A1 SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-', A({ name: 'SELECT', mailbox: '~peter/mail/台北/日本語' })],
  ['A1 SELECT Tom&-Jerry', A({ name: 'SELECT', mailbox: 'Tom&Jerry' })],
  ['A1 CREATE owatagusiam/', A({ name: 'CREATE', mailbox: 'owatagusiam/' })],
  ['A1 CREATE Sent (USE (\\Sent))', A({ name: 'CREATE', mailbox: 'Sent', specialUse: ['\\Sent'] })],
  ['A1 CREATE Stuff (USE ())', A({ name: 'CREATE', mailbox: 'Stuff', specialUse: [] })],
  ['A1 DELETE blurdybloop', A({ name: 'DELETE', mailbox: 'blurdybloop' })],
  ['A1 RENAME blurdybloop sarasoop', A({ name: 'RENAME', from: 'blurdybloop', to: 'sarasoop' })],
  ['A1 SUBSCRIBE #news.comp.mail.mime', A({ name: 'SUBSCRIBE', mailbox: '#news.comp.mail.mime' })],
  ['A1 UNSUBSCRIBE #news.comp.mail.mime', A({ name: 'UNSUBSCRIBE', mailbox: '#news.comp.mail.mime' })],
  ['A1 LIST "" ""', A({ name: 'LIST', reference: '', patterns: [''] })],
  ['A1 LIST "" *', A({ name: 'LIST', reference: '', patterns: ['*'] })],
  ['A1 LIST /usr/staff/jones ""', A({ name: 'LIST', reference: '/usr/staff/jones', patterns: [''] })],
  ['A1 LIST ~/Mail/ %', A({ name: 'LIST', reference: '~/Mail/', patterns: ['%'] })],
  [
    'A1 LIST (SUBSCRIBED) "" *',
    A({ name: 'LIST', reference: '', patterns: ['*'], selectOptions: ['SUBSCRIBED'] }),
  ],
  [
    'A1 LIST "" (INBOX Drafts/*)',
    A({ name: 'LIST', reference: '', patterns: ['INBOX', 'Drafts/*'], patternList: true }),
  ],
  [
    'A1 LIST () "" % RETURN ()',
    A({ name: 'LIST', reference: '', patterns: ['%'], selectOptions: [], returnOptions: [] }),
  ],
  [
    'A1 LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (CHILDREN)',
    A({
      name: 'LIST',
      reference: '',
      patterns: ['%'],
      selectOptions: ['SUBSCRIBED', 'RECURSIVEMATCH'],
      returnOptions: [{ option: 'CHILDREN' }],
    }),
  ],
  [
    'A1 LIST "" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))',
    A({
      name: 'LIST',
      reference: '',
      patterns: ['*'],
      returnOptions: [{ option: 'SPECIAL-USE' }, { option: 'STATUS', items: ['MESSAGES', 'UNSEEN'] }],
    }),
  ],
  [
    'A1 LIST (SPECIAL-USE REMOTE) "" * RETURN (SUBSCRIBED)',
    A({
      name: 'LIST',
      reference: '',
      patterns: ['*'],
      selectOptions: ['SPECIAL-USE', 'REMOTE'],
      returnOptions: [{ option: 'SUBSCRIBED' }],
    }),
  ],
  ['A1 LSUB #news. comp.mail.*', A({ name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' })],
  [
    'A1 STATUS blurdybloop (UIDNEXT MESSAGES)',
    A({ name: 'STATUS', mailbox: 'blurdybloop', items: ['UIDNEXT', 'MESSAGES'] }),
  ],
  [
    'A1 STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)',
    A({
      name: 'STATUS',
      mailbox: 'INBOX',
      items: ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'HIGHESTMODSEQ'],
    }),
  ],
  [
    'A1 APPEND saved-messages (\\Seen) "17-Jul-1996 02:44:25 -0700" {12}\r\nHello Joe!\r\n',
    A({
      name: 'APPEND',
      mailbox: 'saved-messages',
      messages: [
        {
          flags: ['\\Seen'],
          date: { epochMs: 837596665000, offsetMinutes: -420 },
          message: latin1Bytes('Hello Joe!\r\n'),
          binary: false,
        },
      ],
    }),
  ],
  [
    'A1 APPEND INBOX {3}\r\nabc',
    A({ name: 'APPEND', mailbox: 'INBOX', messages: [{ message: latin1Bytes('abc'), binary: false }] }),
  ],
  [
    'A1 APPEND INBOX () {0}\r\n',
    A({
      name: 'APPEND',
      mailbox: 'INBOX',
      messages: [{ flags: [], message: new Uint8Array(0), binary: false }],
    }),
  ],
  [
    // RFC 3502 MULTIAPPEND; RFC 3516 literal8
    'A1 APPEND Drafts (\\Draft $Pending) {1}\r\na ~{2}\r\nb\0',
    A({
      name: 'APPEND',
      mailbox: 'Drafts',
      messages: [
        { flags: ['\\Draft', '$Pending'], message: latin1Bytes('a'), binary: false },
        { message: latin1Bytes('b\0'), binary: true },
      ],
    }),
  ],
  ['A1 NAMESPACE', A({ name: 'NAMESPACE' })],
  ['A1 ENABLE CONDSTORE UTF8=ACCEPT', A({ name: 'ENABLE', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] })],
  ['A1 ID NIL', A({ name: 'ID', parameters: null })],
  [
    'A1 ID ("name" "Thunderbird" "version" "115.0" "os" NIL)',
    A({
      name: 'ID',
      parameters: [
        ['name', 'Thunderbird'],
        ['version', '115.0'],
        ['os', null],
      ],
    }),
  ],
  ['A1 ID ()', A({ name: 'ID', parameters: [] })],
  ['A1 GETQUOTA ""', A({ name: 'GETQUOTA', root: '' })],
  ['A1 GETQUOTAROOT INBOX', A({ name: 'GETQUOTAROOT', mailbox: 'INBOX' })],
  [
    'A1 SETQUOTA "" (STORAGE 512 MESSAGE 1000)',
    A({
      name: 'SETQUOTA',
      root: '',
      limits: [
        { resource: 'STORAGE', limit: 512 },
        { resource: 'MESSAGE', limit: 1000 },
      ],
    }),
  ],
  ['A1 GETACL INBOX', A({ name: 'GETACL', mailbox: 'INBOX' })],
  ['A1 MYRIGHTS INBOX', A({ name: 'MYRIGHTS', mailbox: 'INBOX' })],
  ['A1 SETACL INBOX Fred +rwi', A({ name: 'SETACL', mailbox: 'INBOX', identifier: 'Fred', rights: '+rwi' })],
  ['A1 SETACL INBOX -Fred ""', A({ name: 'SETACL', mailbox: 'INBOX', identifier: '-Fred', rights: '' })],
  ['A1 DELETEACL INBOX Fred', A({ name: 'DELETEACL', mailbox: 'INBOX', identifier: 'Fred' })],
  [
    'A1 LISTRIGHTS ~/Mail/saved smith',
    A({ name: 'LISTRIGHTS', mailbox: '~/Mail/saved', identifier: 'smith' }),
  ],
  ['A1 COMPRESS DEFLATE', A({ name: 'COMPRESS', mechanism: 'DEFLATE' })],
  // RFC 3501 §6.4 selected
  ['A1 CHECK', A({ name: 'CHECK' })],
  ['A1 CLOSE', A({ name: 'CLOSE' })],
  ['A1 UNSELECT', A({ name: 'UNSELECT' })],
  ['A1 EXPUNGE', A({ name: 'EXPUNGE', uid: false })],
  ['A1 UID EXPUNGE 3000:3002', A({ name: 'EXPUNGE', uid: true, sequence: [[3000, 3002]] })],
  ['A1 IDLE', A({ name: 'IDLE' })],
  ['A1 COPY 2:4 MEETING', A({ name: 'COPY', uid: false, sequence: [[2, 4]], mailbox: 'MEETING' })],
  ['A1 UID COPY 1:* Archive', A({ name: 'COPY', uid: true, sequence: [[1, '*']], mailbox: 'Archive' })],
  ['A1 MOVE 1,3 Trash', A({ name: 'MOVE', uid: false, sequence: [1, 3], mailbox: 'Trash' })],
  [
    'A1 UID MOVE 42 "Deleted Items"',
    A({ name: 'MOVE', uid: true, sequence: [42], mailbox: 'Deleted Items' }),
  ],
  ['A1 MOVE $ Trash', A({ name: 'MOVE', uid: false, sequence: '$', mailbox: 'Trash' })],
];

const wire = (bytes: Uint8Array) => bytesToLatin1(bytes);

describe('parseCommand / formatCommand (canonical rows, both ways)', () => {
  it.each(CANONICAL)('%j', (line, command) => {
    expect(parseCommand(latin1Bytes(line + '\r\n'))).toEqual({ kind: 'command', command });
    expect(wire(formatCommand(command))).toBe(line + '\r\n');
  });
});

/**
 * Real clients' spellings: case, quoting and short forms that parse to the
 * same command but format canonically (RFC 3501 §9 note 3: case-insensitive).
 */
const PARSE_ONLY: [string, ImapCommand, string][] = [
  ['a1 capability', { tag: 'a1', name: 'CAPABILITY' }, 'a1 CAPABILITY'],
  [
    'A1 login "alice" "secret"',
    A({ name: 'LOGIN', username: 'alice', password: 'secret' }),
    'A1 LOGIN alice secret',
  ],
  ['A1 select "INBOX"', A({ name: 'SELECT', mailbox: 'INBOX' }), 'A1 SELECT INBOX'],
  ['A1 SELECT inbox', A({ name: 'SELECT', mailbox: 'INBOX' }), 'A1 SELECT INBOX'],
  [
    'A1 SELECT "iNbOx" (condstore)',
    A({ name: 'SELECT', mailbox: 'INBOX', condstore: true }),
    'A1 SELECT INBOX (CONDSTORE)',
  ],
  ['A1 SELECT {5}\r\nINBOX', A({ name: 'SELECT', mailbox: 'INBOX' }), 'A1 SELECT INBOX'],
  ['A1 SELECT INBOX/sub', A({ name: 'SELECT', mailbox: 'INBOX/sub' }), 'A1 SELECT INBOX/sub'],
  [
    'A1 create "Sent" (use (\\sent))',
    A({ name: 'CREATE', mailbox: 'Sent', specialUse: ['\\Sent'] }),
    'A1 CREATE Sent (USE (\\Sent))',
  ],
  ['A1 list "" "*"', A({ name: 'LIST', reference: '', patterns: ['*'] }), 'A1 LIST "" *'],
  ['A1 LIST "" inbox', A({ name: 'LIST', reference: '', patterns: ['inbox'] }), 'A1 LIST "" inbox'],
  [
    'A1 list (subscribed) "" "*" return (special-use)',
    A({
      name: 'LIST',
      reference: '',
      patterns: ['*'],
      selectOptions: ['SUBSCRIBED'],
      returnOptions: [{ option: 'SPECIAL-USE' }],
    }),
    'A1 LIST (SUBSCRIBED) "" * RETURN (SPECIAL-USE)',
  ],
  ['A1 lsub "" "*"', A({ name: 'LSUB', reference: '', pattern: '*' }), 'A1 LSUB "" *'],
  [
    'A1 status "INBOX" (messages)',
    A({ name: 'STATUS', mailbox: 'INBOX', items: ['MESSAGES'] }),
    'A1 STATUS INBOX (MESSAGES)',
  ],
  ['A1 getquotaroot "INBOX"', A({ name: 'GETQUOTAROOT', mailbox: 'INBOX' }), 'A1 GETQUOTAROOT INBOX'],
  ['A1 enable condstore', A({ name: 'ENABLE', capabilities: ['CONDSTORE'] }), 'A1 ENABLE CONDSTORE'],
  [
    'A1 ID (name Thunderbird)',
    A({ name: 'ID', parameters: [['name', 'Thunderbird']] }),
    'A1 ID ("name" "Thunderbird")',
  ],
  ['A1 authenticate plain', A({ name: 'AUTHENTICATE', mechanism: 'PLAIN' }), 'A1 AUTHENTICATE PLAIN'],
  ['A1 compress deflate', A({ name: 'COMPRESS', mechanism: 'DEFLATE' }), 'A1 COMPRESS DEFLATE'],
  ['A1 uid expunge 1:3', A({ name: 'EXPUNGE', uid: true, sequence: [[1, 3]] }), 'A1 UID EXPUNGE 1:3'],
  ['A1 NOOP ', A({ name: 'NOOP' }), 'A1 NOOP'],
  [
    'A1 FETCH 1 (FLAGS)',
    A({ name: 'FETCH', uid: false, sequence: [1], attributes: [{ name: 'FLAGS' }] }),
    'A1 FETCH 1 FLAGS',
  ],
  [
    'A1 fetch 1 rfc822.header',
    A({ name: 'FETCH', uid: false, sequence: [1], attributes: [{ name: 'RFC822.HEADER' }] }),
    'A1 FETCH 1 RFC822.HEADER',
  ],
  [
    'A1 fetch 1 (body.peek[header.fields (from)])',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        { name: 'BODY[]', peek: true, section: { part: [], text: 'HEADER.FIELDS', fields: ['from'] } },
      ],
    }),
    'A1 FETCH 1 BODY.PEEK[HEADER.FIELDS (from)]',
  ],
  [
    'A1 FETCH 1 BODY[HEADER.FIELDS ({7}\r\nSubject)]',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        { name: 'BODY[]', peek: false, section: { part: [], text: 'HEADER.FIELDS', fields: ['Subject'] } },
      ],
    }),
    'A1 FETCH 1 BODY[HEADER.FIELDS (Subject)]',
  ],
  [
    'A1 UID fetch 1:* (FLAGS) (changedsince 0)',
    A({ name: 'FETCH', uid: true, sequence: [[1, '*']], attributes: [{ name: 'FLAGS' }], changedSince: 0 }),
    'A1 UID FETCH 1:* FLAGS (CHANGEDSINCE 0)',
  ],
  [
    'A1 store 2 +flags \\deleted',
    A({ name: 'STORE', uid: false, sequence: [2], mode: 'add', silent: false, flags: ['\\Deleted'] }),
    'A1 STORE 2 +FLAGS (\\Deleted)',
  ],
  [
    'A1 STORE 1 FLAGS \\Seen \\Answered',
    A({
      name: 'STORE',
      uid: false,
      sequence: [1],
      mode: 'replace',
      silent: false,
      flags: ['\\Seen', '\\Answered'],
    }),
    'A1 STORE 1 FLAGS (\\Seen \\Answered)',
  ],
  [
    'A1 search since "1-Feb-1994" subject "hello"',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        { key: 'SINCE', date: day(1994, 2, 1) },
        { key: 'SUBJECT', value: 'hello' },
      ],
    }),
    'A1 SEARCH SINCE 1-Feb-1994 SUBJECT hello',
  ],
  [
    'A1 SEARCH SINCE 01-feb-1994',
    A({ name: 'SEARCH', uid: false, criteria: [{ key: 'SINCE', date: day(1994, 2, 1) }] }),
    'A1 SEARCH SINCE 1-Feb-1994',
  ],
  [
    'A1 search charset utf-8 all',
    A({ name: 'SEARCH', uid: false, charset: 'UTF-8', criteria: [{ key: 'ALL' }] }),
    'A1 SEARCH CHARSET UTF-8 ALL',
  ],
  [
    'A1 SEARCH 4:2 *:3 1,4,*',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        { key: 'SEQUENCE', set: [[4, 2]] },
        { key: 'SEQUENCE', set: [['*', 3]] },
        { key: 'SEQUENCE', set: [1, 4, '*'] },
      ],
    }),
    'A1 SEARCH 4:2 *:3 1,4,*',
  ],
  [
    'A1 APPEND INBOX {3+}\r\nabc',
    A({ name: 'APPEND', mailbox: 'INBOX', messages: [{ message: latin1Bytes('abc'), binary: false }] }),
    'A1 APPEND INBOX {3}\r\nabc',
  ],
  [
    'A1 APPEND INBOX "17-Jul-1996 02:44:25 -0000" {1}\r\nx',
    A({
      name: 'APPEND',
      mailbox: 'INBOX',
      messages: [
        { date: { epochMs: 837571465000, offsetMinutes: 0 }, message: latin1Bytes('x'), binary: false },
      ],
    }),
    'A1 APPEND INBOX "17-Jul-1996 02:44:25 +0000" {1}\r\nx',
  ],
  [
    'A1 SELECT "\\\\server\\\\share"',
    A({ name: 'SELECT', mailbox: '\\server\\share' }),
    'A1 SELECT "\\\\server\\\\share"',
  ],
];

describe('parseCommand (real clients’ spellings)', () => {
  it.each(PARSE_ONLY)('%j', (line, command, canonical) => {
    expect(parseCommand(latin1Bytes(line + '\r\n'))).toEqual({ kind: 'command', command });
    expect(wire(formatCommand(command))).toBe(canonical + '\r\n');
    expect(parseCommand(formatCommand(command))).toEqual({ kind: 'command', command });
  });

  it('accepts a line without its CRLF and a string (UTF-8) input', () => {
    expect(parseCommand('A1 SELECT "Entwürfe"', { utf8Accept: true })).toEqual({
      kind: 'command',
      command: A({ name: 'SELECT', mailbox: 'Entwürfe' }),
    });
  });
});

describe('mailbox names (RFC 3501 §5.1.3, RFC 6855 §3)', () => {
  it('decodes modified UTF-7 and writes it back', () => {
    const parsed = parseCommand('A1 CREATE "Entw&APw-rfe"');
    expect(parsed).toEqual({ kind: 'command', command: A({ name: 'CREATE', mailbox: 'Entwürfe' }) });
    expect(wire(formatCommand(A({ name: 'CREATE', mailbox: 'Entwürfe' })))).toBe(
      'A1 CREATE Entw&APw-rfe\r\n',
    );
  });

  it('takes names verbatim as UTF-8 once UTF8=ACCEPT is enabled', () => {
    expect(parseCommand('A1 CREATE "Entwürfe"', { utf8Accept: true })).toEqual({
      kind: 'command',
      command: A({ name: 'CREATE', mailbox: 'Entwürfe' }),
    });
    expect(parseCommand('A1 CREATE Entw&APw-rfe', { utf8Accept: true })).toEqual({
      kind: 'command',
      command: A({ name: 'CREATE', mailbox: 'Entw&APw-rfe' }),
    });
    const utf8 = formatCommand(A({ name: 'CREATE', mailbox: 'Entwürfe' }), { utf8Accept: true });
    expect(wire(utf8)).toBe('A1 CREATE "Entw\xc3\xbcrfe"\r\n');
  });

  it.each([
    [
      'A1 CREATE "Entwürfe"',
      A({ name: 'CREATE', mailbox: 'Entwürfe' }),
      'Mailbox name has the character U+00FC at offset 4; only printable ASCII may appear in modified UTF-7 (RFC 3501 §5.1.3)',
    ],
    [
      'A1 SELECT &Jjo',
      A({ name: 'SELECT', mailbox: '&Jjo' }),
      "Mailbox name has a '&' at offset 0 without its closing '-'",
    ],
    [
      'A1 RENAME a &AGE-',
      A({ name: 'RENAME', from: 'a', to: '&AGE-' }),
      "Mailbox name encodes the printable character 'a' in BASE64 at offset 0; it must be written as itself (RFC 3501 §5.1.3)",
    ],
    // imaptest `atoms`: "no select !#$&'+,-.0123456789:;<=>?@^_`|[}" — NO, not BAD.
    [
      "A1 SELECT !#$&'+,-.0123456789:;<=>?@^_`|[}",
      A({ name: 'SELECT', mailbox: "!#$&'+,-.0123456789:;<=>?@^_`|[}" }),
      "Mailbox name has ''' at offset 4, which is not modified BASE64",
    ],
  ])('keeps an invalid name %j as written and flags it for a NO', (line, command, mailboxNameError) => {
    expect(parseCommand(line)).toEqual({ kind: 'command', command, mailboxNameError });
  });

  it('keeps an invalid LIST pattern as written, unflagged (TOLERANCE, as Dovecot)', () => {
    expect(parseCommand('A1 LIST "" !#$&\'+,-.0123456789:;<=>?@^_`|[}%*')).toEqual({
      kind: 'command',
      command: A({ name: 'LIST', reference: '', patterns: ["!#$&'+,-.0123456789:;<=>?@^_`|[}%*"] }),
    });
  });
});

describe('formatCommandSegments (RFC 3501 §7.5)', () => {
  const login = A({ name: 'LOGIN', username: 'alice', password: 'line1\r\nline2' });

  it('splits after each synchronising literal, where the client waits for +', () => {
    expect(formatCommandSegments(login).map(wire)).toEqual(['A1 LOGIN alice {12}\r\n', 'line1\r\nline2\r\n']);
  });

  it('sends one piece with {n+} under LITERAL+ (RFC 7888)', () => {
    expect(formatCommandSegments(login, { literalPlus: true }).map(wire)).toEqual([
      'A1 LOGIN alice {12+}\r\nline1\r\nline2\r\n',
    ]);
  });
});

describe('IDLE and AUTHENTICATE lines', () => {
  it.each([
    ['DONE', true],
    ['done', true],
    ['DONE ', false],
    ['A2 DONE', false],
    ['', false],
  ])('isIdleDone(%j) is %s (RFC 2177 §4)', (line, expected) => {
    expect(isIdleDone(line)).toBe(expected);
  });

  it.each([
    ['*', { kind: 'cancel' }],
    ['', { kind: 'response', base64: '' }],
    ['AGFsaWNlAHNlY3JldA==', { kind: 'response', base64: 'AGFsaWNlAHNlY3JldA==' }],
    ['not base64!', { kind: 'bad', message: 'The SASL response must be base64, or * to cancel' }],
  ])('parseAuthenticateLine(%j) (RFC 3501 §6.2.2)', (line, expected) => {
    expect(parseAuthenticateLine(line)).toEqual(expected);
  });
});
