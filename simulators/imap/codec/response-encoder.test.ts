import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes, utf8Bytes } from '../../core/bytes.ts';
import { encodeResponse, encodeValue, fetchResponse } from './response-encoder.ts';
import { parseResponse } from './response-parser.ts';
import type { ImapResponse } from './responses.ts';
import { chooseStringForm } from './value-writer.ts';
import { astr, atom, list, literal, nil, nstr, num, seq, str, type ImapValue } from './values.ts';

const wire = (v: ImapValue, utf8 = false) => bytesToLatin1(encodeValue(v, { utf8 }));

describe('encodeValue: atom, quoted or literal (RFC 3501 §4.3, §9)', () => {
  it.each<[string, ImapValue, string]>([
    ['a plain string, quoted', str('hello'), '"hello"'],
    ['an empty string', str(''), '""'],
    ['a string that looks like an atom stays quoted in a string position', str('INBOX'), '"INBOX"'],
    ['quotes and backslashes, escaped', str('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"'],
    ['a TAB, allowed in quoted', str('a\tb'), '"a\tb"'],
    ['CR LF, as a literal', str('a\r\nb'), '{4}\r\na\r\nb'],
    ['a lone LF, as a literal', str('a\nb'), '{3}\r\na\nb'],
    ['NUL, as a literal', str('a\0'), '{2}\r\na\0'],
    ['8-bit text, as a literal of UTF-8', str('é'), '{2}\r\n\xc3\xa9'],
    ['1024 octets, still quoted', str('x'.repeat(1024)), `"${'x'.repeat(1024)}"`],
    ['1025 octets, a literal', str('x'.repeat(1025)), `{1025}\r\n${'x'.repeat(1025)}`],
    ['an astring that is an atom', astr('INBOX'), 'INBOX'],
    ['an astring with ]', astr('[Gmail]/Sent Mail'), '"[Gmail]/Sent Mail"'],
    ['an astring with [ and ] only', astr('[Gmail]/Drafts'), '[Gmail]/Drafts'],
    ['an astring NIL, quoted so it is not read as nil', astr('NIL'), '"NIL"'],
    ['an astring nil, likewise', astr('nil'), '"nil"'],
    ['an empty astring', astr(''), '""'],
    ['an astring with a wildcard', astr('a%b'), '"a%b"'],
    ['an astring with a backslash', astr('a\\b'), '"a\\\\b"'],
    ['an astring in modified UTF-7', astr('Entw&APw-rfe'), 'Entw&APw-rfe'],
    ['an astring with CR LF', astr('a\r\n'), '{3}\r\na\r\n'],
    ['an astring of digits, quoted so it is not read as a number', astr('2024'), '"2024"'],
    ['nil', nil, 'NIL'],
    ['nstring null', nstr(null), 'NIL'],
    ['nstring text', nstr('x'), '"x"'],
    ['zero', num(0), '0'],
    ['a 32-bit number', num(4294967295), '4294967295'],
    ['a 63-bit-ish mod-sequence', num(9007199254740991), '9007199254740991'],
    ['a flag atom', atom('\\Seen'), '\\Seen'],
    ['a section atom', atom('BODY[HEADER.FIELDS (SUBJECT)]<0>'), 'BODY[HEADER.FIELDS (SUBJECT)]<0>'],
    ['an empty list', list(), '()'],
    ['a nested list', list(atom('a'), list(num(1), nil), str('b')), '(a (1 NIL) "b")'],
    ['a literal', literal(latin1Bytes('ab\r\n')), '{4}\r\nab\r\n'],
    ['a literal8 (RFC 3516)', literal(latin1Bytes('\0\xff'), true), '~{2}\r\n\0\xff'],
    [
      'a sequence of lists, back to back',
      list(seq(list(atom('a')), list(atom('b'))), str('mixed')),
      '((a)(b) "mixed")',
    ],
  ])('%s', (_name, value, expected) => {
    expect(wire(value)).toBe(expected);
  });

  it('quotes 8-bit text once UTF8=ACCEPT is enabled (RFC 6855 §3)', () => {
    expect(encodeValue(str('Grüße'), { utf8: true })).toEqual(utf8Bytes('"Grüße"'));
    expect(chooseStringForm('Grüße', 'string', { utf8: true })).toBe('quoted');
    expect(chooseStringForm('Grüße\r\n', 'string', { utf8: true })).toBe('literal');
  });

  it('counts the limit in octets, not characters', () => {
    expect(chooseStringForm('é'.repeat(600), 'string', { utf8: true })).toBe('literal');
    expect(chooseStringForm('é'.repeat(500), 'string', { utf8: true })).toBe('quoted');
    expect(chooseStringForm('abcdef', 'string', { maxQuoted: 5 })).toBe('literal');
  });

  it('throws on programmer errors only (RangeError)', () => {
    expect(() => encodeValue(atom(''))).toThrow(RangeError);
    expect(() => encodeValue(atom('a\r\nb'))).toThrow(RangeError);
    expect(() => encodeValue(num(-1))).toThrow(RangeError);
    expect(() => encodeValue(num(1.5))).toThrow(RangeError);
  });
});

/** Responses written and read back (RFC 3501 §7, RFC 9051 §7). */
const RESPONSES: [string, ImapResponse][] = [
  ['* 3 EXISTS', { kind: 'data', number: 3, name: 'EXISTS', values: [] }],
  ['* 0 RECENT', { kind: 'data', number: 0, name: 'RECENT', values: [] }],
  ['* 22 EXPUNGE', { kind: 'data', number: 22, name: 'EXPUNGE', values: [] }],
  [
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
    {
      kind: 'data',
      name: 'FLAGS',
      values: [list(...['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'].map(atom))],
    },
  ],
  [
    '* OK [UIDVALIDITY 1] UIDs valid',
    { kind: 'status', status: 'OK', code: { code: 'UIDVALIDITY', value: 1 }, text: 'UIDs valid' },
  ],
  [
    '* OK [UIDNEXT 4392] Predicted next UID',
    { kind: 'status', status: 'OK', code: { code: 'UIDNEXT', value: 4392 }, text: 'Predicted next UID' },
  ],
  [
    '* OK [UNSEEN 12] Message 12 is first unseen',
    { kind: 'status', status: 'OK', code: { code: 'UNSEEN', value: 12 }, text: 'Message 12 is first unseen' },
  ],
  [
    '* OK [HIGHESTMODSEQ 715194045007] Highest',
    { kind: 'status', status: 'OK', code: { code: 'HIGHESTMODSEQ', value: 715194045007 }, text: 'Highest' },
  ],
  [
    '* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited',
    {
      kind: 'status',
      status: 'OK',
      code: { code: 'PERMANENTFLAGS', flags: ['\\Deleted', '\\Seen', '\\*'] },
      text: 'Limited',
    },
  ],
  [
    '* OK [CLOSED] Previous mailbox is now closed',
    { kind: 'status', status: 'OK', code: { code: 'CLOSED' }, text: 'Previous mailbox is now closed' },
  ],
  [
    '* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN] Mailroom ready',
    {
      kind: 'status',
      status: 'OK',
      code: { code: 'CAPABILITY', capabilities: ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'AUTH=PLAIN'] },
      text: 'Mailroom ready',
    },
  ],
  [
    '* PREAUTH IMAP4rev1 server logged in as Smith',
    { kind: 'status', status: 'PREAUTH', text: 'IMAP4rev1 server logged in as Smith' },
  ],
  ['* BYE Logging out', { kind: 'status', status: 'BYE', text: 'Logging out' }],
  [
    '* NO [ALERT] Disk almost full',
    { kind: 'status', status: 'NO', code: { code: 'ALERT' }, text: 'Disk almost full' },
  ],
  ['* BAD Command line too long', { kind: 'status', status: 'BAD', text: 'Command line too long' }],
  [
    'A1 OK [READ-WRITE] SELECT completed',
    { kind: 'tagged', tag: 'A1', status: 'OK', code: { code: 'READ-WRITE' }, text: 'SELECT completed' },
  ],
  [
    'A1 OK [READ-ONLY] EXAMINE completed',
    { kind: 'tagged', tag: 'A1', status: 'OK', code: { code: 'READ-ONLY' }, text: 'EXAMINE completed' },
  ],
  [
    'A003 OK [APPENDUID 38505 3955] APPEND completed',
    {
      kind: 'tagged',
      tag: 'A003',
      status: 'OK',
      code: { code: 'APPENDUID', uidValidity: 38505, uids: [3955] },
      text: 'APPEND completed',
    },
  ],
  [
    'A004 OK [COPYUID 38505 304,319:320 3956:3958] Done',
    {
      kind: 'tagged',
      tag: 'A004',
      status: 'OK',
      code: {
        code: 'COPYUID',
        uidValidity: 38505,
        sourceUids: [304, 319, 320],
        destinationUids: [3956, 3957, 3958],
      },
      text: 'Done',
    },
  ],
  [
    'd105 OK [MODIFIED 7,9] Conditional STORE failed',
    {
      kind: 'tagged',
      tag: 'd105',
      status: 'OK',
      code: { code: 'MODIFIED', numbers: [7, 9] },
      text: 'Conditional STORE failed',
    },
  ],
  [
    'A1 NO [BADCHARSET (US-ASCII UTF-8)] Unsupported charset',
    {
      kind: 'tagged',
      tag: 'A1',
      status: 'NO',
      code: { code: 'BADCHARSET', charsets: ['US-ASCII', 'UTF-8'] },
      text: 'Unsupported charset',
    },
  ],
  ...(
    [
      'TOOBIG',
      'OVERQUOTA',
      'NONEXISTENT',
      'ALREADYEXISTS',
      'CANNOT',
      'TRYCREATE',
      'AUTHENTICATIONFAILED',
      'PRIVACYREQUIRED',
      'UNAVAILABLE',
      'INUSE',
      'EXPUNGEISSUED',
      'UIDNOTSTICKY',
    ] as const
  ).map((code): [string, ImapResponse] => [
    `A2 NO [${code}] Refused`,
    { kind: 'tagged', tag: 'A2', status: 'NO', code: { code }, text: 'Refused' },
  ]),
  [
    'A1 NO [REFERRAL imap://x.example/INBOX] Moved',
    {
      kind: 'tagged',
      tag: 'A1',
      status: 'NO',
      code: { code: 'other', name: 'REFERRAL', text: 'imap://x.example/INBOX' },
      text: 'Moved',
    },
  ],
  [
    'A1 OK [X-UNKNOWN] Fine',
    { kind: 'tagged', tag: 'A1', status: 'OK', code: { code: 'other', name: 'X-UNKNOWN' }, text: 'Fine' },
  ],
  ['A1 BAD Unknown command', { kind: 'tagged', tag: 'A1', status: 'BAD', text: 'Unknown command' }],
  ['+ Ready for literal data', { kind: 'continuation', text: 'Ready for literal data' }],
  ['+ ', { kind: 'continuation', text: '' }],
  ['+ dGVzdA==', { kind: 'continuation', text: 'dGVzdA==' }],
  [
    '* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED',
    {
      kind: 'data',
      name: 'CAPABILITY',
      values: ['IMAP4rev1', 'STARTTLS', 'AUTH=GSSAPI', 'LOGINDISABLED'].map(atom),
    },
  ],
  [
    '* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"',
    {
      kind: 'data',
      name: 'LIST',
      values: [list(atom('\\HasNoChildren'), atom('\\Sent')), str('/'), str('Sent Items')],
    },
  ],
  [
    '* LIST (\\Noselect) NIL ""',
    { kind: 'data', name: 'LIST', values: [list(atom('\\Noselect')), nil, str('')] },
  ],
  [
    '* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)',
    {
      kind: 'data',
      name: 'STATUS',
      values: [atom('blurdybloop'), list(atom('MESSAGES'), num(231), atom('UIDNEXT'), num(44292))],
    },
  ],
  ['* SEARCH', { kind: 'data', name: 'SEARCH', values: [] }],
  ['* SEARCH 2 84 882', { kind: 'data', name: 'SEARCH', values: [num(2), num(84), num(882)] }],
  [
    '* ESEARCH (TAG "A282") UID MIN 2 COUNT 3',
    {
      kind: 'data',
      name: 'ESEARCH',
      values: [list(atom('TAG'), str('A282')), atom('UID'), atom('MIN'), num(2), atom('COUNT'), num(3)],
    },
  ],
  [
    '* NAMESPACE (("" "/")) NIL NIL',
    { kind: 'data', name: 'NAMESPACE', values: [list(list(str(''), str('/'))), nil, nil] },
  ],
  [
    '* ID ("name" "Mailroom" "version" NIL)',
    { kind: 'data', name: 'ID', values: [list(str('name'), str('Mailroom'), str('version'), nil)] },
  ],
  ['* ENABLED CONDSTORE', { kind: 'data', name: 'ENABLED', values: [atom('CONDSTORE')] }],
  [
    '* QUOTA "" (STORAGE 10 512)',
    { kind: 'data', name: 'QUOTA', values: [str(''), list(atom('STORAGE'), num(10), num(512))] },
  ],
  [
    '* MYRIGHTS INBOX rwiptsldaex',
    { kind: 'data', name: 'MYRIGHTS', values: [atom('INBOX'), atom('rwiptsldaex')] },
  ],
  [
    '* 12 FETCH (FLAGS (\\Seen) UID 4827313 MODSEQ (65402))',
    {
      kind: 'data',
      number: 12,
      name: 'FETCH',
      values: [
        list(
          atom('FLAGS'),
          list(atom('\\Seen')),
          atom('UID'),
          num(4827313),
          atom('MODSEQ'),
          list(num(65402)),
        ),
      ],
    },
  ],
  [
    '* 2 FETCH (UID 4 BODY[HEADER.FIELDS (SUBJECT)] {24}\r\nSubject: Hello there\r\n\r\n)',
    {
      kind: 'data',
      number: 2,
      name: 'FETCH',
      values: [
        list(
          atom('UID'),
          num(4),
          atom('BODY[HEADER.FIELDS (SUBJECT)]'),
          literal(latin1Bytes('Subject: Hello there\r\n\r\n')),
        ),
      ],
    },
  ],
  [
    '* 1 FETCH (BINARY[1] ~{3}\r\n\0\x01\x02 BODY[TEXT]<0> "bod")',
    {
      kind: 'data',
      number: 1,
      name: 'FETCH',
      values: [
        list(atom('BINARY[1]'), literal(Uint8Array.of(0, 1, 2), true), atom('BODY[TEXT]<0>'), str('bod')),
      ],
    },
  ],
];

describe('encodeResponse / parseResponse (both ways)', () => {
  it.each(RESPONSES)('%j', (text, response) => {
    expect(bytesToLatin1(encodeResponse(response))).toBe(text + '\r\n');
    expect(parseResponse(latin1Bytes(text + '\r\n'))).toEqual({ ok: true, value: response });
  });

  it('writes the grammar’s back-to-back lists (BODYSTRUCTURE, THREAD) with seq', () => {
    const part = (sub: string) =>
      list(str('TEXT'), str(sub), list(str('CHARSET'), str('UTF-8')), nil, nil, str('7BIT'), num(3), num(1));
    const r: ImapResponse = {
      kind: 'data',
      number: 1,
      name: 'FETCH',
      values: [list(atom('BODYSTRUCTURE'), list(seq(part('PLAIN'), part('HTML')), str('ALTERNATIVE')))],
    };
    const text = bytesToLatin1(encodeResponse(r));
    expect(text).toBe(
      '* 1 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "7BIT" 3 1)' +
        '("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "7BIT" 3 1) "ALTERNATIVE"))\r\n',
    );
    // The parser reads the run as plain list items.
    expect(parseResponse(text)).toEqual({
      ok: true,
      value: {
        ...r,
        values: [list(atom('BODYSTRUCTURE'), list(part('PLAIN'), part('HTML'), str('ALTERNATIVE')))],
      },
    });
    const thread: ImapResponse = {
      kind: 'data',
      name: 'THREAD',
      values: [
        seq(list(num(2)), list(num(3), num(6), seq(list(num(4), num(23)), list(num(44), num(7), num(96))))),
      ],
    };
    expect(bytesToLatin1(encodeResponse(thread))).toBe('* THREAD (2)(3 6 (4 23)(44 7 96))\r\n');
  });

  it('builds FETCH responses from name/value pairs', () => {
    const r = fetchResponse(2, [
      ['UID', num(4)],
      ['FLAGS', list(atom('\\Seen'))],
    ]);
    expect(bytesToLatin1(encodeResponse(r))).toBe('* 2 FETCH (UID 4 FLAGS (\\Seen))\r\n');
  });

  it('turns CR, LF and NUL in free text into spaces', () => {
    const r: ImapResponse = {
      kind: 'tagged',
      tag: 'A1',
      status: 'NO',
      text: 'Mailbox "a\r\nb\0" does not exist',
    };
    expect(bytesToLatin1(encodeResponse(r))).toBe('A1 NO Mailbox "a  b " does not exist\r\n');
  });

  it('writes free text as UTF-8', () => {
    const r: ImapResponse = { kind: 'status', status: 'OK', text: 'Grüße' };
    expect(encodeResponse(r)).toEqual(utf8Bytes('* OK Grüße\r\n'));
    expect(parseResponse(encodeResponse(r))).toEqual({ ok: true, value: r });
  });

  it('writes a code without text', () => {
    const r: ImapResponse = {
      kind: 'tagged',
      tag: 'A1',
      status: 'OK',
      code: { code: 'READ-WRITE' },
      text: '',
    };
    expect(bytesToLatin1(encodeResponse(r))).toBe('A1 OK [READ-WRITE]\r\n');
    expect(parseResponse(encodeResponse(r))).toEqual({ ok: true, value: r });
  });
});
