/**
 * SORT (RFC 5256 §3, RFC 5957) as a pure function over a fixed corpus:
 * every key, REVERSE, several criteria, and the sequence-number tie-break.
 */
import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import type { SortCriterion, SortKey } from './codec/index.ts';
import { addressKey, displayKey, sentDate, sortInput, sortMessages, type SortInput } from './sort.ts';

const T = Date.UTC(2026, 10, 1);

/** A message of the corpus: header lines, an internal date and a body that sets its size. */
function corpusMessage(seq: number, headers: readonly string[], internalDate = T, body = 'x'): SortInput {
  const raw = latin1Bytes(`${headers.join('\r\n')}\r\n\r\n${body}\r\n`);
  return sortInput(seq, { uid: seq * 10, raw, internalDate, flags: new Set(), modseq: 1 });
}

const CORPUS = [
  corpusMessage(
    1,
    [
      'From: Zoe <zoe@example.org>',
      'To: "Bob B." <bob@example.net>',
      'Cc: carol@example.com',
      'Subject: Re: lunch',
      'Date: Mon, 2 Nov 2026 10:00:00 +0200',
    ],
    T + 3_000,
    'xxxx',
  ),
  corpusMessage(
    2,
    [
      'From: alice@example.com',
      'To: team: dave@example.com;',
      'Subject: [list] budget',
      'Date: Mon, 2 Nov 2026 07:00:00 -0100',
    ],
    T + 1_000,
    'xx',
  ),
  corpusMessage(
    3,
    ['From: =?utf-8?q?=C3=89mile?= <emile@example.fr>', 'Subject: lunch'],
    T + 2_000,
    'xxxxxx',
  ),
  corpusMessage(
    4,
    ['To: Bob <bob@example.net>', 'Subject: =?utf-8?q?Budget?=', 'Date: garbage'],
    T + 500,
    'xx',
  ),
];

const by = (...spec: string[]): SortCriterion[] =>
  spec.map((s) => {
    const reverse = s.startsWith('-');
    return { key: (reverse ? s.slice(1) : s) as SortKey, reverse };
  });
const order = (...spec: string[]) => sortMessages(CORPUS, by(...spec)).map((m) => m.seq);

describe('SORT keys (RFC 5256 §3)', () => {
  it('reads the sent date in UTC, else the internal date (§2.2)', () => {
    expect(CORPUS.map(sentDate)).toEqual([
      Date.UTC(2026, 10, 2, 8),
      Date.UTC(2026, 10, 2, 8),
      T + 2_000,
      T + 500, // an unreadable Date counts as missing
    ]);
  });

  it('reads the addr-mailbox of the first address, a group name for a group', () => {
    expect(CORPUS.map((m) => addressKey(m, 'from'))).toEqual(['zoe', 'alice', 'emile', '']);
    expect(CORPUS.map((m) => addressKey(m, 'to'))).toEqual(['bob', 'team', '', 'bob']);
    expect(CORPUS.map((m) => addressKey(m, 'cc'))).toEqual(['carol', '', '', '']);
  });

  it('reads the display name, decoded, else mailbox@host (RFC 5957)', () => {
    expect(CORPUS.map((m) => displayKey(m, 'from'))).toEqual(['Zoe', 'alice@example.com', 'Émile', '']);
    expect(CORPUS.map((m) => displayKey(m, 'to'))).toEqual(['Bob B.', 'team', '', 'Bob']);
  });

  it.each([
    [['ARRIVAL'], [4, 2, 3, 1]],
    [['-ARRIVAL'], [1, 3, 2, 4]],
    [['DATE'], [4, 3, 1, 2]], // 1 and 2 were sent at the same instant: sequence order
    [['-DATE'], [1, 2, 3, 4]], // REVERSE does not reverse the tie-break
    [['SIZE'], [3, 4, 2, 1]], // 75, 77, 122, 150 octets
    [['SUBJECT'], [2, 4, 1, 3]], // budget, budget, lunch, lunch
    [
      ['SUBJECT', '-ARRIVAL'],
      [2, 4, 1, 3],
    ],
    [
      ['SUBJECT', 'ARRIVAL'],
      [4, 2, 3, 1],
    ],
    [['FROM'], [4, 2, 3, 1]], // '', alice, emile, zoe
    [['-FROM'], [1, 3, 2, 4]],
    [['TO'], [3, 1, 4, 2]], // '', bob, bob, team
    [['CC'], [2, 3, 4, 1]],
    [['DISPLAYFROM'], [4, 2, 3, 1]], // '', alice@…, Émile (NFKD: E + U+0301), Zoe
    [['DISPLAYTO'], [3, 4, 1, 2]], // '', Bob, Bob B., team
    [
      ['TO', '-SIZE'],
      [3, 1, 4, 2],
    ],
  ])('%j → %j', (criteria, expected) => {
    expect(order(...criteria)).toEqual(expected);
  });

  it('sizes the whole message', () => {
    expect(CORPUS.map((m) => m.size)).toEqual([150, 122, 75, 77]);
  });

  it('leaves its input alone and sorts an empty set', () => {
    const copy = [...CORPUS];
    sortMessages(CORPUS, by('-SIZE'));
    expect(CORPUS).toEqual(copy);
    expect(sortMessages([], by('DATE'))).toEqual([]);
  });
});
