import { describe, expect, it } from 'vitest';
import type { DnsAnswer, ResourceRecord } from '../../../simulators/index.ts';
import { absoluteName, formatAnswer, formatClock, formatMs, formatRecordLine } from './format.ts';

describe('formatClock', () => {
  it('shows minutes, seconds and milliseconds of virtual time', () => {
    expect([0, 15, 150, 1_000, 61_234, 3_599_999].map(formatClock)).toEqual([
      '00:00.000',
      '00:00.015',
      '00:00.150',
      '00:01.000',
      '01:01.234',
      '59:59.999',
    ]);
  });

  it('adds hours from one hour on and drops fractions of a millisecond', () => {
    expect([3_600_000, 3_723_004.9].map(formatClock)).toEqual(['1:00:00.000', '1:02:03.004']);
  });
});

describe('formatMs', () => {
  it('rounds to a tenth of a millisecond', () => {
    expect([0, 15, 2.5, 12.345].map(formatMs)).toEqual(['0 ms', '15 ms', '2.5 ms', '12.3 ms']);
  });
});

/** Omit that keeps a union a union. */
type RecordBody = ResourceRecord extends infer R
  ? R extends unknown
    ? Omit<R, 'ttl' | 'class'>
    : never
  : never;
const rr = (r: RecordBody): ResourceRecord => ({ ttl: 3600, class: 'IN', ...r }) as ResourceRecord;

describe('formatRecordLine (dig presentation, RFC 1035 §5.1)', () => {
  it('writes every record type with absolute names', () => {
    const records: ResourceRecord[] = [
      rr({ name: 'mx.example.net', type: 'A', address: '198.51.100.25' }),
      rr({ name: 'mx.example.net', type: 'AAAA', address: '2001:db8::25' }),
      rr({ name: 'example.net', type: 'MX', preference: 10, exchange: 'mx.example.net' }),
      rr({ name: 'example.com', type: 'TXT', strings: ['v=spf1 ', 'ip4:192.0.2.25 -all', 'say "hi"'] }),
      rr({ name: 'imap.example.net', type: 'CNAME', target: 'mx.example.net' }),
      rr({ name: '25.100.51.198.in-addr.arpa', type: 'PTR', target: 'mx.example.net' }),
      rr({ name: 'example.net', type: 'NS', host: 'ns.example.com' }),
      rr({
        name: 'example.net',
        type: 'SOA',
        mname: 'ns.example.com',
        rname: 'hostmaster.example.net',
        serial: 2026112901,
        refresh: 3600,
        retry: 900,
        expire: 604800,
        minimum: 300,
      }),
    ];
    expect(records.map(formatRecordLine)).toEqual([
      'mx.example.net. A 198.51.100.25',
      'mx.example.net. AAAA 2001:db8::25',
      'example.net. MX 10 mx.example.net.',
      'example.com. TXT "v=spf1 " "ip4:192.0.2.25 -all" "say \\"hi\\""',
      'imap.example.net. CNAME mx.example.net.',
      '25.100.51.198.in-addr.arpa. PTR mx.example.net.',
      'example.net. NS ns.example.com.',
      'example.net. SOA ns.example.com. hostmaster.example.net. 2026112901 3600 900 604800 300',
    ]);
  });

  it('writes the root as a single dot', () => {
    expect([absoluteName(''), absoluteName('example.net'), absoluteName('example.net.')]).toEqual([
      '.',
      'example.net.',
      'example.net.',
    ]);
  });
});

describe('formatAnswer', () => {
  it('joins the records of a NOERROR answer, CNAME first', () => {
    const answer: DnsAnswer = {
      rcode: 'NOERROR',
      answers: [
        rr({ name: 'imap.example.net', type: 'CNAME', target: 'mx.example.net' }),
        rr({ name: 'mx.example.net', type: 'A', address: '198.51.100.25' }),
      ],
    };
    expect(formatAnswer(answer)).toBe(
      'imap.example.net. CNAME mx.example.net.; mx.example.net. A 198.51.100.25',
    );
  });

  it('names the outcome when there are no records (NODATA per RFC 2308 §2.2)', () => {
    const outcomes: DnsAnswer['rcode'][] = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'TIMEOUT'];
    expect(outcomes.map((rcode) => formatAnswer({ rcode, answers: [] }))).toEqual([
      'NODATA',
      'NXDOMAIN',
      'SERVFAIL',
      'TIMEOUT',
    ]);
  });
});
