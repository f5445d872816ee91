/**
 * The client session against hand-written server replies: the cases the
 * real server cannot be made to produce (no PIPELINING, EHLO refused, a 421
 * greeting, garbage, silence) and a property test over random replies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { Scheduler } from '../net/scheduler.ts';
import { SmtpTranscript, TEST_TLS } from '../test/pair.ts';
import {
  SmtpClientSession,
  type OutgoingMessage,
  type SmtpClientAppEvent,
  type SmtpClientConfig,
} from './client-session.ts';

const MTA: SmtpClientConfig = {
  heloName: 'smtp.example.com',
  tls: 'opportunistic',
  implicitTls: false,
  replyTimeoutMs: 300_000,
};

const MESSAGE: OutgoingMessage = {
  id: 'm1',
  mailFrom: 'alice@example.com',
  rcptTo: ['bob@example.net', 'carol@example.net'],
  data: latin1Bytes('Subject: hi\r\n\r\nHello.\r\n'),
};

/** A server played by the test: `say` feeds reply text, the transcript shows both sides. */
function fakeServer(config: Partial<SmtpClientConfig> = {}) {
  const clock = new Scheduler();
  const client = new SmtpClientSession({ ...MTA, ...config }, clock);
  const transcript = new SmtpTranscript();
  const events: SmtpClientAppEvent[] = [];
  const violations: string[] = [];
  const writes: string[] = [];
  const drain = () => {
    for (let out = client.poll(); out; out = client.poll()) {
      switch (out.kind) {
        case 'transmit':
          transcript.record('client', out.bytes);
          writes.push(bytesToLatin1(out.bytes));
          break;
        case 'startTls':
          transcript.note('client starts TLS');
          break;
        case 'close':
          transcript.note('client closes');
          break;
        case 'event':
          events.push(out.event);
          break;
        case 'violation':
          violations.push(`${out.rule}: ${out.message}`);
          break;
        case 'state':
          break;
      }
    }
  };
  client.setWaker(drain);
  return {
    client,
    clock,
    events,
    violations,
    writes,
    get lines() {
      return transcript.lines;
    },
    say(text: string) {
      const bytes = latin1Bytes(text);
      transcript.record('server', bytes);
      client.receive(bytes);
      drain();
    },
    tls() {
      transcript.note('TLS established');
      client.handleTlsEstablished(TEST_TLS);
      drain();
    },
  };
}

const EHLO_PLAIN = '250-mx.example.net\r\n250-SIZE 1000\r\n250 ENHANCEDSTATUSCODES\r\n';

describe('SmtpClientSession', () => {
  it('falls back to HELO when EHLO is refused with 502 (RFC 5321 §3.2)', () => {
    const s = fakeServer();
    s.client.send(MESSAGE);
    s.say('220 old.example.net SMTP\r\n');
    s.say('502 5.5.1 EHLO not implemented\r\n');
    s.say('250 old.example.net\r\n');
    expect(s.lines).toEqual([
      'S: 220 old.example.net SMTP',
      'C: EHLO smtp.example.com',
      'S: 502 5.5.1 EHLO not implemented',
      'C: HELO smtp.example.com',
      'S: 250 old.example.net',
      // No extensions after HELO: no SIZE parameter, no pipelining.
      'C: MAIL FROM:<alice@example.com>',
    ]);
    expect(s.events[0]).toEqual({ type: 'ready', extensions: new Map(), tls: false, authenticated: false });
  });

  it('sends one command at a time without PIPELINING and skips DATA when no RCPT succeeds (RFC 5321 §3.3)', () => {
    const s = fakeServer();
    s.client.send({ ...MESSAGE, rcptTo: ['x@example.net', 'y@example.net'] });
    s.say('220 mx.example.net ESMTP\r\n');
    s.say(EHLO_PLAIN);
    s.say('250 2.1.0 Ok\r\n');
    s.say('550 5.1.1 unknown\r\n');
    s.say('450 4.2.0 greylisted\r\n');
    s.say('250 2.0.0 Ok\r\n');
    expect(s.lines.slice(5)).toEqual([
      'C: MAIL FROM:<alice@example.com> SIZE=23',
      'S: 250 2.1.0 Ok',
      'C: RCPT TO:<x@example.net>',
      'S: 550 5.1.1 unknown',
      'C: RCPT TO:<y@example.net>',
      'S: 450 4.2.0 greylisted',
      // RFC 5321 §4.1.1.5: the server holds a transaction with no recipients; clear it.
      'C: RSET',
      'S: 250 2.0.0 Ok',
    ]);
    expect(s.events.at(-1)).toEqual({
      type: 'result',
      messageId: 'm1',
      recipients: [
        { address: 'x@example.net', reply: { code: 550, enhanced: '5.1.1', text: 'unknown' } },
        { address: 'y@example.net', reply: { code: 450, enhanced: '4.2.0', text: 'greylisted' } },
      ],
    });
    expect(s.client.state).toBe('ready');
  });

  it('reports every recipient with the MAIL reply when MAIL is refused, and sends no RSET (RFC 5321 §4.1.1.2)', () => {
    const s = fakeServer();
    s.client.send(MESSAGE);
    s.client.quit();
    s.say('220 mx.example.net ESMTP\r\n' + EHLO_PLAIN);
    s.say('553 5.7.1 sender rejected\r\n');
    s.say('221 2.0.0 Bye\r\n');
    expect(s.lines.slice(-4)).toEqual([
      'S: 553 5.7.1 sender rejected',
      'C: QUIT',
      'S: 221 2.0.0 Bye',
      '-- client closes --',
    ]);
    const reply = { code: 553, enhanced: '5.7.1', text: 'sender rejected' };
    expect(s.events.at(-1)).toEqual({
      type: 'result',
      messageId: 'm1',
      recipients: [
        { address: 'bob@example.net', reply },
        { address: 'carol@example.net', reply },
      ],
    });
  });

  it('treats a 421 greeting as a temporary failure and closes without QUIT (RFC 5321 §3.8)', () => {
    const s = fakeServer();
    s.client.send(MESSAGE);
    s.say('421 4.3.2 mx.example.net Service not available\r\n');
    expect(s.lines).toEqual(['S: 421 4.3.2 mx.example.net Service not available', '-- client closes --']);
    const reply = { code: 421, enhanced: '4.3.2', text: 'mx.example.net Service not available' };
    expect(s.events).toEqual([
      {
        type: 'result',
        messageId: 'm1',
        recipients: MESSAGE.rcptTo.map((address) => ({
          address,
          reply: {
            code: 451,
            enhanced: '4.4.0',
            text: 'not sent: service not available (421 4.3.2 mx.example.net Service not available)',
          },
        })),
      },
      { type: 'failed', reason: 'service not available', reply, permanent: false },
    ]);
    expect(s.client.state).toBe('closed');
  });

  it('sends QUIT after a 554 greeting and fails permanently (RFC 5321 §3.1)', () => {
    const s = fakeServer();
    s.say('554 5.7.1 no SMTP service here\r\n');
    s.say('221 Bye\r\n');
    expect(s.lines).toEqual([
      'S: 554 5.7.1 no SMTP service here',
      'C: QUIT',
      'S: 221 Bye',
      '-- client closes --',
    ]);
    expect(s.events).toMatchObject([{ type: 'failed', permanent: true, reply: { code: 554 } }]);
  });

  it('times out when no reply comes, reports the message and closes (RFC 5321 §4.5.3.2)', () => {
    const s = fakeServer({ replyTimeoutMs: 300_000 });
    s.client.send(MESSAGE);
    s.say('220 mx.example.net ESMTP\r\n');
    s.clock.advance(299_999);
    expect(s.events).toEqual([]);
    s.clock.advance(1);
    expect(s.lines.at(-1)).toBe('-- client closes --');
    expect(s.events).toMatchObject([
      { type: 'result', recipients: [{ reply: { code: 451, enhanced: '4.4.2' } }, {}] },
      { type: 'failed', reason: 'timed out waiting for a reply', permanent: false },
    ]);
    expect(s.client.state).toBe('closed');
  });

  it('refuses a UTF-8 message locally when SMTPUTF8 is not offered (RFC 6531 §3.2)', () => {
    const s = fakeServer();
    s.client.send({ ...MESSAGE, utf8: true });
    s.say('220 mx.example.net ESMTP\r\n' + EHLO_PLAIN);
    expect(s.writes).toEqual(['EHLO smtp.example.com\r\n']);
    expect(s.events.at(-1)).toMatchObject({
      type: 'result',
      recipients: [{ reply: { code: 553, enhanced: '5.6.7' } }, { reply: { code: 553 } }],
    });
  });

  it('adds SMTPUTF8 to MAIL when the message needs it and the server offers it (RFC 6531 §3.4)', () => {
    const s = fakeServer();
    s.client.send({ ...MESSAGE, rcptTo: ['jöran@example.net'], utf8: true });
    s.say('220 mx.example.net ESMTP\r\n250-mx.example.net\r\n250 SMTPUTF8\r\n');
    expect(s.writes.at(-1)).toBe('MAIL FROM:<alice@example.com> SMTPUTF8\r\n');
  });

  it('goes on in plain text after 454 when TLS is opportunistic (RFC 3207 §4)', () => {
    const s = fakeServer({ tls: 'opportunistic' });
    s.say('220 mx.example.net ESMTP\r\n250-mx.example.net\r\n250 STARTTLS\r\n');
    s.say('454 4.7.0 TLS not available\r\n');
    expect(s.lines.slice(-2)).toEqual(['C: STARTTLS', 'S: 454 4.7.0 TLS not available']);
    // STARTTLS is dropped from what the session can use, so it is not tried again.
    expect(s.events).toEqual([{ type: 'ready', extensions: new Map(), tls: false, authenticated: false }]);
  });

  it('fails after 454 when TLS is required (RFC 3207 §4, RFC 8314)', () => {
    const s = fakeServer({ tls: 'required' });
    s.say('220 mx.example.net ESMTP\r\n250-mx.example.net\r\n250 STARTTLS\r\n');
    s.say('454 4.7.0 TLS not available\r\n');
    expect(s.writes.at(-1)).toBe('QUIT\r\n');
    expect(s.events).toMatchObject([{ type: 'failed', reason: 'STARTTLS refused', permanent: false }]);
  });

  it('discards reply text injected behind the 220 to STARTTLS (RFC 3207 §6)', () => {
    const s = fakeServer();
    s.say('220 mx.example.net ESMTP\r\n250-mx.example.net\r\n250 STARTTLS\r\n');
    s.say('220 2.0.0 Ready to start TLS\r\n250-evil.example\r\n250 AUTH PLAIN\r\n');
    expect(s.violations).toEqual([
      'RFC 3207 §6: reply text received after the 220 to STARTTLS was discarded (plaintext injection)',
    ]);
    s.tls();
    expect(s.writes.at(-1)).toBe('EHLO smtp.example.com\r\n');
    s.say('250-mx.example.net\r\n250 PIPELINING\r\n');
    expect(s.events).toEqual([
      { type: 'ready', extensions: new Map([['PIPELINING', []]]), tls: true, authenticated: false },
    ]);
  });

  it('authenticates at once after EHLO on an implicit-TLS port (RFC 8314 §3)', () => {
    const s = fakeServer({
      implicitTls: true,
      tls: 'none',
      auth: { username: 'alice@example.com', password: 'pw', mechanisms: ['PLAIN'] },
    });
    s.tls();
    s.say('220 smtp.example.com ESMTP\r\n250-smtp.example.com\r\n250 AUTH PLAIN LOGIN\r\n');
    expect(s.writes.at(-1)).toBe('AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHB3\r\n');
    s.say('235 2.7.0 Authentication successful\r\n');
    expect(s.events).toMatchObject([{ type: 'ready', tls: true, authenticated: true }]);
  });

  it('assembles a multi-line reply split across reads before acting (RFC 5321 §4.2.1)', () => {
    const s = fakeServer();
    s.say('220 mx.example.net ESMTP\r\n250-mx.exa');
    s.say('mple.net\r\n250-PIPELI');
    expect(s.events).toEqual([]);
    s.say('NING\r\n250 8BITMIME\r\n');
    expect(s.events).toMatchObject([{ type: 'ready' }]);
    expect(s.client.state).toBe('ready');
  });

  it('flags an unreadable reply and fails the session temporarily (RFC 5321 §4.2)', () => {
    const s = fakeServer();
    s.client.send(MESSAGE);
    s.say('220 mx.example.net ESMTP\r\nHELLO THERE\r\n');
    expect(s.violations).toEqual(['RFC 5321 §4.2: not an SMTP reply line (RFC 5321 §4.2): "HELLO THERE"']);
    expect(s.events.at(-1)).toEqual({ type: 'failed', reason: 'unreadable reply', permanent: false });
    expect(s.events.filter((e) => e.type === 'result')).toHaveLength(1);
    expect(s.client.state).toBe('closed');
  });

  it('flags a reply of the wrong class, such as 354 to MAIL (RFC 5321 §4.3.2)', () => {
    const s = fakeServer();
    s.client.send(MESSAGE);
    s.say('220 mx.example.net ESMTP\r\n' + EHLO_PLAIN + '354 go ahead\r\n');
    expect(s.violations).toEqual(['RFC 5321 §4.3.2: reply 354 is not a valid answer here']);
    expect(s.events.at(-1)).toMatchObject({ type: 'failed', reason: 'unexpected reply', permanent: false });
  });

  it('ends the data at once with a lone "." if DATA gets 354 though every RCPT failed (RFC 2920 §3.1)', () => {
    const s = fakeServer();
    s.client.send({ ...MESSAGE, rcptTo: ['x@example.net'] });
    s.say('220 mx.example.net ESMTP\r\n250-mx.example.net\r\n250 PIPELINING\r\n');
    s.say('250 Ok\r\n550 unknown\r\n354 go ahead\r\n');
    expect(s.writes.at(-1)).toBe('.\r\n');
    s.say('554 no valid recipients\r\n');
    expect(s.events.at(-1)).toMatchObject({ type: 'result', recipients: [{ reply: { code: 550 } }] });
  });

  it('reports a message sent after the session closed instead of losing it', () => {
    const s = fakeServer();
    s.client.receiveEnd();
    s.client.send(MESSAGE);
    expect(s.events.map((e) => e.type)).toEqual(['failed', 'result']);
    expect(s.events[1]).toMatchObject({ recipients: [{ reply: { code: 451 } }, { reply: { code: 451 } }] });
  });

  it('reports every message exactly once and ends closed, whatever the server sends (property)', () => {
    const replyLine = fc.constantFrom(
      '220 mx\r\n',
      '250 ok\r\n',
      '250-mx\r\n',
      '250-PIPELINING\r\n',
      '250-STARTTLS\r\n',
      '250-AUTH PLAIN LOGIN CRAM-MD5\r\n',
      '250-SIZE 30\r\n',
      '334 VXNlcm5hbWU6\r\n',
      '334 PDEyMz4=\r\n',
      '235 ok\r\n',
      '354 go\r\n',
      '421 bye\r\n',
      '451 later\r\n',
      '550 no\r\n',
      '221 bye\r\n',
      '\r\n',
    );
    const chunk = fc.oneof(
      replyLine.map((l) => latin1Bytes(l)),
      // latin1Bytes keeps the low octet of each UTF-16 unit: any string becomes some bytes.
      fc.string({ maxLength: 40 }).map((t) => latin1Bytes(t)),
      fc.uint8Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), fc.boolean(), (chunks, withAuth) => {
        const clock = new Scheduler();
        const client = new SmtpClientSession(
          withAuth ? { ...MTA, auth: { username: 'u', password: 'p' } } : MTA,
          clock,
        );
        const events: SmtpClientAppEvent[] = [];
        let closes = 0;
        const drain = () => {
          for (let out = client.poll(); out; out = client.poll()) {
            if (out.kind === 'event') events.push(out.event);
            if (out.kind === 'close') closes++;
            if (out.kind === 'startTls') client.handleTlsEstablished(TEST_TLS);
          }
        };
        client.setWaker(drain);
        client.send(MESSAGE);
        client.send({ ...MESSAGE, id: 'm2' });
        client.quit();
        for (const c of chunks) {
          client.receive(c);
          drain();
        }
        client.receiveEnd();
        drain();
        const results = events.flatMap((e) => (e.type === 'result' ? [e.messageId] : []));
        expect(results.sort()).toEqual(['m1', 'm2']);
        expect(events.filter((e) => e.type === 'failed').length).toBeLessThanOrEqual(1);
        expect(client.state).toBe('closed');
        expect(closes).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
