import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../simulators/index.ts';
import { explainImapResponse } from '../terminal/imap-explain.ts';
import { Simulation, type FrameScheduler } from './simulation.svelte.ts';

/** Frames that never run: these tests keep the clock paused and act like a learner. */
const noFrames: FrameScheduler = { request: () => 1, cancel: () => {} };

const MX = '198.51.100.25';

async function withMail(subjects: readonly string[]): Promise<Simulation> {
  const sim = new Simulation(PRESETS.default, { frames: noFrames, crypto: null });
  for (const subject of subjects)
    sim.send('alice@example.com', { to: ['bob@example.net'], subject, body: `${subject}.\n` });
  await sim.settle();
  return sim;
}

describe('Simulation.openMailClient', () => {
  it('runs the paused clock until bob’s client lists INBOX and waits in IDLE, and each click until it is answered', async () => {
    const sim = await withMail(['Lunch?', 'Minutes']);
    const client = sim.openMailClient('bob@example.net');
    expect(client.state).toMatchObject({ phase: 'open', selected: 'INBOX', busy: false, idling: true });
    expect(client.state.messages.map((m) => [m.uid, m.envelope.subject, m.flags])).toEqual([
      [1, 'Lunch?', ['\\Recent']],
      [2, 'Minutes', ['\\Recent']],
    ]);
    const before = sim.now;
    client.setFlag(2, '\\Flagged', true);
    // One round trip for DONE, one for STORE, one for IDLE's +: 5 ms each way on bob's link.
    expect(client.state.messages[1]!.flags).toEqual(['\\Flagged', '\\Recent']);
    expect(client.state).toMatchObject({ busy: false, idling: true });
    expect(sim.now - before).toBeLessThan(100);
    client.open(1);
    expect(client.state.opened?.uid).toBe(1);
    expect(client.state.messages[0]!.flags).toEqual(['\\Seen', '\\Recent']);
  });

  it('is gone with its world: a reset disposes of it, and a logout finishes it', async () => {
    const sim = await withMail([]);
    const client = sim.openMailClient('bob@example.net');
    expect(client.finished).toBe(false);
    client.close();
    expect(client.state).toMatchObject({ phase: 'closed', error: undefined });
    expect(client.finished).toBe(true);
    const again = sim.openMailClient('bob@example.net');
    sim.reset();
    expect(again.finished).toBe(true);
    again.setFlag(1, '\\Seen', true);
    expect(sim.now).toBe(0);
  });
});

describe('Simulation.openTerminal on IMAP', () => {
  it('logs in with literals, selects, fetches a header field and logs out, each completion explained by its tag', async () => {
    const sim = await withMail(['Lunch?']);
    const t = sim.openTerminal('bob-laptop', MX, 143);
    expect(t.protocol).toBe('imap');
    expect(t.imap).toEqual({ expecting: { kind: 'command' }, nextTag: 'a1' });
    t.send('a1 LOGIN {15}');
    expect(t.imap.expecting).toEqual({ kind: 'literal', remaining: 15 });
    t.send('bob@example.net {12}');
    t.send('bob-password');
    t.send('a2 SELECT INBOX');
    t.send('a3 FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]');
    t.send('a4 LOGOUT');
    const received = t.lines.filter((l) => l.kind === 'received').map((l) => [l.text, l.imapStatus]);
    expect(received.filter(([text]) => !/^\* (OK \[|FLAGS|\d+ RECENT|CAPABILITY)/.test(text!))).toEqual([
      ['+ OK', '+'],
      ['+ OK', '+'],
      [
        'a1 OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ ID ENABLE IDLE NAMESPACE CONDSTORE ESEARCH QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES ACL RIGHTS=texk COMPRESS=DEFLATE] Logged in',
        'OK',
      ],
      ['* 1 EXISTS', undefined],
      ['a2 OK [READ-WRITE] Select completed.', 'OK'],
      ['* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {19}', undefined],
      ['Subject: Lunch?', undefined],
      ['', undefined],
      // Not BODY.PEEK: the server sets \Seen and says so (RFC 3501 §6.4.5).
      [' FLAGS (\\Seen \\Recent))', undefined],
      ['a3 OK Fetch completed.', 'OK'],
      ['* BYE Logging out', 'BYE'],
      ['a4 OK Logout completed.', 'OK'],
    ]);
    expect(
      t.imapReplies
        .filter((r) => r.tag !== undefined)
        .map((r) => [r.command, explainImapResponse(r).meaning]),
    ).toEqual([
      ['a1 LOGIN {15}', 'LOGIN completed'],
      ['a2 SELECT INBOX', 'SELECT completed'],
      ['a3 FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]', 'FETCH completed'],
      ['a4 LOGOUT', 'LOGOUT completed'],
    ]);
    expect(t.imap.nextTag).toBe('a5');
  });

  it('speaks IMAP over implicit TLS on 993 (RFC 8314 §3), with no STARTTLS offered', async () => {
    const sim = await withMail([]);
    const t = sim.openTerminal('bob-laptop', MX, 993);
    expect(t.protocol).toBe('imap');
    expect(t.secure).toMatchObject({ serverName: 'mx.example.net' });
    const greeting = t.lines.find((l) => l.kind === 'received');
    expect(greeting).toMatchObject({ imapStatus: 'OK' });
    expect(greeting?.text).not.toContain('STARTTLS');
    expect(t.imapReplies).toMatchObject([{ status: 'OK', greeting: true }]);
  });
});
