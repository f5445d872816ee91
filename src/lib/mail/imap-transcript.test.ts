import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  latin1Bytes,
  MAIL_CLIENT_STEP,
  PRESETS,
  World,
  type ConnId,
  type HostId,
  type TraceEvent,
} from '../../../simulators/index.ts';
import { transcriptGroups, type TranscriptGroup } from './imap-transcript.ts';

const conn = 'c9' as ConnId;
let seq = 0;
const step = (words: string, on: string = conn): TraceEvent => ({
  type: 'agent',
  seq: seq++,
  at: 0 as never,
  host: 'bob-laptop' as HostId,
  agent: 'mua',
  action: MAIL_CLIENT_STEP,
  detail: { from: 'bob@example.net', conn: on, step: words },
});
const bytes = (direction: 'c2s' | 's2c', text: string, on: ConnId = conn): TraceEvent => ({
  type: 'bytes',
  seq: seq++,
  at: 0 as never,
  conn: on,
  direction,
  from: 'bob-laptop' as HostId,
  bytes: latin1Bytes(text),
  encrypted: true,
  wireLength: text.length,
});

/** The groups as `step: side text` lines. */
const lines = (groups: readonly TranscriptGroup[]) =>
  groups.map((g) => [
    g.step,
    ...g.entries.map((e) =>
      e.kind === 'line' ? `${e.side}: ${e.text}` : `${e.side}: <${e.octets} octets: ${e.lines.join(' | ')}>`,
    ),
  ]);

describe('transcriptGroups', () => {
  it('groups a connection’s lines by the step that caused them, other connections left out', () => {
    const trace = [
      bytes('s2c', '* OK ready\r\n'),
      step('Set \\Flagged on UID 3'),
      bytes('c2s', 'DONE\r\n'),
      bytes('s2c', 'A007 OK Idle completed.\r\n'),
      bytes('c2s', 'A008 UID STORE 3 +FLAGS (\\Flagged)\r\n'),
      bytes('s2c', 'noise from elsewhere\r\n', 'c1' as ConnId),
      step('Another client', 'c1'),
      bytes('s2c', '* 3 FETCH (UID 3 FLAGS (\\Flagged))\r\nA008 OK Store completed.\r\n'),
      step('Wait for new mail (IDLE)'),
      bytes('c2s', 'A009 IDLE\r\n'),
    ];
    expect(lines(transcriptGroups(trace, conn))).toEqual([
      [
        'Set \\Flagged on UID 3',
        'C: DONE',
        'S: A007 OK Idle completed.',
        'C: A008 UID STORE 3 +FLAGS (\\Flagged)',
        'S: * 3 FETCH (UID 3 FLAGS (\\Flagged))',
        'S: A008 OK Store completed.',
      ],
      ['Wait for new mail (IDLE)', 'C: A009 IDLE'],
    ]);
    expect(transcriptGroups(trace, undefined)).toEqual([]);
  });

  it('keeps a literal’s n octets as one entry, whatever they contain (RFC 3501 §4.3)', () => {
    const trace = [
      step('Read message UID 1'),
      bytes('s2c', '* 1 FETCH (UID 1 BODY[] {16}\r\nSubject: x\r\n\r\nA)'),
      bytes('s2c', '\r\n* 1 FETCH (FLAGS (\\Seen) BODY[] {0}\r\n)\r\nA1 OK done\r\n'),
    ];
    expect(lines(transcriptGroups(trace, conn))).toEqual([
      [
        'Read message UID 1',
        'S: * 1 FETCH (UID 1 BODY[] {16}',
        'S: <16 octets: Subject: x |  | A)>',
        'S: ',
        'S: * 1 FETCH (FLAGS (\\Seen) BODY[] {0}',
        'S: )',
        'S: A1 OK done',
      ],
    ]);
  });

  it('gives the same entries however the bytes were chunked (property)', () => {
    const wire = '* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\nA2 OK {3}\r\nx\ry\r\n* 2 EXISTS\r\n';
    const whole = transcriptGroups([step('s'), bytes('s2c', wire)], conn);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: wire.length }), { maxLength: 8 }), (cuts) => {
        const points = [0, ...cuts.toSorted((a, b) => a - b), wire.length];
        const chunks = points.slice(1).map((end, i) => bytes('s2c', wire.slice(points[i], end)));
        expect(transcriptGroups([step('s'), ...chunks], conn).map((g) => g.entries)).toEqual(
          whole.map((g) => g.entries),
        );
      }),
    );
  });

  it('never throws on random octets', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 6 }), (chunks) => {
        const trace = [step('s'), ...chunks.map((c) => bytes('s2c', String.fromCharCode(...c)))];
        expect(transcriptGroups(trace, conn)).toHaveLength(1);
      }),
    );
  });

  it('reads the engine’s mail client in a real world: login, the folder, then IDLE', () => {
    const world = new World(PRESETS.default);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'Hi', body: 'Hello\n' });
    world.runUntilIdle();
    const client = world.openImapClient('bob@example.net');
    world.runUntilIdle({ until: world.now + 60_000 });
    const groups = transcriptGroups(world.trace.events, client.snapshot().conn);
    expect(groups.map((g) => g.step)).toEqual([
      'Connect to mx.example.net:143 and log in',
      'Open folder INBOX',
      'Wait for new mail (IDLE)',
    ]);
    expect(lines(groups)[0]!.slice(0, 5)).toEqual([
      'Connect to mx.example.net:143 and log in',
      expect.stringMatching(/^S: \* OK \[CAPABILITY .*STARTTLS/),
      'C: A001 STARTTLS',
      'S: A001 OK Begin TLS negotiation now.',
      'note: TLS established (TLSv1.3)',
    ]);
    expect(lines(groups)[2]).toEqual(['Wait for new mail (IDLE)', 'C: A007 IDLE', 'S: + idling']);
  });
});
