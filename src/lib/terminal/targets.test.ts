import { describe, expect, it } from 'vitest';
import { terminalProtocol, terminalTargets } from './targets.ts';

describe('terminalTargets', () => {
  it('lists every listening service of every host as host:port, by port, marking implicit TLS', () => {
    expect(
      terminalTargets([
        { id: 'alice-laptop', addresses: ['192.0.2.10'], services: [] },
        {
          id: 'smtp.example.com',
          addresses: ['192.0.2.25', '2001:db8::25'],
          services: [
            { port: 587, service: 'submission', tls: false },
            { port: 25, service: 'smtp', tls: false },
            { port: 465, service: 'submissions', tls: true },
          ],
        },
        { id: 'nowhere', addresses: [], services: [{ port: 25, service: 'smtp', tls: false }] },
      ]),
    ).toEqual([
      {
        value: 'smtp.example.com:25',
        label: 'smtp.example.com:25 (smtp)',
        host: 'smtp.example.com',
        address: '192.0.2.25',
        port: 25,
        service: 'smtp',
        tls: false,
      },
      {
        value: 'smtp.example.com:465',
        label: 'smtp.example.com:465 (submissions, TLS)',
        host: 'smtp.example.com',
        address: '192.0.2.25',
        port: 465,
        service: 'submissions',
        tls: true,
      },
      {
        value: 'smtp.example.com:587',
        label: 'smtp.example.com:587 (submission)',
        host: 'smtp.example.com',
        address: '192.0.2.25',
        port: 587,
        service: 'submission',
        tls: false,
      },
    ]);
  });
});

describe('terminalProtocol', () => {
  it('speaks POP3 on the pop3 and pop3s services, and on ports 110 and 995 when the service is unknown (RFC 1939, RFC 8314)', () => {
    expect([
      terminalProtocol('pop3', 110),
      terminalProtocol('pop3s', 995),
      terminalProtocol('smtp', 25),
      terminalProtocol('submission', 587),
      terminalProtocol(undefined, 110),
      terminalProtocol(undefined, 995),
      terminalProtocol(undefined, 25),
    ]).toEqual(['pop3', 'pop3', 'smtp', 'smtp', 'pop3', 'pop3', 'smtp']);
  });

  it('speaks IMAP on the imap and imaps services, and on ports 143 and 993 (RFC 3501 §2.1, RFC 8314)', () => {
    expect([
      terminalProtocol('imap', 143),
      terminalProtocol('imaps', 993),
      terminalProtocol(undefined, 143),
      terminalProtocol(undefined, 993),
    ]).toEqual(['imap', 'imap', 'imap', 'imap']);
  });
});
