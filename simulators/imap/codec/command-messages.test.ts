import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../../core/bytes.ts';
import { daysFromCivil } from '../../core/civil-time.ts';
import { formatCommand } from './command-formatter.ts';
import { parseCommand } from './command-parser.ts';
import type { CommandArgs, ImapCommand } from './command-types.ts';

/** Epoch ms of 00:00 UTC on a day, as SEARCH dates are parsed. */
const day = (y: number, m: number, d: number) => daysFromCivil(y, m, d) * 86_400_000;

const A = (args: CommandArgs): ImapCommand => ({ tag: 'A1', ...args });

/** FETCH, STORE and SEARCH rows (RFC 3501 §6.4.4–§6.4.6, RFC 7162, RFC 4731). */
const CANONICAL_MESSAGE_COMMANDS: [string, ImapCommand][] = [
  ['A1 FETCH 1 FLAGS', A({ name: 'FETCH', uid: false, sequence: [1], attributes: [{ name: 'FLAGS' }] })],
  [
    'A1 FETCH 2:4 ALL',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [[2, 4]],
      macro: 'ALL',
      attributes: [
        { name: 'FLAGS' },
        { name: 'INTERNALDATE' },
        { name: 'RFC822.SIZE' },
        { name: 'ENVELOPE' },
      ],
    }),
  ],
  [
    'A1 FETCH 1:* FAST',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [[1, '*']],
      macro: 'FAST',
      attributes: [{ name: 'FLAGS' }, { name: 'INTERNALDATE' }, { name: 'RFC822.SIZE' }],
    }),
  ],
  [
    'A1 FETCH 1 FULL',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      macro: 'FULL',
      attributes: [
        { name: 'FLAGS' },
        { name: 'INTERNALDATE' },
        { name: 'RFC822.SIZE' },
        { name: 'ENVELOPE' },
        { name: 'BODY' },
      ],
    }),
  ],
  [
    'A1 FETCH 1 (FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT ENVELOPE BODY BODYSTRUCTURE UID MODSEQ)',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        { name: 'FLAGS' },
        { name: 'INTERNALDATE' },
        { name: 'RFC822' },
        { name: 'RFC822.HEADER' },
        { name: 'RFC822.SIZE' },
        { name: 'RFC822.TEXT' },
        { name: 'ENVELOPE' },
        { name: 'BODY' },
        { name: 'BODYSTRUCTURE' },
        { name: 'UID' },
        { name: 'MODSEQ' },
      ],
    }),
  ],
  [
    'A1 FETCH 1 BODY[]',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [{ name: 'BODY[]', peek: false, section: { part: [] } }],
    }),
  ],
  [
    'A1 UID FETCH 4827313:4828442 (FLAGS BODY.PEEK[HEADER])',
    A({
      name: 'FETCH',
      uid: true,
      sequence: [[4827313, 4828442]],
      attributes: [{ name: 'FLAGS' }, { name: 'BODY[]', peek: true, section: { part: [], text: 'HEADER' } }],
    }),
  ],
  [
    'A1 FETCH 1 BODY.PEEK[TEXT]<0.3>',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        {
          name: 'BODY[]',
          peek: true,
          section: { part: [], text: 'TEXT' },
          partial: { offset: 0, length: 3 },
        },
      ],
    }),
  ],
  [
    'A1 FETCH 1 BODY[1.2.3]',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [{ name: 'BODY[]', peek: false, section: { part: [1, 2, 3] } }],
    }),
  ],
  [
    'A1 FETCH 1 (BODY[1.MIME] BODY[2.HEADER] BODY[3.TEXT])',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        { name: 'BODY[]', peek: false, section: { part: [1], text: 'MIME' } },
        { name: 'BODY[]', peek: false, section: { part: [2], text: 'HEADER' } },
        { name: 'BODY[]', peek: false, section: { part: [3], text: 'TEXT' } },
      ],
    }),
  ],
  [
    'A1 FETCH 1 BODY.PEEK[HEADER.FIELDS (From Subject)]',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        {
          name: 'BODY[]',
          peek: true,
          section: { part: [], text: 'HEADER.FIELDS', fields: ['From', 'Subject'] },
        },
      ],
    }),
  ],
  [
    'A1 FETCH 1 BODY[1.HEADER.FIELDS.NOT (DATE "X-Odd(Name)")]',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        {
          name: 'BODY[]',
          peek: false,
          section: { part: [1], text: 'HEADER.FIELDS.NOT', fields: ['DATE', 'X-Odd(Name)'] },
        },
      ],
    }),
  ],
  [
    'A1 FETCH 1 (BINARY[1.2] BINARY.PEEK[]<10.20> BINARY.SIZE[1])',
    A({
      name: 'FETCH',
      uid: false,
      sequence: [1],
      attributes: [
        { name: 'BINARY[]', peek: false, part: [1, 2] },
        { name: 'BINARY[]', peek: true, part: [], partial: { offset: 10, length: 20 } },
        { name: 'BINARY.SIZE', part: [1] },
      ],
    }),
  ],
  [
    'A1 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 12345)',
    A({
      name: 'FETCH',
      uid: true,
      sequence: [[1, '*']],
      attributes: [{ name: 'UID' }, { name: 'FLAGS' }],
      changedSince: 12345,
    }),
  ],
  [
    'A1 STORE 2:4 +FLAGS (\\Deleted)',
    A({ name: 'STORE', uid: false, sequence: [[2, 4]], mode: 'add', silent: false, flags: ['\\Deleted'] }),
  ],
  [
    'A1 STORE 1 FLAGS ()',
    A({ name: 'STORE', uid: false, sequence: [1], mode: 'replace', silent: false, flags: [] }),
  ],
  [
    'A1 UID STORE 5 -FLAGS.SILENT (\\Seen $Forwarded NonJunk)',
    A({
      name: 'STORE',
      uid: true,
      sequence: [5],
      mode: 'remove',
      silent: true,
      flags: ['\\Seen', '$Forwarded', 'NonJunk'],
    }),
  ],
  [
    'A1 STORE 7,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)',
    A({
      name: 'STORE',
      uid: false,
      sequence: [7, 9],
      unchangedSince: 320162338,
      mode: 'add',
      silent: true,
      flags: ['\\Deleted'],
    }),
  ],
  ['A1 SEARCH ALL', A({ name: 'SEARCH', uid: false, criteria: [{ key: 'ALL' }] })],
  [
    'A1 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        { key: 'FLAGGED' },
        { key: 'SINCE', date: day(1994, 2, 1) },
        { key: 'NOT', operand: { key: 'FROM', value: 'Smith' } },
      ],
    }),
  ],
  [
    'A1 UID SEARCH CHARSET UTF-8 TEXT {6}\r\nh\xc3\xa9llo',
    A({ name: 'SEARCH', uid: true, charset: 'UTF-8', criteria: [{ key: 'TEXT', value: 'héllo' }] }),
  ],
  [
    'A1 SEARCH OR (SEEN FLAGGED) NOT (DELETED DRAFT) 1:3,5 UID 10:*',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        {
          key: 'OR',
          left: { key: 'AND', operands: [{ key: 'SEEN' }, { key: 'FLAGGED' }] },
          right: { key: 'NOT', operand: { key: 'AND', operands: [{ key: 'DELETED' }, { key: 'DRAFT' }] } },
        },
        { key: 'SEQUENCE', set: [[1, 3], 5] },
        { key: 'UID', set: [[10, '*']] },
      ],
    }),
  ],
  [
    'A1 SEARCH ANSWERED DELETED DRAFT NEW OLD RECENT SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: (
        [
          'ANSWERED',
          'DELETED',
          'DRAFT',
          'NEW',
          'OLD',
          'RECENT',
          'SEEN',
          'UNANSWERED',
          'UNDELETED',
          'UNDRAFT',
          'UNFLAGGED',
          'UNSEEN',
        ] as const
      ).map((key) => ({ key })),
    }),
  ],
  [
    'A1 SEARCH BCC a BODY b CC c FROM d SUBJECT "e f" TEXT g TO h',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        { key: 'BCC', value: 'a' },
        { key: 'BODY', value: 'b' },
        { key: 'CC', value: 'c' },
        { key: 'FROM', value: 'd' },
        { key: 'SUBJECT', value: 'e f' },
        { key: 'TEXT', value: 'g' },
        { key: 'TO', value: 'h' },
      ],
    }),
  ],
  [
    'A1 SEARCH BEFORE 1-Jan-2000 ON 29-Feb-2024 SENTBEFORE 2-Mar-2001 SENTON 3-Apr-2002 SENTSINCE 4-May-2003',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        { key: 'BEFORE', date: day(2000, 1, 1) },
        { key: 'ON', date: day(2024, 2, 29) },
        { key: 'SENTBEFORE', date: day(2001, 3, 2) },
        { key: 'SENTON', date: day(2002, 4, 3) },
        { key: 'SENTSINCE', date: day(2003, 5, 4) },
      ],
    }),
  ],
  [
    'A1 SEARCH LARGER 1024 SMALLER 4096 KEYWORD $Forwarded UNKEYWORD $Junk HEADER Message-ID <a@b>',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [
        { key: 'LARGER', size: 1024 },
        { key: 'SMALLER', size: 4096 },
        { key: 'KEYWORD', flag: '$Forwarded' },
        { key: 'UNKEYWORD', flag: '$Junk' },
        { key: 'HEADER', field: 'Message-ID', value: '<a@b>' },
      ],
    }),
  ],
  [
    'A1 SEARCH HEADER X-Empty ""',
    A({ name: 'SEARCH', uid: false, criteria: [{ key: 'HEADER', field: 'X-Empty', value: '' }] }),
  ],
  [
    'A1 SEARCH MODSEQ "/flags/\\\\draft" all 620162338',
    A({
      name: 'SEARCH',
      uid: false,
      criteria: [{ key: 'MODSEQ', entry: { name: '/flags/\\draft', type: 'all' }, modseq: 620162338 }],
    }),
  ],
  ['A1 SEARCH MODSEQ 0', A({ name: 'SEARCH', uid: false, criteria: [{ key: 'MODSEQ', modseq: 0 }] })],
  [
    'A1 SEARCH RETURN (MIN MAX ALL COUNT) UNSEEN',
    A({
      name: 'SEARCH',
      uid: false,
      returnOptions: ['MIN', 'MAX', 'ALL', 'COUNT'],
      criteria: [{ key: 'UNSEEN' }],
    }),
  ],
  [
    'A1 UID SEARCH RETURN () CHARSET US-ASCII ALL',
    A({ name: 'SEARCH', uid: true, returnOptions: [], charset: 'US-ASCII', criteria: [{ key: 'ALL' }] }),
  ],
  [
    'A1 SEARCH RETURN (SAVE) DELETED',
    A({ name: 'SEARCH', uid: false, returnOptions: ['SAVE'], criteria: [{ key: 'DELETED' }] }),
  ],
  ['A1 SEARCH $', A({ name: 'SEARCH', uid: false, criteria: [{ key: 'SEQUENCE', set: '$' }] })],
  [
    'A1 SORT (REVERSE ARRIVAL CC DATE FROM SIZE SUBJECT TO DISPLAYFROM DISPLAYTO) UTF-8 ALL',
    A({
      name: 'SORT',
      uid: false,
      criteria: [
        { key: 'ARRIVAL', reverse: true },
        ...(['CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'] as const).map(
          (key) => ({
            key,
            reverse: false,
          }),
        ),
      ],
      charset: 'UTF-8',
      search: [{ key: 'ALL' }],
    }),
  ],
  [
    'A1 UID SORT (REVERSE DATE) US-ASCII SUBJECT afternoon UNDELETED',
    A({
      name: 'SORT',
      uid: true,
      criteria: [{ key: 'DATE', reverse: true }],
      charset: 'US-ASCII',
      search: [{ key: 'SUBJECT', value: 'afternoon' }, { key: 'UNDELETED' }],
    }),
  ],
  [
    'A1 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-Mar-2000',
    A({
      name: 'THREAD',
      uid: false,
      algorithm: 'ORDEREDSUBJECT',
      charset: 'UTF-8',
      search: [{ key: 'SINCE', date: day(2000, 3, 5) }],
    }),
  ],
  [
    'A1 UID THREAD REFERENCES US-ASCII ALL',
    A({ name: 'THREAD', uid: true, algorithm: 'REFERENCES', charset: 'US-ASCII', search: [{ key: 'ALL' }] }),
  ],
];

describe('parseCommand / formatCommand: FETCH, STORE, SEARCH, SORT, THREAD (both ways)', () => {
  it.each(CANONICAL_MESSAGE_COMMANDS)('%j', (line, command) => {
    expect(parseCommand(latin1Bytes(line + '\r\n'))).toEqual({ kind: 'command', command });
    expect(bytesToLatin1(formatCommand(command))).toBe(line + '\r\n');
  });
});
