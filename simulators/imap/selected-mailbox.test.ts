/**
 * The session's view of its mailbox: resolving sequence sets and UID sets
 * (RFC 3501 §6.4.8, §9 `sequence-set`) against messages whose UIDs have
 * gaps, checked against the definition message by message.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import { MailStore } from '../store/mail-store.ts';
import { sequenceSetContains, type SeqItem } from './codec/index.ts';
import { SelectedMailbox } from './selected-mailbox.ts';

describe('SelectedMailbox.resolve', () => {
  it('names exactly the messages whose number or UID the set contains, ascending', () => {
    const bound = fc.oneof(fc.integer({ min: 1, max: 45 }), fc.constant('*' as const));
    const item = fc.oneof(bound, fc.tuple(bound, bound));
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.array(item, { minLength: 1, maxLength: 5 }),
        (keep, set: SeqItem[]) => {
          const box = new MailStore(1).createAccount('a@b', 'pw').inbox;
          keep.forEach(() => box.append(latin1Bytes('x\r\n'), { internalDate: 0 }));
          // Expunging some leaves gaps in the UIDs.
          box.expunge(box.messages.filter((_m, i) => !keep[i]).map((m) => m.uid));
          const view = new SelectedMailbox(box, true);
          const all = view.messages.map((message, i) => ({ seq: i + 1, message }));
          const highest = view.highestUid || 4_294_967_295;
          expect(view.resolve(set, false)).toEqual(
            all.filter((m) => sequenceSetContains(set, m.seq, view.count)),
          );
          expect(view.resolve(set, true)).toEqual(
            all.filter((m) => sequenceSetContains(set, m.message.uid, highest)),
          );
        },
      ),
    );
  });
});
