import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../simulators/index.ts';
import { authPlain } from '../mail/auth-plain.ts';
import { Simulation, type FrameScheduler } from './simulation.svelte.ts';

/** Frames that never run: the clock stays paused, as a learner leaves it. */
const noFrames: FrameScheduler = { request: () => 1, cancel: () => {} };

const MX = '198.51.100.25';
const BOB = 'bob@example.net';

/** A paused world where alice has sent bob one message per subject, all delivered. */
async function withMail(...subjects: string[]): Promise<Simulation> {
  const sim = new Simulation(PRESETS.default, { frames: noFrames });
  await deliver(sim, ...subjects);
  return sim;
}

/** Sends and runs the clock until delivered, letting DKIM's crypto effects settle as they come. */
async function deliver(sim: Simulation, ...subjects: string[]): Promise<void> {
  const before = sim.mailboxes[BOB]?.length ?? 0;
  for (const subject of subjects) sim.send('alice@example.com', { to: [BOB], subject, body: subject });
  for (let i = 0; i < 100 && (sim.mailboxes[BOB]?.length ?? 0) < before + subjects.length; i++) {
    sim.advance();
    await sim.effectsSettled();
  }
}

/** What the panel shows: the result, and how many messages are on each side. */
function sides(sim: Simulation) {
  return {
    result: sim.mailChecks[BOB]?.result,
    server: sim.mailboxes[BOB]?.length,
    laptop: sim.localMail[BOB]?.length,
  };
}

describe('Simulation.checkMail', () => {
  it('keeps mail on the server, then fetches only what is new, then deletes with download-and-delete (RFC 1939 §6)', async () => {
    const sim = await withMail('one', 'two');
    expect(sides(sim)).toEqual({ result: undefined, server: 2, laptop: 0 });

    const start = sim.now;
    const check = sim.checkMail(BOB, { mode: 'download-and-keep' });
    // The paused clock ran until the mail program had its answer: the check is done on return.
    expect(check).toEqual({
      address: BOB,
      options: { mode: 'download-and-keep' },
      at: start,
      result: { ok: true, retrieved: 2, deleted: 0, onServer: 2 },
      doneAt: expect.any(Number),
    });
    expect(sim.mailChecks[BOB]).toEqual(check);
    expect(sides(sim)).toEqual({
      result: { ok: true, retrieved: 2, deleted: 0, onServer: 2 },
      server: 2,
      laptop: 2,
    });
    expect(sim.now).toBeGreaterThanOrEqual(check.doneAt!);

    await deliver(sim, 'three');
    sim.checkMail(BOB, { mode: 'download-and-keep' });
    expect(sides(sim)).toEqual({
      result: { ok: true, retrieved: 1, deleted: 0, onServer: 3 },
      server: 3,
      laptop: 3,
    });

    sim.checkMail(BOB, { mode: 'download-and-delete' });
    expect(sides(sim)).toMatchObject({ result: { ok: true, deleted: 3, onServer: 0 }, server: 0, laptop: 3 });
  });

  it('deletes kept mail once it was downloaded deleteAfterMs ago', async () => {
    const sim = await withMail('old');
    sim.checkMail(BOB, { mode: 'download-and-keep', deleteAfterMs: 0 });
    expect(sides(sim)).toEqual({
      result: { ok: true, retrieved: 1, deleted: 1, onServer: 0 },
      server: 0,
      laptop: 1,
    });
  });

  it('reports -ERR [IN-USE] while a terminal session holds bob’s maildrop (RFC 2449 §8.1.1)', async () => {
    const sim = await withMail('locked');
    const t = sim.openTerminal('bob-laptop', MX, 110);
    t.send('USER bob@example.net');
    t.send('PASS bob-password');
    sim.checkMail(BOB, { mode: 'download-and-delete' });
    expect(sides(sim)).toEqual({
      result: { ok: false, reason: expect.stringContaining('IN-USE') },
      server: 1,
      laptop: 0,
    });
  });

  it('fails at once for a user without a mail program, and forgets checks and local copies on reset', async () => {
    const sim = await withMail('x');
    sim.checkMail(BOB, { mode: 'download-and-keep' });
    sim.checkMail('nobody@example.org', { mode: 'download-and-keep' });
    expect(sim.mailChecks['nobody@example.org']?.result).toEqual({
      ok: false,
      reason: 'nobody@example.org has no mail program in this scenario',
    });
    sim.reset();
    expect([sim.mailChecks, sim.localMail]).toEqual([{}, { 'alice@example.com': [], [BOB]: [] }]);
  });

  it('does not run the clock itself while playing: the result comes with playback', async () => {
    const sim = await withMail('later');
    sim.play();
    const at = sim.now;
    const check = sim.checkMail(BOB, { mode: 'download-and-keep' });
    sim.pause();
    expect([check.result, sim.now, sim.mailChecks[BOB]?.result]).toEqual([undefined, at, undefined]);
    for (let i = 0; i < 20 && sim.mailChecks[BOB]?.result === undefined; i++) sim.advance();
    expect(sides(sim)).toMatchObject({ result: { ok: true, retrieved: 1 }, laptop: 1 });
  });
});

describe('Simulation.openTerminal on POP3', () => {
  it('explains the greeting, USER, PASS, STAT, LIST and RETR once each, in context (RFC 1939)', async () => {
    const sim = await withMail('Hello POP3');
    const t = sim.openTerminal('bob-laptop', MX, 110);
    for (const line of [
      'USER bob@example.net',
      'PASS bob-password',
      'STAT',
      'LIST',
      'RETR 1',
      'DELE 1',
      'QUIT',
    ])
      t.send(line);
    expect(t.protocol).toBe('pop3');
    expect(t.replies).toEqual([]);
    expect(
      t.pop3Replies.map((r) => [
        r.command ?? '(greeting)',
        r.status,
        r.explanation.meaning.replace(/\d{3,}/g, 'N'),
      ]),
    ).toEqual([
      ['(greeting)', '+OK', 'Greeting: the server is ready'],
      ['USER bob@example.net', '+OK', 'USER accepted: now send PASS'],
      ['PASS bob-password', '+OK', 'Logged in: TRANSACTION state'],
      ['STAT', '+OK', 'STAT: 1 message, N octets'],
      ['LIST', '+OK', 'LIST: the scan listing follows (1 line)'],
      ['RETR 1', '+OK', expect.stringMatching(/^RETR: the message follows \(\d+ lines\)$/)],
      ['DELE 1', '+OK', 'DELE: message 1 is marked as deleted'],
      ['QUIT', '+OK', 'QUIT: UPDATE state, 1 message deleted'],
    ]);
    // Status lines are coloured as such; body lines (the RETR'd message) are not.
    expect(t.lines.filter((l) => l.pop3Status !== undefined).length).toBe(8);
    expect(t.lines.some((l) => l.text === 'Subject: Hello POP3' && l.pop3Status === undefined)).toBe(true);
    expect(sim.mailboxes[BOB]).toEqual([]);
  });

  it('logs in with the AUTH PLAIN helper’s line, an initial response (RFC 5034 §4)', () => {
    const sim = new Simulation(PRESETS.default, { frames: noFrames });
    const t = sim.openTerminal('bob-laptop', MX, 110);
    t.send(authPlain('bob@example.net', 'bob-password').command);
    t.send('STAT');
    expect(t.pop3Replies.slice(1).map((r) => [r.status, r.text, r.explanation.meaning])).toEqual([
      ['+OK', 'maildrop has 0 messages (0 octets)', 'Logged in: TRANSACTION state'],
      ['+OK', '0 0', 'STAT: 0 messages, 0 octets'],
    ]);
  });
});
