/**
 * Property: whatever a server sends — plausible responses with the tags the
 * client will use, or random octets — the client never throws, and every
 * operation its owner queued is answered exactly once, `done` or `failed`,
 * by the time the connection ends.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { latin1Bytes } from '../core/bytes.ts';
import { Scheduler } from '../net/scheduler.ts';
import { DEFAULT_IMAP_CLIENT_TIMING, ImapClientSession, type ImapClientAppEvent } from './client-session.ts';
import { TEST_TLS } from './test-fixtures.ts';

const tags = Array.from({ length: 12 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`);

const responses = [
  '* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN IDLE MOVE LITERAL+] ready',
  '* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready',
  '* OK ready',
  '* PREAUTH welcome',
  '* BYE going',
  '* CAPABILITY IMAP4rev1 IDLE UIDPLUS',
  '* 3 EXISTS',
  '* 2 EXPUNGE',
  '* 1 FETCH (UID 5 FLAGS (\\Seen) INTERNALDATE "01-Nov-2026 08:00:00 +0000" BODY[] {3}\r\nabc)',
  '* 2 FETCH (FLAGS ())',
  '* 2 FETCH (UID 6 FLAGS () RFC822.SIZE 9 ENVELOPE (NIL "hi" (("A" NIL "a" "x")) NIL NIL NIL NIL NIL NIL "<1@x>"))',
  '* 2 FETCH (UID 6 ENVELOPE (NIL NIL))',
  '* 1 FETCH (UID 1 FLAGS (\\Seen) BODY[] {2}\r\nhi)',
  '* SEARCH 1 2',
  '* LIST (\\HasNoChildren) "/" INBOX',
  '* OK [UIDVALIDITY 7] x',
  '* 0 FETCH ()',
  '+ ',
  '+ idling',
  ...tags.flatMap((t) => [`${t} OK done`, `${t} NO [TRYCREATE] nope`, `${t} BAD what`]),
];

type Step =
  | { readonly kind: 'server'; readonly bytes: Uint8Array }
  | { readonly kind: 'op'; readonly which: number }
  | { readonly kind: 'tls' }
  | { readonly kind: 'time'; readonly ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(...responses)
      .map((r) => ({ kind: 'server' as const, bytes: latin1Bytes(`${r}\r\n`) })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => ({ kind: 'server' as const, bytes })),
  },
  { weight: 3, arbitrary: fc.nat(11).map((which) => ({ kind: 'op' as const, which })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tls' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 120_000 }).map((ms) => ({ kind: 'time' as const, ms })) },
);

describe('ImapClientSession (property)', () => {
  it('never throws and answers every operation exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 40 }),
        fc.constantFrom('none', 'opportunistic', 'required'),
        (steps, tls) => {
          const clock = new Scheduler();
          const client = new ImapClientSession(
            {
              config: {
                username: 'bob',
                password: 'pw',
                tls,
                implicitTls: false,
                ...DEFAULT_IMAP_CLIENT_TIMING,
              },
            },
            clock,
          );
          const events: ImapClientAppEvent[] = [];
          const drain = () => {
            for (let out = client.poll(); out; out = client.poll())
              if (out.kind === 'event') events.push(out.event);
          };
          client.setWaker(drain);
          const ids: number[] = [];
          const ops = [
            () => client.list(),
            () => client.select('INBOX'),
            () => client.fetchNew(0),
            () => client.fetchSummaries(0),
            () => client.fetchMessage(1),
            () => client.setFlags([1, 2], '+FLAGS', ['\\Seen']),
            () => client.move([1], 'Archive'),
            () => client.expunge(),
            () => client.search('UNSEEN'),
            () => client.idle(),
            () => client.logout(),
            () => {
              client.stopIdle();
              return undefined;
            },
          ];
          for (const s of steps) {
            if (s.kind === 'server') client.receive(s.bytes);
            else if (s.kind === 'tls') client.handleTlsEstablished(TEST_TLS);
            else if (s.kind === 'time') clock.runFor(s.ms);
            else {
              const op = ops[s.which]!();
              if (op) ids.push(op.id);
            }
            drain();
          }
          client.receiveEnd();
          drain();
          const answered = events.flatMap((e) =>
            (e.type === 'done' || e.type === 'failed') && e.op ? [e.op.id] : [],
          );
          expect(answered.toSorted((a, b) => a - b)).toEqual(ids.toSorted((a, b) => a - b));
          expect(client.state).toBe('closed');
        },
      ),
      { numRuns: 400 },
    );
  });
});
