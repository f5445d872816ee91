import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DnsWireError, encodeDnsMessage } from './wire.ts';

describe('DNS messages on the wire (RFC 1035 §4.1)', () => {
  it('writes a query: header with RD, one question, no compression', () => {
    expect([...encodeDnsMessage(0x1234, { name: 'example.net', type: 'MX' })]).toEqual([
      0x12,
      0x34,
      0x01,
      0x00,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      7,
      ...'example'.split('').map((c) => c.charCodeAt(0)),
      3,
      0x6e,
      0x65,
      0x74,
      0,
      0,
      15,
      0,
      1,
    ]);
  });

  it('writes an authoritative answer with its records and RDLENGTH', () => {
    const bytes = encodeDnsMessage(
      7,
      { name: 'a.example', type: 'A' },
      {
        rcode: 'NOERROR',
        answers: [{ name: 'a.example', ttl: 300, class: 'IN', type: 'A', address: '192.0.2.1' }],
      },
    );
    expect([...bytes.subarray(2, 4)]).toEqual([0x85, 0x00]); // QR AA RD, NOERROR
    expect([...bytes.subarray(6, 8)]).toEqual([0, 1]); // ANCOUNT
    expect([...bytes.subarray(-6)]).toEqual([0, 4, 192, 0, 2, 1]);
  });

  it('sets NXDOMAIN and SERVFAIL, and has no message for a timeout', () => {
    const q = { name: 'x.example', type: 'TXT' } as const;
    expect(encodeDnsMessage(1, q, { rcode: 'NXDOMAIN', answers: [] })[3]! & 0x0f).toBe(3);
    expect(encodeDnsMessage(1, q, { rcode: 'SERVFAIL', answers: [] })[3]! & 0x0f).toBe(2);
    expect(() => encodeDnsMessage(1, q, { rcode: 'TIMEOUT', answers: [] })).toThrow(DnsWireError);
  });

  it('splits TXT data into character-strings of at most 255 octets', () => {
    const long = 'v'.repeat(300);
    const bytes = encodeDnsMessage(
      1,
      { name: 't', type: 'TXT' },
      { rcode: 'NOERROR', answers: [{ name: 't', ttl: 1, class: 'IN', type: 'TXT', strings: [long] }] },
    );
    const rdata = bytes.subarray(bytes.length - 302);
    expect(rdata[0]).toBe(255);
    expect(rdata[256]).toBe(45);
  });

  it('refuses names the wire cannot carry, and never fails otherwise', () => {
    expect(() => encodeDnsMessage(1, { name: `${'a'.repeat(64)}.example`, type: 'A' })).toThrow(DnsWireError);
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer(), (name, id) => {
        try {
          encodeDnsMessage(id, { name, type: 'TXT' });
        } catch (error) {
          if (!(error instanceof DnsWireError)) throw error;
        }
      }),
    );
  });
});
