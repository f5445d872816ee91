/**
 * Property: whatever a client sends, the server never throws, and every
 * line gets exactly one response — a `+OK`/`-ERR` line (with a dot-ended
 * body after `+OK` for multi-line commands) or a `+ ` SASL continuation —
 * until the session closes (RFC 1939 §3: "Responses … consist of a status
 * indicator"; RFC 2449 §4).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64Encode, bytesToLatin1 } from '../core/bytes.ts';
import { plainResponse } from '../auth/sasl.ts';
import { Scheduler } from '../net/scheduler.ts';
import { serverHarness, TEST_TLS } from './test-fixtures.ts';

const verbs = [
  'USER',
  'PASS',
  'APOP',
  'AUTH',
  'CAPA',
  'STLS',
  'STAT',
  'LIST',
  'RETR',
  'DELE',
  'NOOP',
  'RSET',
  'TOP',
  'UIDL',
  'QUIT',
];
const arg = fc.oneof(
  fc.constantFrom(
    '1',
    '2',
    '3',
    '0',
    '-1',
    '99999',
    'abc',
    'bob@example.net',
    'secret',
    'PLAIN',
    'LOGIN',
    'CRAM-MD5',
    '*',
    '=',
  ),
  fc.string({ maxLength: 12 }),
);
const command = fc
  .tuple(fc.constantFrom(...verbs), fc.array(arg, { maxLength: 3 }), fc.boolean())
  .map(([verb, args, lower]) => [lower ? verb.toLowerCase() : verb, ...args].join(' '));
const login = fc.constantFrom(
  'USER bob@example.net',
  'PASS secret',
  `AUTH PLAIN ${base64Encode(plainResponse('bob@example.net', 'secret'))}`,
);
/** Any octets but LF, occasionally longer than 255. */
const junk = fc
  .uint8Array({ maxLength: 300 })
  .map((bytes) => bytesToLatin1(bytes.map((b) => (b === 0x0a ? 0x20 : b))));
const line = fc.oneof(
  { arbitrary: command, weight: 4 },
  { arbitrary: login, weight: 2 },
  { arbitrary: junk, weight: 2 },
);

describe('Pop3ServerSession with arbitrary input (property)', () => {
  it('answers every line with exactly one response and never throws', () => {
    let reachedTransaction = false;
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.constantFrom('\r\n', '\n')), { maxLength: 25 }), (lines) => {
        const s = serverHarness(new Scheduler());
        for (const [text, ending] of lines) {
          if (s.session.state === 'closed' || s.session.state === 'update') break;
          const out = s.say(`${text}${ending}`);
          expect(out.length).toBeGreaterThan(0);
          const [first, ...rest] = out;
          expect(first).toMatch(/^(\+OK|-ERR)( |$)|^\+ /);
          if (rest.length > 0) {
            expect(first).toMatch(/^\+OK/);
            expect(rest.at(-1)).toBe('.');
            // Stuffed body lines are never a lone dot: the response ends at its one terminator.
            expect(rest.slice(0, -1)).not.toContain('.');
          }
          if (first === '+OK Begin TLS negotiation') s.session.handleTlsEstablished(TEST_TLS);
        }
        reachedTransaction ||= s.events.some((e) => e.type === 'loggedIn');
        s.session.stop();
        expect(s.store.account('bob@example.net')!.maildropLock).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    // The generator does get past AUTHORIZATION, so TRANSACTION commands are exercised too.
    expect(reachedTransaction).toBe(true);
  });
});
