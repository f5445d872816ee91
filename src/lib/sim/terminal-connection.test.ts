import { describe, expect, it } from 'vitest';
import { PRESETS, utf8Text } from '../../../simulators/index.ts';
import { Simulation, type FrameScheduler } from './simulation.svelte.ts';

/** Frames that never run: these tests keep the clock paused and act like a learner. */
const noFrames: FrameScheduler = { request: () => 1, cancel: () => {} };

const MX = '198.51.100.25';

function paused(): Simulation {
  return new Simulation(PRESETS.default, { frames: noFrames });
}

describe('Simulation.openTerminal', () => {
  it('does not spin while a DKIM check holds the clock, and finishes the wait once it settles (RFC 9989 reject)', async () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    for (const line of [
      'EHLO alice-laptop.example.com',
      'MAIL FROM:<alice@example.com>',
      'RCPT TO:<bob@example.net>',
      'DATA',
      // A signature the MX must check: a key lookup, then hashes and a verification on WebCrypto.
      'DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=rsa2026; h=from; bh=AAAA; b=AAAA',
      'From: alice@example.com',
      '',
      'Hello Bob',
    ])
      t.send(line);
    t.send('.');
    // The clock is held by the crypto effect: the wait stopped there instead of looping.
    expect(t.replies.at(-1)?.code).toBe(354);
    for (let i = 0; i < 50 && t.replies.at(-1)?.code === 354; i++) await sim.effectsSettled();
    // The signature fails, SPF fails for alice-laptop, and example.com publishes p=reject.
    expect(t.replies.at(-1)).toMatchObject({
      code: 550,
      enhanced: '5.7.1',
      text: 'Message rejected due to DMARC policy (p=reject) for example.com',
    });
    expect(sim.trace.filter((e) => e.type === 'agent' && e.action === 'auth').at(-1)).toMatchObject({
      detail: { spf: 'fail', dkim: ['fail'], dmarc: 'fail', disposition: 'reject' },
    });
  });

  it('connects from alice-laptop to mx.example.net:25 and runs the paused clock until the greeting is in', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    expect({
      label: t.label,
      phase: t.phase,
      lines: t.lines.map((l) => [l.kind, l.text, l.replyClass]),
      replies: t.replies.map((r) => [r.code, r.enhanced, r.text, r.explanation.reply.code]),
      // The greeting arrives at 70 ms (40 ms handshake, the server's greeting, 20 ms back); the
      // clock stops there, not at the end of the quiet window.
      now: sim.now,
    }).toEqual({
      label: 'alice-laptop → mx.example.net:25',
      phase: 'open',
      lines: [
        ['note', 'Trying 198.51.100.25 port 25…', undefined],
        ['note', 'Connected to mx.example.net:25.', undefined],
        ['received', '220 mx.example.net ESMTP Mailroom', 2],
      ],
      replies: [[220, undefined, 'mx.example.net ESMTP Mailroom', '220']],
      now: 70,
    });
  });

  it('sends each line with CRLF and waits one round trip for its reply (RFC 5321 §2.3.8)', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    const before = sim.now;
    expect(t.send('EHLO alice-laptop.example.com')).toBe(true);
    expect(sim.now - before).toBe(40);
    const sent = sim.trace.filter((e) => e.type === 'bytes' && e.direction === 'c2s');
    expect(sent.map((e) => e.type === 'bytes' && utf8Text(e.bytes))).toEqual([
      'EHLO alice-laptop.example.com\r\n',
    ]);
    expect(t.lines.slice(3).map((l) => l.text)).toEqual([
      'EHLO alice-laptop.example.com',
      '250-mx.example.net',
      '250-PIPELINING',
      '250-SIZE 10240000',
      '250-VRFY',
      '250-STARTTLS',
      '250-ENHANCEDSTATUSCODES',
      '250-8BITMIME',
      '250 SMTPUTF8',
    ]);
    // One multi-line reply, one explanation (RFC 5321 §4.2.1).
    expect(t.replies.at(-1)).toMatchObject({ code: 250, text: 'mx.example.net', moreLines: 7 });
  });

  it('carries a whole transaction into bob’s INBOX and explains every reply with its enhanced code', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    for (const line of [
      'EHLO alice-laptop.example.com',
      'MAIL FROM:<alice@example.com>',
      'RCPT TO:<bob@example.net>',
      'DATA',
      'Subject: hi',
      '',
      'Hello Bob',
      '.',
      'QUIT',
    ])
      t.send(line);
    expect(
      t.replies.map((r) => `${r.code} ${r.enhanced ?? '-'} ${r.explanation.enhanced?.code ?? '-'}`),
    ).toEqual([
      '220 - -',
      '250 - -',
      '250 2.1.0 2.1.0',
      '250 2.1.5 2.1.5',
      '354 - -',
      '250 2.0.0 2.0.0',
      '221 2.0.0 2.0.0',
    ]);
    expect(t.lines.at(-1)).toEqual({
      id: t.lines.length - 1,
      kind: 'note',
      text: 'Connection closed by foreign host.',
    });
    expect(t.phase).toBe('closed');
    expect(t.connected).toBe(false);
    const inbox = sim.mailboxes['bob@example.net'] ?? [];
    expect(
      inbox.map((m) =>
        utf8Text(m.raw)
          .split('\r\n')
          .filter((l) => /^(Subject|Hello)/.test(l)),
      ),
    ).toEqual([['Subject: hi', 'Hello Bob']]);
  });

  it('does not run the clock itself while playing: replies come with playback', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    sim.play();
    const at = sim.now;
    t.send('NOOP');
    expect({ now: sim.now, last: t.lines.at(-1)?.text }).toEqual({ now: at, last: 'NOOP' });
    sim.pause();
    sim.advance(100);
    expect(t.lines.at(-1)?.text).toBe('250 2.0.0 Ok');
  });

  it('starts TLS after the server’s 220 to STARTTLS (RFC 3207 §4)', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    t.send('EHLO alice-laptop.example.com');
    expect(t.canStartTls).toBe(true);
    t.send('STARTTLS');
    expect(t.lines.at(-1)?.text).toMatch(/^220 /);
    t.startTls();
    expect({ secure: t.secure, canStartTls: t.canStartTls, last: t.lines.at(-1)?.text }).toEqual({
      secure: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', serverName: 'mx.example.net' },
      canStartTls: false,
      last: 'TLS established: TLSv1.3, TLS_AES_128_GCM_SHA256, certificate for mx.example.net.',
    });
    t.send('EHLO alice-laptop.example.com');
    expect(t.lines.at(-1)?.text).toMatch(/^250 /);
    const encrypted = sim.trace.filter((e) => e.type === 'bytes' && e.encrypted);
    expect(encrypted.length).toBeGreaterThan(0);
  });

  it('opens submissions (465) with implicit TLS (RFC 8314 §3)', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', '192.0.2.25', 465);
    expect({ secure: t.secure?.serverName, lines: t.lines.map((l) => l.text) }).toEqual({
      secure: 'smtp.example.com',
      lines: [
        'Trying 192.0.2.25 port 465…',
        'TLS established: TLSv1.3, TLS_AES_128_GCM_SHA256, certificate for smtp.example.com.',
        'Connected to smtp.example.com:465.',
        expect.stringMatching(/^220 smtp\.example\.com /),
      ],
    });
  });

  it('reports a refused connection and refuses to send on it', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', '198.51.100.10', 25);
    expect({ phase: t.phase, last: t.lines.at(-1) }).toEqual({
      phase: 'closed',
      last: {
        id: 1,
        kind: 'error',
        text: 'Unable to connect to bob-laptop:25: connection refused (nothing listens on that port).',
      },
    });
    expect(t.send('EHLO x')).toBe(false);
    expect(t.lines.at(-1)?.text).toBe('Not connected: choose a server and press Connect.');
  });

  it('closes with a FIN on Disconnect, and forgets the connection when the world is reset', () => {
    const sim = paused();
    const t = sim.openTerminal('alice-laptop', MX, 25);
    t.close();
    // The server closes its side when the client does; its FIN is back within the wait.
    expect({ phase: t.phase, connected: t.connected, last: t.lines.slice(-2).map((l) => l.text) }).toEqual({
      phase: 'closed',
      connected: false,
      last: ['Closing the connection.', 'Connection closed by foreign host.'],
    });
    expect(t.send('NOOP')).toBe(false);
    const u = sim.openTerminal('alice-laptop', MX, 25);
    sim.reset();
    expect({ phase: u.phase, last: u.lines.at(-1)?.text }).toEqual({
      phase: 'closed',
      last: 'The world was reset: this connection is gone.',
    });
  });
});

describe('Simulation.send and mailboxes', () => {
  it('submits alice’s message, reports it queued, and shows it in bob’s INBOX once the clock has run', async () => {
    const sim = paused();
    const s = sim.send('alice@example.com', { to: ['bob@example.net'], subject: 'Lunch?', body: 'At noon?' });
    expect(sim.submissions).toEqual([
      {
        messageId: s.messageId,
        from: 'alice@example.com',
        to: ['bob@example.net'],
        subject: 'Lunch?',
        at: 0,
      },
    ]);
    expect(sim.mailboxes['bob@example.net']).toEqual([]);
    // DKIM signing and verification are crypto effects: each holds the clock until it settles.
    for (let i = 0; i < 30; i++) {
      sim.advance(100);
      await sim.effectsSettled();
    }
    expect(sim.submissions[0]?.result).toEqual({
      ok: true,
      messageId: s.messageId,
      reply: expect.stringMatching(/^250 /),
    });
    expect(sim.mailboxes['bob@example.net']?.length).toBe(1);
  });

  it('reports a sender without a mail program as failed, at once', () => {
    const sim = paused();
    sim.send('nobody@example.org', { to: ['bob@example.net'], subject: 'x', body: '' });
    expect(sim.submissions[0]?.result).toEqual({
      ok: false,
      messageId: '',
      reason: 'nobody@example.org has no mail program in this scenario',
    });
  });
});
