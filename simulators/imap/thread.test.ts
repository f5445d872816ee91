/**
 * THREAD (RFC 5256 §4) as pure functions over a fixed corpus, one rule of
 * the REFERENCES algorithm per case, written as the THREAD response would
 * show it; and ORDEREDSUBJECT.
 */
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { encodeValue, seq } from './codec/index.ts';
import { threadList } from './commands/thread.ts';
import { sortInput, type SortInput } from './sort.ts';
import { messageIdOf, referencesOf, threadByOrderedSubject, threadByReferences } from './thread.ts';

const T = Date.UTC(2026, 10, 1);

/** Message `n` (1-based) of a corpus: header lines; its internal date is T + minutes. */
function message(n: number, headers: readonly string[], minutes = 0): SortInput {
  const raw = latin1Bytes(`${headers.join('\r\n')}\r\n\r\nbody ${n}\r\n`);
  return sortInput(n, { uid: 100 + n, raw, internalDate: T + minutes * 60_000, flags: new Set(), modseq: 1 });
}

/** Messages from header lists, numbered in order; every one sent a minute after the previous. */
const corpus = (...headers: (readonly string[])[]) => headers.map((h, i) => message(i + 1, h, i));

/** The threads as the THREAD response writes them. */
function wire(threads: ReturnType<typeof threadByReferences<SortInput>>): string {
  return bytesToLatin1(encodeValue(seq(...threads.map((t) => threadList(t, (m) => m.seq)))));
}

const references = (...headers: (readonly string[])[]) => wire(threadByReferences(corpus(...headers)));

describe('message ids and references (RFC 5256 §4)', () => {
  it('normalises quoting and ignores what is not a msg-id', () => {
    expect(messageIdOf('<"01KF8JCEOCBS0045PS"@xxx.yyy.com>')).toBe('01KF8JCEOCBS0045PS@xxx.yyy.com');
    expect(messageIdOf(' (comment) <a@b> ')).toBe('a@b');
    expect(messageIdOf('no-brackets@here')).toBeUndefined();
    expect(messageIdOf('<nodomain>')).toBeUndefined();
    expect(messageIdOf(undefined)).toBeUndefined();
  });

  it('takes References, else the first id of In-Reply-To', () => {
    expect(referencesOf('<a@x> <b@x>\t<c@x>', '<z@x>')).toEqual(['a@x', 'b@x', 'c@x']);
    expect(referencesOf('garbage', 'your mail of Monday <m@x> <n@x>')).toEqual(['m@x']);
    expect(referencesOf(undefined, undefined)).toEqual([]);
  });
});

describe('THREAD=REFERENCES (RFC 5256 §4)', () => {
  it('links the references as a chain and the message under the last (step 1)', () => {
    expect(
      references(
        ['Message-ID: <1@x>'],
        ['Message-ID: <2@x>', 'In-Reply-To: <1@x>'],
        ['Message-ID: <3@x>', 'References: <1@x> <2@x>'],
      ),
    ).toBe('(1 2 3)');
  });

  it('treats a quoted msg-id as the same id', () => {
    expect(references(['Message-ID: <"a"@x>'], ['Message-ID: <b@x>', 'References: <a@x>'])).toBe('(1 2)');
  });

  it('keeps a parent from an earlier message when a later References skips it (1A)', () => {
    // 2 says 1 → 2; 3 says 0 → 2 → (dummy 3): 2 keeps its parent 1.
    expect(
      references(
        ['Message-ID: <1@x>'],
        ['Message-ID: <2@x>', 'References: <1@x>'],
        ['Message-ID: <4@x>', 'References: <0@x> <2@x> <3@x>'],
      ),
    ).toBe('(1 2 3)');
  });

  it('gives a repeated or missing Message-ID an id of its own', () => {
    expect(references(['Message-ID: <a@x>'], ['Message-ID: <a@x>'], [], ['Subject: x'])).toBe('(1)(2)(3)(4)');
  });

  it('breaks the old parent for the last reference, but makes no loop (1B)', () => {
    // imaptest "thread": 2 says a → c → b; then c says b is its parent, which would be a loop.
    expect(
      references(
        ['Message-ID: <a@b>'],
        ['Message-ID: <b@b>', 'References: <a@b> <c@b>'],
        ['Message-ID: <c@b>', 'References: <b@b>'],
      ),
    ).toBe('(1)(3 2)');
    expect(references(['Message-ID: <a@x>', 'References: <a@x>'])).toBe('(1)');
    expect(
      references(['Message-ID: <a@x>', 'References: <b@x>'], ['Message-ID: <b@x>', 'References: <a@x>']),
    ).toBe('(2 1)');
  });

  it('prunes dummies: gone when childless, replaced by their children, kept at the root with several (step 3)', () => {
    expect(references(['Message-ID: <1@x>', 'References: <gone@x>'])).toBe('(1)');
    expect(references(['References: <gone@x>'], ['References: <gone@x>'])).toBe('((1)(2))');
    expect(
      references(
        ['Message-ID: <1@x>'],
        ['Message-ID: <2@x>', 'References: <1@x> <gone@x>'],
        ['Message-ID: <3@x>', 'References: <1@x> <gone@x>'],
      ),
    ).toBe('(1 (2)(3))');
    expect(references(['References: <a@x> <b@x> <c@x>'])).toBe('(1)');
  });

  it('orders roots and siblings by sent date, a dummy by its first child, ties by sequence number (steps 4, 6)', () => {
    const threads = threadByReferences([
      message(1, ['Message-ID: <1@x>', 'Date: Mon, 2 Nov 2026 12:00:00 +0000']),
      message(2, ['Message-ID: <2@x>', 'References: <1@x>', 'Date: Mon, 2 Nov 2026 14:00:00 +0000']),
      message(3, ['Message-ID: <3@x>', 'References: <1@x>', 'Date: Mon, 2 Nov 2026 13:00:00 +0000']),
      message(4, ['Message-ID: <4@x>', 'Date: Mon, 2 Nov 2026 11:00:00 +0000']),
      message(5, ['References: <gone@x>', 'Date: Mon, 2 Nov 2026 12:30:00 +0000']),
      message(6, ['References: <gone@x>', 'Date: Mon, 2 Nov 2026 10:30:00 +0000']),
      message(7, ['Message-ID: <7@x>', 'Date: Mon, 2 Nov 2026 11:00:00 +0000']),
    ]);
    expect(wire(threads)).toBe('((6)(5))(4)(7)(1 (3)(2))');
  });

  it('groups roots by base subject (step 5)', () => {
    // A reply joins the thread of the message it answers by subject.
    expect(references(['Subject: lunch'], ['Subject: Re: lunch'])).toBe('(1 2)');
    // Two originals with one subject go under a new dummy.
    expect(references(['Subject: lunch'], ['Subject: LUNCH'])).toBe('((1)(2))');
    // A reply that came first still goes under the original.
    expect(references(['Subject: Re: lunch'], ['Subject: lunch'])).toBe('(2 1)');
    // A dummy root takes the message with its first child's subject.
    expect(
      references(
        ['References: <gone@x>', 'Subject: Re: plan'],
        ['References: <gone@x>', 'Subject: Re: plan'],
        ['Subject: plan'],
      ),
    ).toBe('((1)(2)(3))');
    // Two dummies with one subject become one.
    expect(
      references(
        ['References: <g1@x>', 'Subject: plan'],
        ['References: <g1@x>', 'Subject: plan'],
        ['References: <g2@x>', 'Subject: plan'],
        ['References: <g2@x>', 'Subject: plan'],
      ),
    ).toBe('((1)(2)(3)(4))');
    // Empty subjects are never grouped.
    expect(references(['Subject: '], ['Subject: Re:'])).toBe('(1)(2)');
  });

  it('threads nothing as nothing', () => {
    expect(threadByReferences([])).toEqual([]);
  });
});

describe('THREAD=ORDEREDSUBJECT (RFC 5256 §4)', () => {
  it('groups by base subject, the earliest at the root and the rest its children, threads by their first date', () => {
    const threads = threadByOrderedSubject([
      message(1, ['Subject: a', 'Date: Mon, 2 Nov 2026 12:00:10 +0000']),
      message(2, ['Subject: b', 'Date: Mon, 2 Nov 2026 12:00:09 +0000']),
      message(3, ['Subject: Re: a', 'Date: Mon, 2 Nov 2026 12:00:08 +0000']),
      message(4, ['Subject: [list] b', 'Date: Mon, 2 Nov 2026 12:00:07 +0000']),
      message(5, ['Subject: a', 'Date: Mon, 2 Nov 2026 12:00:30 +0000']),
      message(6, ['Subject: c', 'Date: Mon, 2 Nov 2026 12:00:07 +0000']),
      message(7, []),
      message(8, ['Subject: (fwd)']),
    ]);
    expect(wire(threads)).toBe('(7 8)(4 2)(6)(3 (1)(5))');
  });
});
