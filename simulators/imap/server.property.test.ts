/**
 * Property: whatever a client sends, the server never throws, and every
 * tagged command gets exactly one tagged response (RFC 9051 §2.2.2: "the
 * server completes a command with a tagged status response").
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler } from '../net/scheduler.ts';
import { serverHarness } from './test-fixtures.ts';

const commands = [
  'CAPABILITY',
  'NOOP',
  'LOGIN bob@example.net secret',
  'SELECT INBOX',
  'EXAMINE Sent',
  'FETCH 1:* (FLAGS BODY.PEEK[1.2]<0.5> ENVELOPE)',
  'UID FETCH 1:* BODY[]',
  'SEARCH OR SEEN NOT FROM alice',
  'SORT (REVERSE DATE SUBJECT) UTF-8 ALL',
  'UID THREAD REFERENCES UTF-8 OR SEEN FROM alice',
  'STORE 1 +FLAGS (\\Deleted)',
  'UID STORE 2 FLAGS.SILENT ($X)',
  'EXPUNGE',
  'UID EXPUNGE 1:2',
  'COPY 1 Archive',
  'UID MOVE 1:* Trash',
  'LIST "" *',
  'LSUB "" %',
  'STATUS INBOX (MESSAGES UNSEEN)',
  'CREATE a/b',
  'RENAME a x',
  'DELETE x',
  'CHECK',
  'CLOSE',
  'UNSELECT',
  'ENABLE CONDSTORE',
  'NAMESPACE',
  'ID NIL',
  'FETCH 99 FLAGS',
  'SELECT INBOX (CONDSTORE)',
  'FETCH 1:* (FLAGS) (CHANGEDSINCE 3)',
  'UID STORE 1:* (UNCHANGEDSINCE 4) +FLAGS (\\Seen)',
  'STORE 1 (UNCHANGEDSINCE 0) -FLAGS.SILENT (\\Seen)',
  'SEARCH RETURN (MIN MAX ALL COUNT) MODSEQ 2',
  'UID SEARCH RETURN () NOT DELETED',
  'STATUS INBOX (HIGHESTMODSEQ)',
  'GETQUOTAROOT INBOX',
  'GETQUOTA user/bob@example.net',
  'SETQUOTA user/bob@example.net (MESSAGE 4)',
  'SETQUOTA user/bob@example.net ()',
  'APPEND INBOX {2+}\r\nhi',
  'FROB',
  'FETCH (',
];

/** One line: a known command with a fresh tag, or junk (no CR, LF or `{`; starting with `x`, so it never reuses a tag). */
const line = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...commands).map((c) => ({ tagged: true, text: c })) },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 30 })
      .map((t) => ({ tagged: false, text: 'x' + t.replace(/[\r\n{]/g, ' ') })),
  },
);

describe('ImapServerSession (property)', () => {
  it('never throws and answers every tagged command exactly once (RFC 9051 §2.2.2)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 25 }), (lines) => {
        // Bob may change his own quota here, so SETQUOTA, APPEND and COPY meet full and empty roots.
        const s = serverHarness(new Scheduler(), { config: { quotaAdmins: ['bob@example.net'] } });
        s.store.account('bob@example.net')!.quota = { messages: 5 };
        const tags: string[] = [];
        const out: string[] = [];
        lines.forEach((l, i) => {
          const tag = `t${i}`;
          if (l.tagged) tags.push(tag);
          out.push(...s.say(l.tagged ? `${tag} ${l.text}\r\n` : `${l.text}\r\n`));
        });
        out.push(...s.say('zz NOOP\r\n'));
        for (const tag of tags) {
          expect(out.filter((o) => o.startsWith(`${tag} `))).toHaveLength(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on random octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (x, y) => {
        const s = serverHarness(new Scheduler());
        s.session.receive(x);
        s.take();
        s.login();
        s.session.receive(y);
        s.take();
      }),
      { numRuns: 300 },
    );
  });
});
