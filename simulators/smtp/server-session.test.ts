import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Encode, bytesToLatin1, latin1Bytes, utf8Bytes } from '../core/bytes.ts';
import { Scheduler } from '../net/scheduler.ts';
import { plainResponse, cramMd5Response } from '../auth/sasl.ts';
import { DEFAULT_SMTP_SERVER_CONFIG, type SmtpDirectory, type SmtpServerConfig } from './server-config.ts';
import { SmtpServerSession, type SmtpServerAppEvent } from './server-session.ts';
import type { Reply } from './server.machine.ts';

const directory: SmtpDirectory = {
  isLocalDomain: (d) => d === 'example.net',
  hasMailbox: (a) => a.toLowerCase() === 'bob@example.net',
  checkPassword: (u, p) => u === 'bob@example.net' && p === 'secret',
  secretOf: (u) => (u === 'bob@example.net' ? 'secret' : undefined),
  checkToken: (u, t) => u === 'bob@example.net' && t === 'tok',
};

/** A server session fed by hand; `say` sends lines and returns what the server wrote back. */
function server(
  overrides: Partial<SmtpServerConfig> = {},
  verdict: Reply | undefined = undefined,
  users: SmtpDirectory = directory,
) {
  const clock = new Scheduler();
  const config: SmtpServerConfig = {
    ...DEFAULT_SMTP_SERVER_CONFIG,
    hostname: 'mx.example.net',
    role: 'mx',
    ...overrides,
  };
  const session = new SmtpServerSession(
    {
      config,
      directory: users,
      peer: { address: '192.0.2.25', hostname: 'smtp.example.com', implicitTls: false },
      now: () => 1_796_000_000_000 + clock.now,
      queueId: () => 'ABC123',
      nonce: () => '1896.697170952',
    },
    clock,
  );
  const events: SmtpServerAppEvent[] = [];
  const kinds: string[] = [];
  let wire = '';
  const drain = () => {
    for (let out = session.poll(); out; out = session.poll()) {
      kinds.push(out.kind);
      if (out.kind === 'transmit') wire += bytesToLatin1(out.bytes);
      if (out.kind === 'event') {
        events.push(out.event);
        if (out.event.type === 'message') {
          session.resolveMessage(verdict ?? { code: 250, enhanced: '2.0.0', text: 'Ok: queued as ABC123' });
        }
      }
    }
  };
  session.setWaker(drain);
  drain();
  const take = () => {
    drain();
    const out = wire;
    wire = '';
    return out.split('\r\n').filter(Boolean);
  };
  take();
  return {
    session,
    clock,
    events,
    kinds,
    say(text: string) {
      session.receive(latin1Bytes(text));
      return take();
    },
    sayUtf8(text: string) {
      session.receive(utf8Bytes(text));
      return take();
    },
    take,
  };
}

describe('SmtpServerSession', () => {
  it('greets, answers EHLO with its extensions, and takes a message (RFC 5321 §3.3, Appendix D)', () => {
    const s = server();
    expect(s.say('EHLO smtp.example.com\r\n')).toEqual([
      '250-mx.example.net',
      '250-PIPELINING',
      '250-SIZE 10240000',
      '250-VRFY',
      '250-STARTTLS',
      '250-ENHANCEDSTATUSCODES',
      '250-8BITMIME',
      '250 SMTPUTF8',
    ]);
    expect(s.say('MAIL FROM:<alice@example.com>\r\n')).toEqual(['250 2.1.0 Ok']);
    expect(s.say('RCPT TO:<bob@example.net>\r\n')).toEqual(['250 2.1.5 Ok']);
    expect(s.say('DATA\r\n')).toEqual(['354 End data with <CR><LF>.<CR><LF>']);
    expect(s.say('Subject: hi\r\n\r\n..leading dot\r\nbye\r\n.\r\n')).toEqual([
      '250 2.0.0 Ok: queued as ABC123',
    ]);
    expect(s.say('QUIT\r\n')).toEqual(['221 2.0.0 Bye']);
    const message = s.events.find((e) => e.type === 'message');
    expect(message?.type === 'message' && bytesToLatin1(message.message.data)).toBe(
      'Received: from smtp.example.com (smtp.example.com [192.0.2.25])\r\n' +
        '\tby mx.example.net (Mailroom) with ESMTP id ABC123\r\n' +
        '\tfor <bob@example.net>;\r\n' +
        '\tMon, 30 Nov 2026 00:53:20 +0000\r\n' +
        'Subject: hi\r\n\r\n.leading dot\r\nbye\r\n',
    );
    expect(s.kinds.slice(-2)).toEqual(['close', 'state']);
  });

  it('greets with 220 and the host name', () => {
    const clock = new Scheduler();
    const session = new SmtpServerSession(
      {
        config: { ...DEFAULT_SMTP_SERVER_CONFIG, hostname: 'mx.example.net', role: 'mx' },
        directory,
        peer: { address: '192.0.2.1', implicitTls: false },
        now: () => 0,
        queueId: () => 'Q',
        nonce: () => 'n',
      },
      clock,
    );
    const first = session.poll();
    expect(first?.kind === 'transmit' && bytesToLatin1(first.bytes)).toBe(
      '220 mx.example.net ESMTP Mailroom\r\n',
    );
  });

  it('answers commands out of order with 503 and keeps its state (RFC 5321 §4.1.4)', () => {
    const s = server();
    expect(s.say('MAIL FROM:<a@example.com>\r\n')).toEqual(['503 5.5.1 Error: send HELO/EHLO first']);
    expect(s.say('HELO client.example\r\n')).toEqual(['250 mx.example.net']);
    expect(s.say('RCPT TO:<bob@example.net>\r\n')).toEqual(['503 5.5.1 Error: need MAIL command']);
    expect(s.say('DATA\r\n')).toEqual(['503 5.5.1 Error: need MAIL command']);
    expect(s.say('MAIL FROM:<a@example.com>\r\n')).toEqual(['250 2.1.0 Ok']);
    expect(s.say('MAIL FROM:<a@example.com>\r\n')).toEqual(['503 5.5.1 Error: nested MAIL command']);
    expect(s.say('DATA\r\n')).toEqual(['554 5.5.1 Error: no valid recipients']);
    expect(s.session.state).toBe('mailTransaction.awaitingRecipients');
  });

  it('refuses relaying, unknown local users and too many recipients (RFC 5321 §3.6, §4.5.3.1.8)', () => {
    const s = server({ maxRecipients: 2 });
    s.say('EHLO c\r\nMAIL FROM:<a@example.com>\r\n');
    expect(s.say('RCPT TO:<someone@elsewhere.org>\r\n')).toEqual([
      '554 5.7.1 <someone@elsewhere.org>: Relay access denied',
    ]);
    expect(s.say('RCPT TO:<nobody@example.net>\r\n')).toEqual([
      '550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in local recipient table',
    ]);
    expect(
      s.say('RCPT TO:<bob@example.net>\r\nRCPT TO:<Bob@example.net>\r\nRCPT TO:<bob@example.net>\r\n'),
    ).toEqual(['250 2.1.5 Ok', '250 2.1.5 Ok', '452 4.5.3 Error: too many recipients']);
  });

  it('refuses a recipient over quota with 452 4.2.2, weighing the declared SIZE (RFC 3463 §3.3, RFC 1870)', () => {
    const s = server({}, undefined, {
      ...directory,
      hasMailbox: (a) => ['bob@example.net', 'carol@example.net'].includes(a.toLowerCase()),
      mailboxFull: (a, size) => a === 'carol@example.net' || size > 1000,
    });
    s.say('EHLO c\r\nMAIL FROM:<a@example.com>\r\n');
    expect(s.say('RCPT TO:<carol@example.net>\r\nRCPT TO:<bob@example.net>\r\n')).toEqual([
      '452 4.2.2 <carol@example.net>: Recipient address rejected: Mailbox full',
      '250 2.1.5 Ok',
    ]);
    s.say('RSET\r\nMAIL FROM:<a@example.com> SIZE=2000\r\n');
    expect(s.say('RCPT TO:<bob@example.net>\r\n')).toEqual([
      '452 4.2.2 <bob@example.net>: Recipient address rejected: Mailbox full',
    ]);
    expect(s.session.state).toBe('mailTransaction.awaitingRecipients');
  });

  it('answers a pipelined batch in order (RFC 2920 §3)', () => {
    const s = server();
    expect(
      s.say(
        'EHLO c\r\nMAIL FROM:<a@example.com> SIZE=100\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<x@example.net>\r\nDATA\r\nhello\r\n.\r\nQUIT\r\n',
      ),
    ).toEqual([
      '250-mx.example.net',
      '250-PIPELINING',
      '250-SIZE 10240000',
      '250-VRFY',
      '250-STARTTLS',
      '250-ENHANCEDSTATUSCODES',
      '250-8BITMIME',
      '250 SMTPUTF8',
      '250 2.1.0 Ok',
      '250 2.1.5 Ok',
      '550 5.1.1 <x@example.net>: Recipient address rejected: User unknown in local recipient table',
      '354 End data with <CR><LF>.<CR><LF>',
      '250 2.0.0 Ok: queued as ABC123',
      '221 2.0.0 Bye',
    ]);
  });

  it('refuses a declared SIZE over the limit, and an over-long message after the dot (RFC 1870 §6)', () => {
    const s = server({ maxMessageSize: 2000 });
    s.say('EHLO c\r\n');
    expect(s.say('MAIL FROM:<a@example.com> SIZE=5000\r\n')).toEqual([
      '552 5.3.4 Message size exceeds fixed limit',
    ]);
    s.say('MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n');
    expect(s.say(`${'x'.repeat(900)}\r\n`.repeat(3) + '.\r\n')).toEqual([
      '552 5.3.4 Error: message file too big',
    ]);
    expect(s.session.state).toBe('greeted');
  });

  it('does not end DATA at a bare-LF dot: no SMTP smuggling (CVE-2023-51764)', () => {
    const s = server();
    s.say('EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n');
    expect(s.say('one\n.\nMAIL FROM:<evil@example.com>\r\n')).toEqual([]);
    expect(s.say('.\r\n')).toEqual(['250 2.0.0 Ok: queued as ABC123']);
    const lenient = server({ lenientEndOfData: true });
    lenient.say('EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n');
    expect(lenient.say('one\n.\nMAIL FROM:<evil@example.com>\r\n')).toEqual([
      '250 2.0.0 Ok: queued as ABC123',
      '250 2.1.0 Ok',
    ]);
  });

  it('rejects a mail loop after too many Received: headers (RFC 5321 §6.3)', () => {
    const s = server({ maxHops: 3 });
    s.say('EHLO c\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n');
    expect(s.say('Received: x\r\n'.repeat(4) + '\r\nbody\r\n.\r\n')).toEqual([
      '554 5.4.6 Too many hops: mail loop detected',
    ]);
  });

  it('answers unknown commands, bad syntax and long lines, then hangs up after too many errors', () => {
    const s = server({ maxErrors: 4 });
    expect(s.say('FOO\r\n')).toEqual(['500 5.5.2 Error: command not recognized']);
    expect(s.say(`NOOP ${'x'.repeat(600)}\r\n`)).toEqual(['500 5.5.2 Error: line too long']);
    expect(s.say('HELO\r\n')[0]).toMatch(/^501 /);
    expect(s.say('BAR\r\n')).toEqual([
      '500 5.5.2 Error: command not recognized',
      '421 4.7.0 Error: too many errors',
    ]);
    expect(s.kinds.slice(-2)).toEqual(['close', 'state']);
    expect(s.say('NOOP\r\n')).toEqual([]);
  });

  it('says 421 and closes after the idle timeout, on virtual time (RFC 5321 §4.5.3.2.7)', () => {
    const s = server();
    s.say('EHLO c\r\n');
    s.clock.advance(299_999);
    expect(s.take()).toEqual([]);
    s.say('NOOP\r\n');
    s.clock.advance(299_999);
    expect(s.take()).toEqual([]);
    s.clock.advance(1);
    expect(s.take()).toEqual(['421 4.4.2 Error: timeout exceeded']);
    expect(s.kinds.slice(-2)).toEqual(['close', 'state']);
    expect(s.session.state).toBe('closing');
  });

  it('counts any bytes as input for the idle timer, even part of a line (RFC 5321 §4.5.3.2.7)', () => {
    const s = server();
    s.say('EHLO c\r\n');
    s.clock.advance(200_000);
    expect(s.say('NO')).toEqual([]);
    s.clock.advance(299_999);
    expect(s.take()).toEqual([]);
    expect(s.say('OP\r\n')).toEqual(['250 2.0.0 Ok']);
    s.clock.advance(300_000);
    expect(s.take()).toEqual(['421 4.4.2 Error: timeout exceeded']);
    expect(s.clock.now).toBe(799_999);
  });

  it('starts TLS, discards commands pipelined behind STARTTLS, and forgets the EHLO (RFC 3207 §4.2, §6)', () => {
    const s = server({ role: 'submission', requireAuth: true });
    s.say('EHLO c\r\n');
    expect(s.say('STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n')).toEqual([
      '220 2.0.0 Ready to start TLS',
    ]);
    expect(s.kinds.slice(-3)).toEqual(['violation', 'startTls', 'state']);
    s.session.handleTlsEstablished({
      version: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      serverName: 'mx',
    });
    expect(s.take()).toEqual([]);
    expect(s.say('MAIL FROM:<a@example.com>\r\n')).toEqual(['503 5.5.1 Error: send HELO/EHLO first']);
    const ehlo = s.say('EHLO c\r\n');
    expect(ehlo).toContain('250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2');
    expect(ehlo).not.toContain('250-STARTTLS');
    expect(s.say('STARTTLS\r\n')).toEqual(['503 5.5.1 Error: TLS already active']);
  });

  it('requires AUTH on submission, refuses it before TLS, and accepts PLAIN after (RFC 4954 §4, RFC 6409 §4.3)', () => {
    const s = server({ role: 'submission', requireAuth: true });
    const ehlo = s.say('EHLO c\r\n');
    expect(ehlo.some((l) => l.includes('AUTH'))).toBe(false);
    expect(s.say('MAIL FROM:<bob@example.net>\r\n')).toEqual(['530 5.7.0 Authentication required']);
    const plain = base64Encode(plainResponse('bob@example.net', 'secret'));
    expect(s.say(`AUTH PLAIN ${plain}\r\n`)).toEqual([
      '538 5.7.11 Encryption required for requested authentication mechanism',
    ]);
    s.say('STARTTLS\r\n');
    s.session.handleTlsEstablished({ version: 'TLSv1.3', cipher: 'x', serverName: 'mx' });
    s.say('EHLO c\r\n');
    expect(s.say(`AUTH PLAIN ${base64Encode(plainResponse('bob@example.net', 'wrong'))}\r\n`)).toEqual([
      '535 5.7.8 Error: authentication failed',
    ]);
    expect(s.say(`AUTH PLAIN ${plain}\r\n`)).toEqual(['235 2.7.0 Authentication successful']);
    expect(s.say('AUTH PLAIN\r\n')).toEqual(['503 5.5.1 Error: already authenticated']);
    expect(s.say('MAIL FROM:<bob@example.net>\r\n')).toEqual(['250 2.1.0 Ok']);
    expect(s.say('RCPT TO:<anyone@elsewhere.org>\r\n')).toEqual(['250 2.1.5 Ok']);
    expect(s.events[0]).toEqual({ type: 'authenticated', user: 'bob@example.net' });
  });

  it('runs LOGIN and CRAM-MD5 exchanges with 334 challenges, and cancels with * (RFC 4954 §4)', () => {
    const s = server({ allowAuthWithoutTls: true });
    s.say('EHLO c\r\n');
    expect(s.say('AUTH LOGIN\r\n')).toEqual(['334 VXNlcm5hbWU6']);
    expect(s.say(`${base64Encode(latin1Bytes('bob@example.net'))}\r\n`)).toEqual(['334 UGFzc3dvcmQ6']);
    expect(s.say('*\r\n')).toEqual(['501 5.7.0 Authentication aborted']);
    const challenge = s.say('AUTH CRAM-MD5\r\n')[0]!;
    expect(challenge).toBe(`334 ${base64Encode(latin1Bytes('<1896.697170952@mx.example.net>'))}`);
    const answer = base64Encode(
      cramMd5Response('<1896.697170952@mx.example.net>', 'bob@example.net', 'secret'),
    );
    expect(s.say(`${answer}\r\n`)).toEqual(['235 2.7.0 Authentication successful']);
  });

  it('answers VRFY, EXPN, HELP, NOOP and RSET', () => {
    const s = server();
    s.say('EHLO c\r\n');
    expect(s.say('VRFY <bob@example.net>\r\n')).toEqual(['252 2.0.0 bob@example.net']);
    expect(s.say('VRFY nobody@example.net\r\n')[0]).toMatch(/^550 5\.1\.1 /);
    expect(s.say('EXPN staff\r\n')).toEqual(['502 5.5.1 Error: EXPN is not available']);
    expect(s.say('HELP\r\n')[0]).toMatch(/^214-2\.0\.0 /);
    expect(s.say('NOOP\r\n')).toEqual(['250 2.0.0 Ok']);
    s.say('MAIL FROM:<a@example.com>\r\n');
    expect(s.say('RSET\r\n')).toEqual(['250 2.0.0 Ok']);
    expect(s.session.state).toBe('greeted');
  });

  it('requires SMTPUTF8 for non-ASCII addresses (RFC 6531 §3.5)', () => {
    const s = server({ openRelay: true });
    s.say('EHLO c\r\n');
    expect(s.sayUtf8('MAIL FROM:<jösé@example.com>\r\n')[0]).toMatch(/^553 5\.6\.7 /);
    expect(s.sayUtf8('MAIL FROM:<jösé@example.com> SMTPUTF8\r\n')).toEqual(['250 2.1.0 Ok']);
    expect(s.sayUtf8('RCPT TO:<bøb@example.org>\r\n')).toEqual(['250 2.1.5 Ok']);
  });
});

describe('SmtpServerSession under hostile input', () => {
  it('never throws on random bytes and answers only with well-formed replies', () => {
    const reply = /^\d{3}([ -]|$)/;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc
              .constantFrom(
                'EHLO x\r\n',
                'MAIL FROM:<a@example.com>\r\n',
                'RCPT TO:<bob@example.net>\r\n',
                'DATA\r\n',
                '.\r\n',
                'AUTH PLAIN\r\n',
                'STARTTLS\r\n',
                'RSET\r\n',
                '\r\n',
              )
              .map((t) => latin1Bytes(t)),
          ),
          { maxLength: 30 },
        ),
        (chunks) => {
          const s = server({ allowAuthWithoutTls: true });
          const lines: string[] = [];
          for (const chunk of chunks) {
            s.session.receive(chunk);
            lines.push(...s.take());
          }
          s.session.receiveEnd();
          return lines.every((line) => reply.test(line));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('SmtpServerSession refusing a client', () => {
  it('greets with the refusal instead of 220 and closes (RFC 5321 §3.1)', () => {
    const clock = new Scheduler();
    const session = new SmtpServerSession(
      {
        config: { ...DEFAULT_SMTP_SERVER_CONFIG, hostname: 'mx.example.net', role: 'mx' },
        directory,
        peer: { address: '192.0.2.1', implicitTls: false },
        now: () => 0,
        queueId: () => 'Q',
        nonce: () => 'n',
        refusal: {
          code: 421,
          enhanced: '4.7.0',
          text: 'mx.example.net Error: too many connections from 192.0.2.1',
        },
      },
      clock,
    );
    const outputs = [];
    for (let out = session.poll(); out; out = session.poll())
      outputs.push(out.kind === 'transmit' ? bytesToLatin1(out.bytes) : out.kind);
    expect(outputs).toEqual([
      '421 4.7.0 mx.example.net Error: too many connections from 192.0.2.1\r\n',
      'close',
      'state',
    ]);
    expect(session.state).toBe('closing');
  });
});
