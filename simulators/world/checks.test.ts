import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import { hostId, ms, port, type ConnId, type SessionId } from '../core/ids.ts';
import type { TraceEvent, TraceEventBody } from '../trace/events.ts';
import { Trace } from '../trace/trace.ts';
import { describeCheck, evaluateCheck, type Check } from './checks.ts';
import { PRESETS } from './presets/index.ts';
import { readSmtpExchanges } from './trace-facts.ts';
import { World } from './world.ts';

function traceOf(bodies: readonly TraceEventBody[]): readonly TraceEvent[] {
  const trace = new Trace(() => ms(0));
  for (const b of bodies) trace.append({ ...b });
  return trace.events;
}

/** The `auth` event a receiving MTA writes (inbound-auth.ts). */
function auth(
  at: string,
  detail: {
    from: string;
    to: string[];
    client: string;
    spf: string;
    dkim: string[];
    dmarc: string;
    disposition: string;
  },
): TraceEventBody {
  return { type: 'agent', host: hostId(at), agent: 'mta', action: 'auth', detail: { id: 'Q', ...detail } };
}

function connecting(conn: string, client: [string, string], server: [string, string]): TraceEventBody {
  return {
    type: 'conn.connecting',
    conn: conn as ConnId,
    client: { host: hostId(client[0]), address: client[1], port: port(40000) },
    server: { host: hostId(server[0]), address: server[1], port: port(25) },
  };
}

const ALICE_BOB = { from: 'alice@example.com', to: ['bob@example.net'] };
const passing = auth('mx.example.net', {
  ...ALICE_BOB,
  client: '192.0.2.25',
  spf: 'pass',
  dkim: ['pass', 'permerror'],
  dmarc: 'pass',
  disposition: 'none',
});
const failing = auth('mx.example.net', {
  ...ALICE_BOB,
  client: '203.0.113.66',
  spf: 'fail',
  dkim: ['none'],
  dmarc: 'fail',
  disposition: 'reject',
});
const spfPassDmarcPass: Check = {
  type: 'auth',
  message: { from: 'alice@example.com', to: 'bob@example.net' },
  spf: 'pass',
  dmarc: 'pass',
};

describe('evaluateCheck: auth verdicts', () => {
  it('does not pass before any message was checked, and says so', () => {
    expect(evaluateCheck(spfPassDmarcPass, [])).toEqual({
      pass: false,
      seen: ['no message from alice@example.com to bob@example.net has been checked yet'],
    });
  });

  it('looks at the last matching message by default, so a fix shows with the next message', () => {
    expect(evaluateCheck(spfPassDmarcPass, traceOf([failing, passing]))).toEqual({
      pass: true,
      seen: [
        'mx.example.net checked alice@example.com → bob@example.net from 192.0.2.25: spf=pass dkim=pass,permerror dmarc=pass; accepted',
      ],
    });
    expect(evaluateCheck(spfPassDmarcPass, traceOf([passing, failing])).pass).toBe(false);
  });

  it('quantifies over the matching messages: any, every', () => {
    const events = traceOf([passing, failing]);
    expect(evaluateCheck({ ...spfPassDmarcPass, which: 'any' }, events).pass).toBe(true);
    expect(evaluateCheck({ ...spfPassDmarcPass, which: 'every' }, events)).toEqual({
      pass: false,
      seen: [
        'mx.example.net checked alice@example.com → bob@example.net from 203.0.113.66: spf=fail dkim=none dmarc=fail; refused',
      ],
    });
    expect(evaluateCheck({ ...spfPassDmarcPass, which: 'every' }, traceOf([passing, passing])).pass).toBe(
      true,
    );
  });

  it('accepts one of several verdicts, and a DKIM verdict held by any signature', () => {
    const events = traceOf([passing]);
    expect(evaluateCheck({ type: 'auth', spf: ['fail', 'pass'] }, events).pass).toBe(true);
    expect(evaluateCheck({ type: 'auth', dkim: 'permerror' }, events).pass).toBe(true);
    expect(evaluateCheck({ type: 'auth', dkim: 'fail' }, events).pass).toBe(false);
    expect(evaluateCheck({ type: 'auth', disposition: ['quarantine', 'reject'] }, events).pass).toBe(false);
  });

  it('picks the client by address, or by host name as the trace’s connections show it', () => {
    const events = traceOf([
      connecting('c1', ['attacker', '203.0.113.66'], ['mx.example.net', '198.51.100.25']),
      failing,
      passing,
    ]);
    const byHost: Check = { type: 'auth', message: { client: 'attacker' }, disposition: 'reject' };
    expect(evaluateCheck(byHost, events)).toEqual({
      pass: true,
      seen: [
        'mx.example.net checked alice@example.com → bob@example.net from attacker: spf=fail dkim=none dmarc=fail; refused',
      ],
    });
    expect(
      evaluateCheck({ ...byHost, message: { client: '203.0.113.66', at: 'MX.example.net' } }, events).pass,
    ).toBe(true);
    expect(evaluateCheck({ ...byHost, message: { client: 'attacker', at: 'elsewhere' } }, events).pass).toBe(
      false,
    );
  });
});

describe('evaluateCheck: deliveries and bounces', () => {
  const mta = (host: string, action: string, detail: Record<string, string | readonly string[]>) =>
    ({ type: 'agent', host: hostId(host), agent: 'mta', action, detail }) as const;
  const events = traceOf([
    mta('mx.example.net', 'queued', { id: 'A', from: 'alice@example.com', to: ['bob@example.net'] }),
    mta('mx.example.net', 'delivered', {
      id: 'A',
      to: 'bob@example.net',
      how: 'local mailbox Junk',
      mailbox: 'Junk',
    }),
    mta('smtp.example.com', 'queued', { id: 'A', from: '<>', to: ['alice@example.com'] }),
    mta('smtp.example.com', 'delivered', {
      id: 'A',
      to: 'alice@example.com',
      how: 'local mailbox INBOX',
      mailbox: 'INBOX',
    }),
    // A relay to another server is not a delivery into a mailbox.
    mta('smtp.example.com', 'delivered', { id: 'B', to: 'carol@example.org', how: 'mx said: 250' }),
  ]);

  it('joins a delivery to its queue entry on the same host for the envelope sender', () => {
    expect(
      evaluateCheck(
        { type: 'delivered', message: { from: 'alice@example.com', to: 'bob@example.net' }, mailbox: 'Junk' },
        events,
      ),
    ).toEqual({
      pass: true,
      seen: ['mx.example.net delivered alice@example.com → bob@example.net into Junk'],
    });
    expect(
      evaluateCheck({ type: 'delivered', message: { to: 'bob@example.net' }, mailbox: 'inbox' }, events).pass,
    ).toBe(false);
    expect(evaluateCheck({ type: 'delivered', message: { to: 'carol@example.org' } }, events).pass).toBe(
      false,
    );
  });

  it('sees a bounce as a null-sender message delivered to the address', () => {
    expect(evaluateCheck({ type: 'bounce', to: 'alice@example.com' }, events)).toEqual({
      pass: true,
      seen: ['smtp.example.com delivered <> → alice@example.com into INBOX'],
    });
    expect(evaluateCheck({ type: 'bounce', to: 'bob@example.net' }, events).pass).toBe(false);
  });
});

describe('evaluateCheck: combinations', () => {
  const events = traceOf([passing]);
  const yes: Check = { type: 'auth', spf: 'pass' };
  const no: Check = { type: 'auth', spf: 'fail' };

  it('combines with all, any and not, and reports what every part saw', () => {
    expect(evaluateCheck({ type: 'all', of: [yes, no] }, events)).toMatchObject({ pass: false });
    expect(evaluateCheck({ type: 'all', of: [yes, yes] }, events).seen).toHaveLength(2);
    expect(evaluateCheck({ type: 'any', of: [no, yes] }, events).pass).toBe(true);
    expect(evaluateCheck({ type: 'not', check: no }, events).pass).toBe(true);
    expect(evaluateCheck({ type: 'all', of: [] }, events).pass).toBe(true);
  });

  it('says each check as a goal', () => {
    expect(describeCheck(spfPassDmarcPass)).toBe(
      'the last message from alice@example.com to bob@example.net has spf=pass, dmarc=pass',
    );
    expect(
      describeCheck({
        type: 'all',
        of: [
          {
            type: 'auth',
            message: { client: 'attacker' },
            which: 'every',
            disposition: ['quarantine', 'reject'],
          },
          { type: 'bounce', to: 'alice@example.com' },
          { type: 'not', check: { type: 'delivered', message: { at: 'mx.example.net' }, mailbox: 'INBOX' } },
          { type: 'reply', command: 'RCPT', at: 'mx.example.net', code: '5xx', which: 'any' },
        ],
      }),
    ).toBe(
      'every message sent by attacker has disposition=quarantine or reject; and a bounce reaches ' +
        'alice@example.com; and not (the last message at mx.example.net is delivered into INBOX); and a ' +
        'reply to RCPT on mx.example.net is 5xx',
    );
  });
});

describe('evaluateCheck: SMTP replies after commands', () => {
  it('pairs every reply of a real submission and relay with its command (STARTTLS, AUTH, PIPELINING, DATA)', () => {
    const world = new World(PRESETS.default);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Hi', body: 'Hello\n' });
    world.runUntilIdle();
    const exchanges = readSmtpExchanges(world.trace.events);
    const at = (host: string) => exchanges.filter((x) => x.at === host).map((x) => `${x.command} ${x.code}`);
    expect(at('smtp.example.com')).toEqual([
      'greeting 220',
      'EHLO 250',
      'STARTTLS 220',
      'EHLO 250',
      'AUTH 334',
      'AUTH 235',
      'MAIL 250',
      'RCPT 250',
      'DATA 354',
      'end-of-data 250',
      'QUIT 221',
    ]);
    expect(at('mx.example.net')).toEqual([
      'greeting 220',
      'EHLO 250',
      'STARTTLS 220',
      'EHLO 250',
      'MAIL 250',
      'RCPT 250',
      'DATA 354',
      'end-of-data 250',
      'QUIT 221',
    ]);
    const check: Check = {
      type: 'reply',
      command: 'end-of-data',
      at: 'mx.example.net',
      client: 'smtp.example.com',
      code: '2xx',
    };
    expect(evaluateCheck(check, world.trace.events)).toEqual({
      pass: true,
      seen: [
        expect.stringMatching(
          /^mx\.example\.net answered end-of-data from smtp\.example\.com: 250 2\.0\.0 Ok: queued as [0-9A-F]{10}$/,
        ),
      ],
    });
    expect(evaluateCheck({ ...check, code: [550, '4xx'] }, world.trace.events).pass).toBe(false);
  });

  /** A hand-made SMTP conversation: client and server lines, in the order they were written. */
  const conversation: readonly ['c2s' | 's2c', string][] = [
    ['s2c', '220 mx ESMTP\r\n'],
    ['c2s', 'EHLO a\r\n'],
    ['s2c', '250-mx\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n'],
    ['c2s', 'MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nRCPT TO:<c@y>\r\nDATA\r\n'],
    [
      's2c',
      '250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n',
    ],
    ['c2s', 'Subject: x\r\n\r\nMAIL FROM:<looks like a command>\r\n..\r\n.\r\n'],
    ['s2c', '250 2.0.0 Ok: queued\r\n'],
    ['c2s', 'QUIT\r\n'],
    ['s2c', '221 2.0.0 Bye\r\n'],
  ];
  const expected = [
    'greeting 220',
    'EHLO 250',
    'MAIL 250',
    'RCPT 550',
    'RCPT 250',
    'DATA 354',
    'end-of-data 250',
    'QUIT 221',
  ];

  /** The conversation as trace events, each direction's text cut at the given points. */
  function asTrace(cuts: readonly number[]): readonly TraceEvent[] {
    const bodies: TraceEventBody[] = [
      connecting('c1', ['a', '192.0.2.1'], ['mx', '192.0.2.2']),
      {
        type: 'session.start',
        session: 's1' as SessionId,
        conn: 'c1' as ConnId,
        host: hostId('mx'),
        protocol: 'smtp',
        role: 'server',
        machine: 'smtpServer',
      },
    ];
    conversation.forEach(([direction, text], i) => {
      const cut = Math.min(cuts[i % cuts.length] ?? 0, text.length);
      for (const part of [text.slice(0, cut), text.slice(cut)].filter((p) => p !== ''))
        bodies.push({
          type: 'bytes',
          conn: 'c1' as ConnId,
          direction,
          from: hostId(direction === 'c2s' ? 'a' : 'mx'),
          bytes: latin1Bytes(part),
          encrypted: false,
          wireLength: part.length,
        });
    });
    return traceOf(bodies);
  }

  it('reads pipelined commands first in, first out, and message content as no command', () => {
    expect(readSmtpExchanges(asTrace([0])).map((x) => `${x.command} ${x.code}`)).toEqual(expected);
    expect(
      evaluateCheck({ type: 'reply', command: 'rcpt', code: 550, which: 'any' }, asTrace([0])).seen,
    ).toEqual(['mx answered RCPT from a: 550 5.1.1 No such user']);
  });

  it('gives the same exchanges however the bytes are cut into events (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(200), { minLength: 1, maxLength: 12 }), (cuts) => {
        expect(readSmtpExchanges(asTrace(cuts)).map((x) => `${x.command} ${x.code}`)).toEqual(expected);
      }),
    );
  });

  it('never throws on arbitrary bytes in either direction (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('c2s' as const, 's2c' as const), fc.uint8Array({ maxLength: 64 })),
          {
            maxLength: 20,
          },
        ),
        (chunks) => {
          const events = traceOf([
            connecting('c1', ['a', '192.0.2.1'], ['mx', '192.0.2.2']),
            {
              type: 'session.start',
              session: 's1' as SessionId,
              conn: 'c1' as ConnId,
              host: hostId('mx'),
              protocol: 'smtp',
              role: 'server',
              machine: 'smtpServer',
            },
            ...chunks.map(([direction, bytes]): TraceEventBody => ({
              type: 'bytes',
              conn: 'c1' as ConnId,
              direction,
              from: hostId('a'),
              bytes,
              encrypted: false,
              wireLength: bytes.length,
            })),
          ]);
          for (const x of readSmtpExchanges(events)) expect(x.code).toBeGreaterThanOrEqual(200);
        },
      ),
    );
  });
});
