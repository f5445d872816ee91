import { describe, expect, it } from 'vitest';
import { terminalTargets } from './targets.ts';

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
