/**
 * The SMTP client against the SMTP server, through bytes only (STYLE §S5.3).
 * Each test asserts the whole RFC 5321 Appendix D transcript and what the
 * client told its owner.
 */
import { describe, expect, it } from 'vitest';
import { latin1Bytes, utf8Text } from '../core/bytes.ts';
import type { OutgoingMessage, SmtpClientConfig } from '../smtp/client-session.ts';
import type { ReceivedMessage } from '../smtp/server.machine.ts';
import { smtpPair, type SmtpPair } from './pair.ts';

/** An MTA relaying to an MX (RFC 5321 §2.3.10), STARTTLS when offered (RFC 3207). */
const MTA: SmtpClientConfig = {
  heloName: 'smtp.example.com',
  tls: 'opportunistic',
  implicitTls: false,
  replyTimeoutMs: 300_000,
};

/** A MUA submitting on port 587 (RFC 6409), TLS required (RFC 8314), AUTH PLAIN. */
const MUA: SmtpClientConfig = {
  heloName: 'alice-laptop.example.com',
  tls: 'required',
  implicitTls: false,
  auth: { username: 'alice@example.com', password: 'alice-pw', mechanisms: ['PLAIN'] },
  replyTimeoutMs: 300_000,
};

const SUBMISSION = { hostname: 'smtp.example.com', role: 'submission', requireAuth: true } as const;

function message(id: string, rcptTo: string[], body = 'Subject: hello\r\n\r\nHi Bob.\r\n'): OutgoingMessage {
  return { id, mailFrom: 'alice@example.com', rcptTo, data: latin1Bytes(body) };
}

/** The client's owner events, with the ready event's extension map reduced to its keywords. */
function clientEvents(p: SmtpPair): unknown[] {
  return p.clientEvents.map((e) => (e.type === 'ready' ? { ...e, extensions: [...e.extensions.keys()] } : e));
}

describe('SMTP client and server pair', () => {
  it('relays one message in plain text (RFC 5321 §3.3, Appendix D.1)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' } });
    p.client.send(message('m1', ['bob@example.net']));
    p.client.quit();
    p.drive();
    expect(p.lines.join('\n')).toMatchInlineSnapshot(`
      "S: 220 mx.example.net ESMTP Mailroom
      C: EHLO smtp.example.com
      S: 250-mx.example.net
      S: 250-PIPELINING
      S: 250-SIZE 10240000
      S: 250-VRFY
      S: 250-STARTTLS
      S: 250-ENHANCEDSTATUSCODES
      S: 250-8BITMIME
      S: 250 SMTPUTF8
      C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<bob@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 354 End data with <CR><LF>.<CR><LF>
      C: Subject: hello
      C: 
      C: Hi Bob.
      C: .
      S: 250 2.0.0 Ok: queued as 4Q1
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(clientEvents(p)).toMatchInlineSnapshot(`
      [
        {
          "authenticated": false,
          "extensions": [
            "PIPELINING",
            "SIZE",
            "VRFY",
            "STARTTLS",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "SMTPUTF8",
          ],
          "tls": false,
          "type": "ready",
        },
        {
          "messageId": "m1",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 250,
                "enhanced": "2.0.0",
                "text": "Ok: queued as 4Q1",
              },
            },
          ],
          "type": "result",
        },
      ]
    `);
    expect(p.violations).toEqual([]);
  });
  it('sends MAIL, every RCPT and DATA in one write when PIPELINING is offered (RFC 2920 §3.1)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' } });
    p.client.send(message('m1', ['bob@example.net', 'carol@example.net']));
    p.drive();
    expect(p.wire.filter((w) => w.side === 'client').map((w) => w.text)).toEqual([
      'EHLO smtp.example.com\r\n',
      'MAIL FROM:<alice@example.com> SIZE=27\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n',
      'Subject: hello\r\n\r\nHi Bob.\r\n.\r\n',
    ]);
    expect(p.lines.slice(10).join('\n')).toMatchInlineSnapshot(`
      "C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<bob@example.net>
      C: RCPT TO:<carol@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 250 2.1.5 Ok
      S: 354 End data with <CR><LF>.<CR><LF>
      C: Subject: hello
      C: 
      C: Hi Bob.
      C: .
      S: 250 2.0.0 Ok: queued as 4Q1"
    `);
    expect(p.client.state).toBe('ready');
  });

  it('submits over STARTTLS with AUTH PLAIN, EHLO again after TLS (RFC 3207 §4.2, RFC 4954 §4, RFC 6409)', () => {
    const p = smtpPair({ client: MUA, server: SUBMISSION });
    p.client.send(message('m1', ['bob@example.net']));
    p.client.quit();
    p.drive();
    expect(p.lines.join('\n')).toMatchInlineSnapshot(`
      "S: 220 smtp.example.com ESMTP Mailroom
      C: EHLO alice-laptop.example.com
      S: 250-smtp.example.com
      S: 250-PIPELINING
      S: 250-SIZE 10240000
      S: 250-VRFY
      S: 250-STARTTLS
      S: 250-ENHANCEDSTATUSCODES
      S: 250-8BITMIME
      S: 250 SMTPUTF8
      C: STARTTLS
      S: 220 2.0.0 Ready to start TLS
      -- TLS established (TLSv1.3 TLS_AES_128_GCM_SHA256) --
      C: EHLO alice-laptop.example.com
      S: 250-smtp.example.com
      S: 250-PIPELINING
      S: 250-SIZE 10240000
      S: 250-VRFY
      S: 250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2
      S: 250-ENHANCEDSTATUSCODES
      S: 250-8BITMIME
      S: 250 SMTPUTF8
      C: AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGFsaWNlLXB3
      S: 235 2.7.0 Authentication successful
      C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<bob@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 354 End data with <CR><LF>.<CR><LF>
      C: Subject: hello
      C: 
      C: Hi Bob.
      C: .
      S: 250 2.0.0 Ok: queued as 4Q1
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(clientEvents(p)).toMatchInlineSnapshot(`
      [
        {
          "authenticated": true,
          "extensions": [
            "PIPELINING",
            "SIZE",
            "VRFY",
            "AUTH",
            "ENHANCEDSTATUSCODES",
            "8BITMIME",
            "SMTPUTF8",
          ],
          "tls": true,
          "type": "ready",
        },
        {
          "messageId": "m1",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 250,
                "enhanced": "2.0.0",
                "text": "Ok: queued as 4Q1",
              },
            },
          ],
          "type": "result",
        },
      ]
    `);
    expect(p.serverEvents.map((e) => e.type)).toEqual(['authenticated', 'message']);
  });

  it('fails permanently on 535 and reports the message as not sent (RFC 4954 §6)', () => {
    const p = smtpPair({
      client: { ...MUA, auth: { username: 'alice@example.com', password: 'wrong', mechanisms: ['PLAIN'] } },
      server: SUBMISSION,
    });
    p.client.send(message('m1', ['bob@example.net']));
    p.drive();
    expect(p.lines.slice(-7).join('\n')).toMatchInlineSnapshot(`
      "S: 250 SMTPUTF8
      C: AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHdyb25n
      S: 535 5.7.8 Error: authentication failed
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(clientEvents(p)).toMatchInlineSnapshot(`
      [
        {
          "messageId": "m1",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 451,
                "enhanced": "4.7.0",
                "text": "not sent: authentication failed (535 5.7.8 Error: authentication failed)",
              },
            },
          ],
          "type": "result",
        },
        {
          "permanent": true,
          "reason": "authentication failed",
          "reply": {
            "code": 535,
            "enhanced": "5.7.8",
            "text": "Error: authentication failed",
          },
          "type": "failed",
        },
      ]
    `);
    expect(p.client.state).toBe('closed');
  });

  it('uses CRAM-MD5 first by default and answers its challenge (RFC 2195 §2, RFC 4954 §4)', () => {
    const p = smtpPair({
      client: { ...MUA, auth: { username: 'alice@example.com', password: 'alice-pw' } },
      server: SUBMISSION,
    });
    p.drive();
    expect(p.lines.slice(-4).join('\n')).toMatchInlineSnapshot(`
      "C: AUTH CRAM-MD5
      S: 334 PDE4OTYuNjk3MTcwOTUyQHNtdHAuZXhhbXBsZS5jb20+
      C: YWxpY2VAZXhhbXBsZS5jb20gMGNkZWFhZGU3ZjEyMWY5Mzk3OTkzMjhlNWRhNTQzN2U=
      S: 235 2.7.0 Authentication successful"
    `);
    expect(p.clientEvents.at(-1)).toMatchObject({ type: 'ready', tls: true, authenticated: true });
  });

  it('answers the LOGIN prompts with the user name, then the password', () => {
    const p = smtpPair({
      client: {
        ...MUA,
        auth: { username: 'alice@example.com', password: 'alice-pw', mechanisms: ['LOGIN'] },
      },
      server: SUBMISSION,
    });
    p.drive();
    expect(p.lines.slice(-6).join('\n')).toMatchInlineSnapshot(`
      "C: AUTH LOGIN
      S: 334 VXNlcm5hbWU6
      C: YWxpY2VAZXhhbXBsZS5jb20=
      S: 334 UGFzc3dvcmQ6
      C: YWxpY2UtcHc=
      S: 235 2.7.0 Authentication successful"
    `);
    expect(p.clientEvents.at(-1)).toMatchObject({ type: 'ready', authenticated: true });
  });

  it('acknowledges the XOAUTH2 error challenge with an empty line, then takes the 535', () => {
    const p = smtpPair({
      client: { ...MUA, auth: { username: 'alice@example.com', token: 'expired' } },
      server: SUBMISSION,
    });
    p.drive();
    expect(p.lines.slice(-8).join('\n')).toMatchInlineSnapshot(`
      "C: AUTH XOAUTH2 dXNlcj1hbGljZUBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciBleHBpcmVkAQE=
      S: 334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==
      C: 
      S: 535 5.7.8 Error: authentication failed
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(p.clientEvents).toMatchObject([{ type: 'failed', permanent: true, reply: { code: 535 } }]);
  });

  it('reports each recipient with its own reply when one is unknown (RFC 5321 §3.3, §4.2.5)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' } });
    p.client.send(message('m1', ['bob@example.net', 'nobody@example.net']));
    p.drive();
    expect(p.lines.slice(10).join('\n')).toMatchInlineSnapshot(`
      "C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<bob@example.net>
      C: RCPT TO:<nobody@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in local recipient table
      S: 354 End data with <CR><LF>.<CR><LF>
      C: Subject: hello
      C: 
      C: Hi Bob.
      C: .
      S: 250 2.0.0 Ok: queued as 4Q1"
    `);
    expect(p.clientEvents.filter((e) => e.type === 'result')).toMatchInlineSnapshot(`
      [
        {
          "messageId": "m1",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 250,
                "enhanced": "2.0.0",
                "text": "Ok: queued as 4Q1",
              },
            },
            {
              "address": "nobody@example.net",
              "reply": {
                "code": 550,
                "enhanced": "5.1.1",
                "text": "<nobody@example.net>: Recipient address rejected: User unknown in local recipient table",
              },
            },
          ],
          "type": "result",
        },
      ]
    `);
  });

  it('sends RSET when every RCPT was refused and DATA got 554, then goes on (RFC 2920 §3.1)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' }, body: 'summary' });
    p.client.send(message('m1', ['nobody@example.net']));
    p.client.send(message('m2', ['bob@example.net']));
    p.client.quit();
    p.drive();
    expect(p.lines.slice(10).join('\n')).toMatchInlineSnapshot(`
      "C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<nobody@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in local recipient table
      S: 554 5.5.1 Error: no valid recipients
      C: RSET
      S: 250 2.0.0 Ok
      C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<bob@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 354 End data with <CR><LF>.<CR><LF>
      C: <message 27 octets>
      C: .
      S: 250 2.0.0 Ok: queued as 4Q1
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(
      p.clientEvents
        .filter((e) => e.type === 'result')
        .map((e) => e.type === 'result' && [e.messageId, e.recipients[0]?.reply.code]),
    ).toEqual([
      ['m1', 550],
      ['m2', 250],
    ]);
  });

  it('does not send a message larger than the advertised SIZE (RFC 1870 §5)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' }, server: { maxMessageSize: 20 } });
    p.client.send(message('big', ['bob@example.net']));
    p.client.quit();
    p.drive();
    expect(p.lines.slice(4).join('\n')).toMatchInlineSnapshot(`
      "S: 250-SIZE 20
      S: 250-VRFY
      S: 250-STARTTLS
      S: 250-ENHANCEDSTATUSCODES
      S: 250-8BITMIME
      S: 250 SMTPUTF8
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(p.clientEvents.filter((e) => e.type === 'result')).toMatchInlineSnapshot(`
      [
        {
          "messageId": "big",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 552,
                "enhanced": "5.3.4",
                "text": "message size exceeds the limit the server announced",
              },
            },
          ],
          "type": "result",
        },
      ]
    `);
  });

  it('announces 8-bit content with BODY=8BITMIME (RFC 6152 §3)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' }, body: 'summary' });
    p.client.send({
      ...message('m1', ['bob@example.net']),
      data: Uint8Array.from([...latin1Bytes('Subject: caf'), 0xc3, 0xa9, 13, 10]),
    });
    p.drive();
    expect(p.lines.slice(10, 11)).toEqual(['C: MAIL FROM:<alice@example.com> SIZE=16 BODY=8BITMIME']);
  });

  it('fails before AUTH when TLS is required and STARTTLS is not offered (RFC 8314 §3)', () => {
    const p = smtpPair({ client: MUA, server: { ...SUBMISSION, offerStartTls: false } });
    p.client.send(message('m1', ['bob@example.net']));
    p.drive();
    expect(p.lines.slice(-5).join('\n')).toMatchInlineSnapshot(`
      "S: 250 SMTPUTF8
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(p.lines.some((l) => l.startsWith('C: AUTH'))).toBe(false);
    expect(clientEvents(p)).toMatchInlineSnapshot(`
      [
        {
          "messageId": "m1",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 451,
                "enhanced": "4.7.0",
                "text": "not sent: TLS is required but STARTTLS is not offered",
              },
            },
          ],
          "type": "result",
        },
        {
          "permanent": false,
          "reason": "TLS is required but STARTTLS is not offered",
          "type": "failed",
        },
      ]
    `);
  });

  it('reports the message as temporarily failed when the connection drops before the final reply (RFC 5321 §6.1)', () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' }, verdict: () => undefined });
    p.client.send(message('m1', ['bob@example.net']));
    p.drive();
    expect(p.client.state).toBe('transaction.awaitingFinalReply');
    p.cut();
    expect(p.lines.slice(-3).join('\n')).toMatchInlineSnapshot(`
      "-- connection lost --
      -- client closes --
      -- server closes --"
    `);
    expect(clientEvents(p).slice(1)).toMatchInlineSnapshot(`
      [
        {
          "messageId": "m1",
          "recipients": [
            {
              "address": "bob@example.net",
              "reply": {
                "code": 451,
                "enhanced": "4.4.2",
                "text": "connection lost",
              },
            },
          ],
          "type": "result",
        },
        {
          "permanent": false,
          "reason": "connection lost",
          "type": "failed",
        },
      ]
    `);
    expect(p.client.state).toBe('closed');
  });

  it('sends two messages over one connection (RFC 5321 §3.3)', () => {
    const p = smtpPair({ client: MTA, body: 'summary' });
    p.client.send(message('m1', ['bob@example.net']));
    p.client.send(message('m2', ['carol@example.net'], 'Subject: second\r\n\r\nAgain.\r\n'));
    p.client.quit();
    p.drive();
    expect(p.lines.slice(20).join('\n')).toMatchInlineSnapshot(`
      "S: 250-8BITMIME
      S: 250 SMTPUTF8
      C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<bob@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 354 End data with <CR><LF>.<CR><LF>
      C: <message 27 octets>
      C: .
      S: 250 2.0.0 Ok: queued as 4Q1
      C: MAIL FROM:<alice@example.com> SIZE=27
      C: RCPT TO:<carol@example.net>
      C: DATA
      S: 250 2.1.0 Ok
      S: 250 2.1.5 Ok
      S: 354 End data with <CR><LF>.<CR><LF>
      C: <message 27 octets>
      C: .
      S: 250 2.0.0 Ok: queued as 4Q2
      C: QUIT
      S: 221 2.0.0 Bye
      -- server closes --
      -- client closes --"
    `);
    expect(p.serverEvents.filter((e) => e.type === 'message').length).toBe(2);
  });

  it('dot-stuffs the body so lines starting with "." arrive intact (RFC 5321 §4.5.2)', () => {
    const body = 'Subject: dots\r\n\r\n.hidden\r\n..two\r\n.\r\nend\r\n';
    const received: ReceivedMessage[] = [];
    const p = smtpPair({
      client: { ...MTA, tls: 'none' },
      verdict: (m) => {
        received.push(m);
        return undefined;
      },
    });
    p.client.send(message('m1', ['bob@example.net'], body));
    p.drive();
    expect(p.lines.slice(16, 23)).toEqual([
      'C: Subject: dots',
      'C: ',
      'C: ..hidden',
      'C: ...two',
      'C: ..',
      'C: end',
      'C: .',
    ]);
    const data = utf8Text(received[0]?.data ?? new Uint8Array(0));
    expect(data.slice(data.indexOf('Subject:'))).toBe(body);
    p.server.resolveMessage({ code: 250, enhanced: '2.0.0', text: 'Ok: queued as X' });
    p.drive();
    expect(p.lines.at(-1)).toBe('S: 250 2.0.0 Ok: queued as X');
    expect(p.clientEvents.at(-1)).toMatchObject({ type: 'result', recipients: [{ reply: { code: 250 } }] });
  });
  it('submits on an implicit-TLS port without STARTTLS (RFC 8314 §3)', () => {
    const p = smtpPair({
      client: { ...MUA, implicitTls: true, tls: 'none' },
      server: SUBMISSION,
      body: 'summary',
    });
    p.client.send(message('m1', ['bob@example.net']));
    p.drive();
    expect(p.lines.slice(0, 3)).toEqual([
      '-- TLS established (TLSv1.3 TLS_AES_128_GCM_SHA256) --',
      'S: 220 smtp.example.com ESMTP Mailroom',
      'C: EHLO alice-laptop.example.com',
    ]);
    expect(p.lines.some((l) => l === 'C: STARTTLS')).toBe(false);
    expect(p.clientEvents).toMatchObject([
      { type: 'ready', tls: true, authenticated: true },
      { type: 'result', recipients: [{ reply: { code: 250 } }] },
    ]);
  });

  it("reports the server's idle-timeout 421 as a temporary failure (RFC 5321 §3.8, §4.5.3.2.7)", () => {
    const p = smtpPair({ client: { ...MTA, tls: 'none' } });
    p.drive();
    p.advance(300_000);
    expect(p.lines.slice(-3)).toEqual([
      'S: 421 4.4.2 Error: timeout exceeded',
      '-- server closes --',
      '-- client closes --',
    ]);
    expect(p.clientEvents.at(-1)).toEqual({
      type: 'failed',
      reason: 'service not available',
      reply: { code: 421, enhanced: '4.4.2', text: 'Error: timeout exceeded' },
      permanent: false,
    });
  });
});
