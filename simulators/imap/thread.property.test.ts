/**
 * Properties of SORT and THREAD over random mailboxes whose Message-ID,
 * References, In-Reply-To, Subject and Date fields are drawn from small
 * pools (so that ids collide, loop and go missing): nothing throws, every
 * message appears exactly once, and the shapes RFC 5256 §4 promises hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import type { SortKey } from './codec/index.ts';
import { encodeValue, seq } from './codec/index.ts';
import { threadList } from './commands/thread.ts';
import { compareKeys } from './collation.ts';
import { sentDate, sortInput, sortKey, sortMessages, type SortInput } from './sort.ts';
import { threadByOrderedSubject, threadByReferences, type ThreadNode } from './thread.ts';

const id = fc.constantFrom('<a@x>', '<b@x>', '<c@x>', '<d@x>', '<"e"@x>', '<e@x>', 'garbage', '<nodomain>');
const header = fc.record(
  {
    messageId: id,
    references: fc.array(id, { maxLength: 4 }).map((ids) => ids.join(' ')),
    inReplyTo: id,
    subject: fc.constantFrom(
      '',
      'a',
      'Re: a',
      'A (fwd)',
      '[l] b',
      'Fwd: [l] b',
      '[fwd: a]',
      '=?utf-8?q?=C3=A9?=',
      'Re:',
    ),
    date: fc.constantFrom('Mon, 2 Nov 2026 10:00:00 +0000', 'Mon, 2 Nov 2026 09:00:00 -0200', 'bad date'),
    from: fc.constantFrom('a@x', 'B <b@y>', 'g: c@z;', '"" <d@w>', ''),
  },
  { requiredKeys: [] },
);
const FIELDS = [
  ['messageId', 'Message-ID'],
  ['references', 'References'],
  ['inReplyTo', 'In-Reply-To'],
  ['subject', 'Subject'],
  ['date', 'Date'],
  ['from', 'From'],
] as const;

const mailbox = fc.array(fc.tuple(header, fc.nat(5)), { maxLength: 25 }).map((rows) =>
  rows.map(([h, minutes], i) => {
    const lines = FIELDS.filter(([k]) => h[k] !== undefined).map(([k, name]) => `${name}: ${h[k]}`);
    const raw = latin1Bytes(`${lines.join('\r\n')}\r\n\r\n${'x'.repeat(minutes)}\r\n`);
    return sortInput(i + 1, {
      uid: 7 * (i + 1),
      raw,
      internalDate: minutes * 60_000,
      flags: new Set(),
      modseq: 1,
    });
  }),
);

function seqsOf(nodes: readonly ThreadNode<SortInput>[]): number[] {
  return nodes.flatMap((n) => [...(n.message === undefined ? [] : [n.message.seq]), ...seqsOf(n.children)]);
}

const key = (n: ThreadNode<SortInput>): [number, number] => {
  const m = n.message ?? n.children[0]!.message!;
  return [sentDate(m), m.seq];
};
const before = (x: [number, number], y: [number, number]) => x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);

function checkShape(nodes: readonly ThreadNode<SortInput>[], atRoot: boolean): void {
  for (const n of nodes) {
    if (n.message === undefined) {
      // Dummies survive only at the root, and only with several children (§4 steps 3 and 5).
      expect(atRoot).toBe(true);
      expect(n.children.length).toBeGreaterThan(1);
    }
    checkShape(n.children, false);
  }
  // Every set of siblings is in sent-date order (step 6).
  for (let i = 1; i < nodes.length; i++) expect(before(key(nodes[i - 1]!), key(nodes[i]!))).toBe(true);
}

describe('THREAD properties (RFC 5256 §4)', () => {
  it('REFERENCES: every message exactly once, dummies only at the root, siblings by date', () => {
    fc.assert(
      fc.property(mailbox, (messages) => {
        const threads = threadByReferences(messages);
        expect(seqsOf(threads).sort((a, b) => a - b)).toEqual(messages.map((m) => m.seq));
        checkShape(threads, true);
        // The response lists every number once, in thread-list syntax.
        const text = bytesToLatin1(encodeValue(seq(...threads.map((t) => threadList(t, (m) => m.seq)))));
        expect(text).toMatch(/^(\([0-9 ()]*\))*$/);
        expect((text.match(/\d+/g) ?? []).map(Number).sort((a, b) => a - b)).toEqual(
          messages.map((m) => m.seq),
        );
      }),
    );
  });

  it('ORDEREDSUBJECT: every message exactly once, no grandchildren, threads by their first date', () => {
    fc.assert(
      fc.property(mailbox, (messages) => {
        const threads = threadByOrderedSubject(messages);
        expect(seqsOf(threads).sort((a, b) => a - b)).toEqual(messages.map((m) => m.seq));
        for (const t of threads) for (const c of t.children) expect(c.children).toEqual([]);
        checkShape(threads, true);
      }),
    );
  });
});

describe('SORT properties (RFC 5256 §3)', () => {
  const keys: SortKey[] = [
    'ARRIVAL',
    'CC',
    'DATE',
    'FROM',
    'SIZE',
    'SUBJECT',
    'TO',
    'DISPLAYFROM',
    'DISPLAYTO',
  ];
  const criteria = fc.array(fc.record({ key: fc.constantFrom(...keys), reverse: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  });

  it('returns a permutation in which each message is before the next by the criteria, then by sequence number', () => {
    fc.assert(
      fc.property(mailbox, criteria, (messages, by) => {
        const sorted = sortMessages(messages, by);
        expect(sorted.map((m) => m.seq).sort((a, b) => a - b)).toEqual(messages.map((m) => m.seq));
        const compare = (x: SortInput, y: SortInput) => {
          for (const c of by) {
            const a = sortKey(x, c.key);
            const b = sortKey(y, c.key);
            const d =
              typeof a === 'number' && typeof b === 'number' ? a - b : compareKeys(String(a), String(b));
            if (d !== 0) return c.reverse ? -d : d;
          }
          return x.seq - y.seq;
        };
        for (let i = 1; i < sorted.length; i++) expect(compare(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
      }),
    );
  });
});
