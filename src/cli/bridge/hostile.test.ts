/**
 * Hundreds of misbehaving connections against one bridge, and well-behaved
 * SMTP, POP3 and IMAP clients served meanwhile. Hostile clients come from
 * 127.0.0.2 and up (Linux routes all of 127.0.0.0/8 to loopback), so the
 * per-address limit holds them back while the good clients, from 127.0.0.1,
 * get through. Nothing here asserts a duration: every wait is bounded only
 * so that a hang fails instead of stalling the suite.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type Bridge } from './bridge.ts';

/** A raw connection that collects what the server says and whether it closed. */
class RawClient {
  text = '';
  closed = false;
  constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (t: string) => {
      // Keep the tail only: some of these answers are long.
      this.text = (this.text + t).slice(-4096);
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }

  static open(port: number, from: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress: from });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** Waits until what was received matches `pattern` (or the connection closes, then checks once more). */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text)) {
      if (this.closed && !pattern.test(this.text)) throw new Error(`closed without ${pattern}: ${this.text}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} in: ${this.text.slice(-300)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const m = pattern.exec(this.text)!;
    this.text = this.text.slice(m.index + m[0].length);
    return m[0];
  }

  async waitClosed(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('still open');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const PER_ADDRESS = 6;
const TRACE_WINDOW = 3000;
let bridge: Bridge;
const hostile: RawClient[] = [];

beforeAll(async () => {
  bridge = await startBridge({
    ports: { smtp: 0, submission: 0, pop3: 0, imap: 0 },
    users: [{ address: 'test@example.org', password: 'pw' }],
    limits: {
      maxConnections: 1000,
      maxConnectionsPerAddress: PER_ADDRESS,
      maxLineLength: 65_536,
      commandsPerSecond: 100,
    },
    traceWindow: TRACE_WINDOW,
  });
});

afterAll(async () => {
  for (const c of hostile) c.socket.destroy();
  await bridge?.stop();
});

/** The misbehaviours, each a function of a fresh connection. */
const BEHAVIOURS: ReadonlyArray<{
  port: 'smtp' | 'submission' | 'pop3' | 'imap';
  act: (c: RawClient) => void;
}> = [
  { port: 'smtp', act: () => {} }, // idle
  { port: 'imap', act: () => {} }, // idle
  { port: 'smtp', act: (c) => c.send(randomBytes(32_768)) },
  { port: 'pop3', act: (c) => c.send(randomBytes(32_768)) },
  { port: 'imap', act: (c) => c.send(randomBytes(32_768)) },
  { port: 'smtp', act: (c) => c.send('E') }, // a slow sender's first octet
  { port: 'submission', act: (c) => c.send(`EHLO x\r\nAUTH PLAIN ${'A'.repeat(200_000)}\r\n`) },
  {
    port: 'smtp',
    act: (c) =>
      c.send(`EHLO x\r\nMAIL FROM:<a@b.example>\r\n${'RCPT TO:<test@example.org>\r\n'.repeat(3000)}`),
  },
  { port: 'imap', act: (c) => c.send('a1 APPEND INBOX {4000000000}\r\n' + 'x'.repeat(10_000)) },
  {
    port: 'imap',
    act: (c) =>
      c.send(
        `a1 LOGIN test@example.org pw\r\na2 SELECT INBOX\r\na3 SEARCH ${'('.repeat(5000)}ALL${')'.repeat(5000)}\r\n`,
      ),
  },
  {
    port: 'imap',
    act: (c) =>
      c.send(`a1 LOGIN test@example.org pw\r\na2 SELECT INBOX\r\na3 SEARCH ${'OR ALL '.repeat(3000)}ALL\r\n`),
  },
  {
    port: 'imap',
    act: (c) => c.send(`a1 LOGIN test@example.org pw\r\na2 SEARCH ${'NOT '.repeat(8000)}ALL\r\n`),
  },
  { port: 'pop3', act: (c) => c.send(`AUTH PLAIN ${'A'.repeat(100_000)}\r\n`) },
  { port: 'smtp', act: (c) => c.send('A'.repeat(2_000_000)) }, // megabytes, no line end
];

describe('a bridge under a hostile load', () => {
  it('keeps serving SMTP, POP3 and IMAP clients while 300+ connections misbehave', async () => {
    // 60 addresses × 6 connections = 360, as many as the per-address limit lets in.
    const opening: Promise<void>[] = [];
    for (let a = 0; a < 60; a++) {
      for (let k = 0; k < PER_ADDRESS; k++) {
        const behaviour = BEHAVIOURS[(a * PER_ADDRESS + k) % BEHAVIOURS.length]!;
        opening.push(
          RawClient.open(bridge.ports[behaviour.port]!, `127.0.0.${a + 2}`).then((c) => {
            hostile.push(c);
            behaviour.act(c);
          }),
        );
      }
    }
    await Promise.all(opening);
    expect(hostile.length).toBe(360);

    // Meanwhile a good SMTP client delivers a message…
    const smtp = await RawClient.open(bridge.ports.smtp!, '127.0.0.1');
    await smtp.waitFor(/^220 .*\r\n/m);
    smtp.send('EHLO good.example\r\n');
    await smtp.waitFor(/^250 .*\r\n/m);
    smtp.send('MAIL FROM:<good@good.example>\r\nRCPT TO:<test@example.org>\r\nDATA\r\n');
    await smtp.waitFor(/^354 .*\r\n/m);
    smtp.send('Subject: through the storm\r\n\r\nstill here\r\n.\r\n');
    await smtp.waitFor(/^250 2\.0\.0 .*\r\n/m);
    smtp.send('QUIT\r\n');
    await smtp.waitFor(/^221 /m);

    // …a POP3 client lists the mailbox…
    const pop3 = await RawClient.open(bridge.ports.pop3!, '127.0.0.1');
    await pop3.waitFor(/^\+OK.*\r\n/m);
    pop3.send('USER test@example.org\r\nPASS pw\r\nSTAT\r\nQUIT\r\n');
    await pop3.waitFor(/^\+OK \d+ \d+\r\n/m);

    // …and an IMAP client finds the message.
    const imap = await RawClient.open(bridge.ports.imap!, '127.0.0.1');
    await imap.waitFor(/^\* OK.*\r\n/m);
    imap.send('g1 LOGIN test@example.org pw\r\ng2 SELECT INBOX\r\n');
    await imap.waitFor(/^g2 OK.*\r\n/m);
    // Delivery is asynchronous: ask until the message is there (bounded).
    let found = '';
    for (let i = 0; i < 100 && !found; i++) {
      imap.send(`s${i} SEARCH SUBJECT "through the storm"\r\n`);
      const answer = await imap.waitFor(new RegExp(`^\\* SEARCH[^\\r]*\\r\\ns${i} OK`, 'm'));
      if (/SEARCH \d/.test(answer)) found = answer;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(found).toMatch(/^\* SEARCH \d+/);
    imap.send('g3 LOGOUT\r\n');
    await imap.waitFor(/^g3 OK/m);
  }, 120_000);

  it('drops a line of megabytes with 421 4.7.0', async () => {
    const c = await RawClient.open(bridge.ports.smtp!, '127.0.0.200');
    await c.waitFor(/^220 .*\r\n/m);
    c.send('B'.repeat(1_000_000));
    expect(await c.waitFor(/^421 4\.7\.0 Line too long.*\r\n/m)).toBeTruthy();
    await c.waitClosed();
  }, 60_000);

  it.each([
    ['smtp', /^421 4\.7\.0 Too many connections from your address/m],
    ['imap', /^\* BYE Too many connections from your address/m],
    ['pop3', /^-ERR \[SYS\/TEMP\] Too many connections from your address/m],
  ] as const)(
    'refuses %s beyond the per-address limit with the protocol’s reply',
    async (port, reply) => {
      const from = `127.0.1.${['smtp', 'imap', 'pop3'].indexOf(port) + 1}`;
      const held: RawClient[] = [];
      try {
        for (let i = 0; i < PER_ADDRESS; i++) held.push(await RawClient.open(bridge.ports[port]!, from));
        const extra = await RawClient.open(bridge.ports[port]!, from);
        held.push(extra);
        await extra.waitFor(reply);
        await extra.waitClosed();
        // Another address is still served.
        const other = await RawClient.open(bridge.ports[port]!, '127.0.1.100');
        held.push(other);
        await other.waitFor(/^(220 |\* OK|\+OK)/m);
      } finally {
        for (const c of held) c.socket.destroy();
      }
    },
    60_000,
  );

  it('keeps a bounded window of the trace in memory', () => {
    expect(bridge.world.trace.length).toBeGreaterThan(TRACE_WINDOW);
    expect(bridge.world.trace.events.length).toBeLessThanOrEqual(TRACE_WINDOW);
    const seqs = bridge.world.trace.events.map((e) => e.seq);
    expect(seqs.at(-1)).toBe(bridge.world.trace.length - 1);
  });
});

describe('a bridge with a short line timeout', () => {
  it('drops a slow sender whose line does not end in time, with 421 4.7.0', async () => {
    const slow = await startBridge({ ports: { smtp: 0 }, limits: { lineTimeoutMs: 200 } });
    try {
      const c = await RawClient.open(slow.ports.smtp!, '127.0.0.1');
      await c.waitFor(/^220 .*\r\n/m);
      c.send('EH');
      await c.waitFor(/^421 4\.7\.0 Line not finished in time.*\r\n/m);
      await c.waitClosed();
    } finally {
      await slow.stop();
    }
  }, 60_000);

  it('drops an implicit-TLS client that never starts its handshake', async () => {
    const { selfSignedCertificate } = await import('./tls.ts');
    const tls = await selfSignedCertificate('mx.example.net');
    const slow = await startBridge({ ports: { imaps: 0 }, tls, limits: { lineTimeoutMs: 200 } });
    try {
      const c = await RawClient.open(slow.ports.imaps!, '127.0.0.1');
      await c.waitClosed();
      expect(slow.world.trace.events.some((e) => e.type === 'conn.reset' && /handshake/.test(e.reason))).toBe(
        true,
      );
    } finally {
      await slow.stop();
    }
  }, 60_000);
});
