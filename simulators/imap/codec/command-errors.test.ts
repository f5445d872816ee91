import { describe, expect, it } from 'vitest';
import { parseCommand } from './command-parser.ts';

/**
 * Malformed commands and the exact `BAD` text a learner sees. Rows taken in
 * part from Dovecot imaptest's scripts (`list`, `listext`, `search-sets`,
 * `fetch-body`), which expect BAD for them. Wire, tag (when readable), message.
 */
const MALFORMED: [string, string | undefined, string][] = [
  ['', undefined, 'Empty command: start with a tag, e.g. A1 NOOP'],
  [' A1 NOOP', undefined, 'Unexpected space at column 1'],
  ['A1', 'A1', "Missing command name after the tag 'A1'"],
  ['+1 NOOP', undefined, 'Missing tag: every command starts with a tag such as A1, e.g. A1 NOOP'],
  ['* NOOP', undefined, 'Missing tag: every command starts with a tag such as A1, e.g. A1 NOOP'],
  ['A1 FOO', 'A1', "Unknown command 'FOO'"],
  ['A1 NOOP extra', 'A1', "NOOP has an unexpected extra argument 'extra'"],
  ['A1  NOOP', 'A1', 'Extra space at column 4'],
  ['A1 UID NOOP', 'A1', 'UID must be followed by COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE, SORT or THREAD'],
  ['A1 LOGIN alice', 'A1', 'LOGIN is missing a password'],
  ['A1 LOGIN', 'A1', 'LOGIN is missing a user name'],
  ['A1 LOGIN (alice) x', 'A1', 'LOGIN expects a user name, not a parenthesised list'],
  ['A1 LOGIN alice "unterminated', 'A1', 'Unterminated quoted string opened at column 16'],
  [
    'A1 LOGIN "a\\x" b',
    'A1',
    "Invalid escape '\\x' in quoted string (only \\\" and \\\\ are allowed) at column 12",
  ],
  [
    'A1 LOGIN al*ce x',
    'A1',
    "LOGIN: a user name 'al*ce' must be quoted, because '*' is not allowed in an atom",
  ],
  ['A1 SELECT', 'A1', 'SELECT is missing a mailbox name'],
  ['A1 SELECT INBOX ()', 'A1', 'SELECT has an empty parameter list'],
  ['A1 SELECT INBOX (QRESYNC)', 'A1', "Unknown SELECT parameter 'QRESYNC'"],
  ['A1 CREATE x (FOO)', 'A1', "Unknown CREATE parameter 'FOO'"],
  ['A1 CREATE x (USE (Sent))', 'A1', "CREATE: 'Sent' is not a special-use attribute such as \\Sent"],
  ['A1 LIST (imaptest) "" ""', 'A1', "Unknown LIST selection option 'IMAPTEST'"],
  [
    'A1 LIST (recursivematch) "" ""',
    'A1',
    'LIST: RECURSIVEMATCH needs another selection option such as SUBSCRIBED',
  ],
  [
    'A1 LIST (recursivematch remote) "" ""',
    'A1',
    'LIST: RECURSIVEMATCH needs another selection option such as SUBSCRIBED',
  ],
  ['A1 LIST "" "" return (imaptest)', 'A1', "Unknown LIST return option 'IMAPTEST'"],
  ['A1 LIST ""', 'A1', 'LIST is missing a mailbox pattern such as "*"'],
  ['A1 STATUS INBOX ()', 'A1', 'STATUS needs at least one status item, e.g. (MESSAGES)'],
  ['A1 STATUS INBOX (MESSAGES FOO)', 'A1', "Unknown STATUS item 'FOO'"],
  [
    'A1 STATUS INBOX MESSAGES',
    'A1',
    "STATUS expects a list of status items such as (MESSAGES UNSEEN), not 'MESSAGES'",
  ],
  ['A1 APPEND INBOX', 'A1', 'APPEND is missing the message as a literal, e.g. {310}'],
  [
    'A1 APPEND INBOX "hello"',
    'A1',
    'APPEND: \'hello\' is not an IMAP date-time like "17-Jul-1996 02:44:25 -0700"',
  ],
  [
    'A1 APPEND INBOX (\\Seen) "32-Jan-2000 00:00:00 +0000" {1}\r\nx',
    'A1',
    "APPEND: Jan 2000 has no day 32 (in '32-Jan-2000 00:00:00 +0000')",
  ],
  ['A1 APPEND INBOX {5}\r\nab', 'A1', 'Literal of 5 octets is cut short: only 2 follow at column 17'],
  ['A1 FETCH', 'A1', 'FETCH is missing a sequence set'],
  ['A1 FETCH 1', 'A1', 'FETCH is missing the attributes to fetch, e.g. (FLAGS UID)'],
  ['A1 FETCH 0 FLAGS', 'A1', "Invalid sequence set '0': numbers start at 1, not 0"],
  ['A1 FETCH 1:x FLAGS', 'A1', "Invalid sequence set '1:x': 'x' is not a number or '*'"],
  ['A1 FETCH 1 BODDY', 'A1', "Unknown FETCH attribute 'BODDY'"],
  ['A1 FETCH 1 (FLAGS', 'A1', "Missing ')' at column 18"],
  ['A1 FETCH 1 (FLAGS))', 'A1', "Unexpected ')' at column 19"],
  ['A1 FETCH 1 ()', 'A1', 'FETCH needs at least one attribute, e.g. (FLAGS)'],
  ['A1 FETCH 1 (ALL)', 'A1', 'FETCH macro ALL must stand alone, not inside a list'],
  ['A1 FETCH 1 BODY.PEEK', 'A1', 'BODY.PEEK needs a section, e.g. BODY.PEEK[]'],
  [
    'A1 FETCH 1 BODY[FOO]',
    'A1',
    "Unknown section 'FOO'; use HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME or a part number",
  ],
  ['A1 FETCH 1 BODY[0]', 'A1', "BODY: part numbers start at 1, not '0'"],
  ['A1 FETCH 1 BODY[MIME]', 'A1', 'MIME needs a part number, e.g. BODY[1.MIME]'],
  [
    'A1 FETCH 1 BODY[HEADER.FIELDS]',
    'A1',
    'HEADER.FIELDS needs a list of header names, e.g. HEADER.FIELDS (SUBJECT)',
  ],
  ['A1 FETCH 1 BODY[HEADER.FIELDS ()]', 'A1', 'HEADER.FIELDS needs at least one header name'],
  [
    'A1 FETCH 1 BODY[]<0>',
    'A1',
    "BODY: partial '<0>' must be <offset.length> with a length of at least 1, e.g. <0.1024>",
  ],
  [
    'A1 FETCH 1 BODY[]<1.0>',
    'A1',
    "BODY: partial '<1.0>' must be <offset.length> with a length of at least 1, e.g. <0.1024>",
  ],
  ['A1 FETCH 1 BINARY[TEXT]', 'A1', "BINARY[…] takes only a part number such as 1.2, not 'TEXT'"],
  ['A1 FETCH 1 BINARY.SIZE[1]<0.1>', 'A1', 'BINARY.SIZE takes no partial <offset.length>'],
  ['A1 FETCH 1 BODY[TEXT', 'A1', "Missing ']' at column 21"],
  ['A1 FETCH 1 FLAGS (VANISHED)', 'A1', "Unknown FETCH modifier 'VANISHED'"],
  ['A1 FETCH 1 FLAGS (CHANGEDSINCE x)', 'A1', "FETCH expects a mod-sequence after CHANGEDSINCE, not 'x'"],
  ['A1 FETCH 1 ( FLAGS)', 'A1', "Unexpected space after '(' at column 13"],
  ['A1 FETCH 1 (FLAGS )', 'A1', "Unexpected space before ')' at column 18"],
  [
    'A1 FETCH 1 BODY[HEADER.FIELDS ("Sub ject")]',
    'A1',
    "'Sub ject' is not a header field name (RFC 5322 §3.6.8)",
  ],
  ['A1 STORE 1 FLAGS', 'A1', 'STORE is missing the flags, e.g. (\\Seen)'],
  [
    'A1 STORE 1 XFLAGS (\\Seen)',
    'A1',
    "STORE expects FLAGS, +FLAGS or -FLAGS (optionally .SILENT), not 'XFLAGS'",
  ],
  ['A1 STORE 1 +FLAGS (\\*)', 'A1', "STORE: '\\*' is not a valid flag"],
  ['A1 STORE 1 +FLAGS (a*b)', 'A1', "STORE: 'a*b' is not a valid flag"],
  ['A1 STORE 1 (FOO 1) FLAGS ()', 'A1', "Unknown STORE modifier 'FOO'"],
  ['A1 SEARCH', 'A1', 'SEARCH is missing its search criteria (try ALL)'],
  ['A1 SEARCH FOO', 'A1', "Unknown search key 'FOO'"],
  ['A1 SEARCH SINCE', 'A1', 'SEARCH is missing a date after SINCE'],
  ['A1 SEARCH SINCE 31-Feb-2020', 'A1', "SINCE: Feb 2020 has no day 31 (in '31-Feb-2020')"],
  ['A1 SEARCH SINCE 1/2/2020', 'A1', "SINCE: '1/2/2020' is not an IMAP date like 1-Feb-1994"],
  ['A1 SEARCH SINCE 1-Foo-2020', 'A1', "SINCE: 'Foo' is not a month; use Jan, Feb, … Dec (in '1-Foo-2020')"],
  ['A1 SEARCH ()', 'A1', "SEARCH: empty search group '()'"],
  ['A1 SEARCH OR SEEN', 'A1', 'SEARCH is missing a second search key after OR'],
  ['A1 SEARCH NOT', 'A1', 'SEARCH is missing a search key after NOT'],
  ['A1 SEARCH LARGER x', 'A1', "SEARCH expects a size in octets after LARGER, not 'x'"],
  [
    'A1 SEARCH KEYWORD \\Seen',
    'A1',
    "SEARCH: '\\Seen' is not a keyword (a keyword is an atom such as $Forwarded)",
  ],
  ['A1 SEARCH RETURN (FOO) ALL', 'A1', "Unknown SEARCH return option 'FOO'"],
  ['A1 SEARCH UID 0', 'A1', "Invalid sequence set '0': numbers start at 1, not 0"],
  ['A1 SEARCH 1:4294967296', 'A1', "Invalid sequence set '1:4294967296': 4294967296 is above 4294967295"],
  [
    'A1 SEARCH MODSEQ "/flags/x" foo 1',
    'A1',
    "SEARCH: MODSEQ entry type must be priv, shared or all, not 'foo'",
  ],
  ['A1 SEARCH HEADER Subject', 'A1', 'SEARCH is missing a string after HEADER Subject'],
  ['A1 SORT () UTF-8 ALL', 'A1', 'SORT needs at least one sort criterion, e.g. (DATE)'],
  ['A1 SORT (FOO) UTF-8 ALL', 'A1', "Unknown SORT key 'FOO'"],
  ['A1 SORT (DATE) UTF-8', 'A1', 'SORT is missing its search criteria (try ALL)'],
  ['A1 THREAD FOO UTF-8 ALL', 'A1', "Unknown THREAD algorithm 'FOO'; use REFERENCES or ORDEREDSUBJECT"],
  ['A1 ID ("a")', 'A1', "ID parameters come in name/value pairs; 'a' has no value"],
  ['A1 ID foo', 'A1', "ID expects a parameter list or NIL, not 'foo'"],
  ['A1 ENABLE', 'A1', 'ENABLE needs at least one capability, e.g. ENABLE CONDSTORE'],
  ['A1 AUTHENTICATE PLAIN !!!', 'A1', 'AUTHENTICATE: the initial response must be base64, or = for empty'],
  ['A1 SETQUOTA "" (STORAGE x)', 'A1', "SETQUOTA expects a limit for STORAGE, not 'x'"],
  ['A1 COPY 1', 'A1', 'COPY is missing a destination mailbox'],
  ['A1 UID EXPUNGE', 'A1', 'UID EXPUNGE is missing a UID set'],
  ['A1 EXPUNGE 1', 'A1', "EXPUNGE has an unexpected extra argument '1'"],
  ['A1 LOGIN a b\x01', 'A1', 'Unexpected control character 0x01 at column 13'],
  ['A1 LOGIN "a\0" b', 'A1', 'NUL in quoted string at column 12'],
  ['A1 LOGIN {3}', 'A1', 'A literal announcement must end its line at column 13'],
  ['A1 LOGIN a {', 'A1', "Missing literal size after '{' at column 13"],
];

describe('parseCommand: malformed commands are BAD data, never exceptions', () => {
  it.each(MALFORMED)('%j', (line, tag, message) => {
    const expected = tag === undefined ? { kind: 'bad', message } : { kind: 'bad', tag, message };
    expect(parseCommand(line)).toEqual(expected);
  });
});

describe('nesting limits (stack safety)', () => {
  it('refuses 100 000 nested lists with BAD, not a stack overflow', () => {
    const line = 'A1 FETCH 1 ' + '('.repeat(100_000) + 'FLAGS' + ')'.repeat(100_000);
    expect(parseCommand(line)).toEqual({
      kind: 'bad',
      tag: 'A1',
      message: 'Lists nested deeper than 64 levels at column 76',
    });
  });

  it('refuses 100 000 unclosed parentheses the same way', () => {
    expect(parseCommand('A1 SEARCH ' + '('.repeat(100_000))).toEqual({
      kind: 'bad',
      tag: 'A1',
      message: 'Lists nested deeper than 64 levels at column 75',
    });
  });

  it('refuses NOT NOT NOT … beyond the depth limit', () => {
    expect(parseCommand('A1 SEARCH ' + 'NOT '.repeat(100_000) + 'ALL')).toEqual({
      kind: 'bad',
      tag: 'A1',
      message: 'SEARCH: search keys nested deeper than 64 levels',
    });
  });

  it('accepts nesting up to the limit', () => {
    const line = 'A1 SEARCH ' + '('.repeat(63) + 'ALL' + ')'.repeat(63);
    expect(parseCommand(line).kind).toBe('command');
  });

  it('honours a custom maxDepth', () => {
    expect(parseCommand('A1 SEARCH ((ALL))', { maxDepth: 1 })).toEqual({
      kind: 'bad',
      tag: 'A1',
      message: 'Lists nested deeper than 1 levels at column 12',
    });
  });
});
