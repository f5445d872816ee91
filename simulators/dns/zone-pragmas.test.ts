import { describe, expect, it } from 'vitest';
import { SimResolver } from './resolver.ts';
import { ZoneData } from './zone-data.ts';
import { formatFault, parseZone } from './zone-file.ts';

const ZONE = [
  '$ORIGIN example.com.',
  '$TTL 300',
  '@ SOA ns hostmaster 1 2h 1h 1w 5m',
  '  NS ns',
  'ns A 192.0.2.53',
  '@ TXT "v=spf1 include:_spf -all"',
  '_spf TXT "v=spf1 ip4:192.0.2.0/24 -all"',
  'alias CNAME _spf',
  'chain CNAME alias',
].join('\n');

describe('zone pragmas', () => {
  it('reads ;@timeout and ;@servfail with absolute names and optional types', () => {
    const parsed = parseZone(
      [
        ZONE,
        ';@timeout _spf.example.com. TXT',
        '  ;@servfail Example.ORG  a mx A ; a trailing comment',
        ';@TIMEOUT mx.example.net',
      ].join('\n'),
    );
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.faults).toEqual([
      { kind: 'timeout', name: '_spf.example.com', types: ['TXT'], line: 10 },
      { kind: 'servfail', name: 'example.org', types: ['A', 'MX'], line: 11 },
      { kind: 'timeout', name: 'mx.example.net', line: 12 },
    ]);
  });

  it('does not apply $ORIGIN to a pragma name: a relative-looking name is absolute', () => {
    expect(parseZone('$ORIGIN example.com.\n;@timeout www\n').faults).toEqual([
      { kind: 'timeout', name: 'www', line: 2 },
    ]);
  });

  it('leaves records and diagnostics alone, and has no faults field without pragmas', () => {
    const plain = parseZone(ZONE);
    expect(plain).not.toHaveProperty('faults');
    const withPragma = parseZone(`${ZONE}\n;@servfail example.com.\n`);
    expect(withPragma.records).toEqual(plain.records);
    expect(withPragma.diagnostics).toEqual(plain.diagnostics);
  });

  it('finds pragmas inside parentheses and after CRLF and a byte-order mark, but not after data', () => {
    const parsed = parseZone(
      '\ufeff;@timeout a.example.\r\n$ORIGIN example.\r\n@ 60 SOA ns host (\r\n ;@servfail b.example.\r\n 1 2 3 4 5 )\r\nx A 192.0.2.1 ;@timeout c.example.\r\n',
    );
    expect(parsed.faults).toEqual([
      { kind: 'timeout', name: 'a.example', line: 1 },
      { kind: 'servfail', name: 'b.example', line: 4 },
    ]);
    expect(parsed.records.map((r) => r.type)).toEqual(['SOA', 'A']);
  });

  it('treats ;@ followed by a blank, or by nothing, as an ordinary comment', () => {
    const parsed = parseZone(`${ZONE}\n;@ is the apex\n;@\n;;@timeout x.example.\n`);
    expect(parsed).not.toHaveProperty('faults');
    expect(parsed.diagnostics).toEqual([]);
  });

  it('reports malformed pragmas where they are, and skips them', () => {
    const parsed = parseZone(
      [
        ';@timout example.com.',
        ';@timeout',
        ';@servfail @ TXT',
        ';@servfail a..b',
        ';@timeout example.com. TXT SRV bogus',
        ';@servfail ok.example.',
      ].join('\n'),
      { origin: 'example.com' },
    );
    expect(parsed.faults).toEqual([{ kind: 'servfail', name: 'ok.example', line: 6 }]);
    expect(parsed.diagnostics.map((d) => [d.line, d.column, d.endColumn, d.severity, d.code])).toEqual([
      [1, 1, 9, 'warning', 'unknown-pragma'],
      [2, 1, 10, 'error', 'pragma-missing-name'],
      [3, 12, 13, 'error', 'pragma-bad-name'],
      [4, 12, 16, 'error', 'pragma-bad-name'],
      [5, 28, 31, 'error', 'pragma-unknown-type'],
      [5, 32, 37, 'error', 'pragma-unknown-type'],
    ]);
    expect(parsed.diagnostics[0]!.message).toContain("';@timout' is not a pragma Mailroom knows");
    expect(parsed.diagnostics[2]!.message).toContain('$ORIGIN do not apply');
    expect(parsed.diagnostics[4]!.message).toContain("'SRV' is not a type the simulated DNS serves");
  });

  it('formats a fault back as its pragma line', () => {
    expect(formatFault({ kind: 'timeout', name: 'example.com', types: ['TXT', 'A'] })).toBe(
      ';@timeout example.com. TXT A',
    );
    expect(formatFault({ kind: 'servfail', name: 'mx.example.net' })).toBe(';@servfail mx.example.net.');
    const again = parseZone(formatFault({ kind: 'servfail', name: 'a.example', types: ['MX'] }));
    expect(again.faults).toEqual([{ kind: 'servfail', name: 'a.example', types: ['MX'], line: 1 }]);
  });
});

describe('resolver faults', () => {
  const build = (): SimResolver => {
    const zone = parseZone(ZONE);
    const data = new ZoneData();
    data.replaceZone(zone.origin, zone.records);
    return new SimResolver(data);
  };

  it('fails only the given types when fail() is given types, and any type wins second', () => {
    const r = build();
    r.fail('_SPF.example.com.', 'timeout', ['TXT']);
    expect(r.resolve({ name: '_spf.example.com', type: 'TXT' }).rcode).toBe('TIMEOUT');
    expect(r.resolve({ name: '_spf.example.com', type: 'A' }).rcode).toBe('NOERROR');
    r.fail('_spf.example.com', 'servfail');
    expect(r.resolve({ name: '_spf.example.com', type: 'TXT' }).rcode).toBe('TIMEOUT');
    expect(r.resolve({ name: '_spf.example.com', type: 'A' }).rcode).toBe('SERVFAIL');
    r.clearFailure('_spf.example.com');
    expect(r.resolve({ name: '_spf.example.com', type: 'TXT' }).rcode).toBe('NOERROR');
  });

  it('fails a query whose CNAME chase reaches a failing name, for the asked type only', () => {
    const r = build();
    r.fail('_spf.example.com', 'servfail', ['TXT']);
    expect(r.resolve({ name: 'chain.example.com', type: 'TXT' })).toEqual({ rcode: 'SERVFAIL', answers: [] });
    expect(r.resolve({ name: 'alias.example.com', type: 'TXT' }).rcode).toBe('SERVFAIL');
    expect(r.resolve({ name: 'alias.example.com', type: 'A' }).rcode).toBe('NOERROR');
    // A query for the CNAME itself does not chase it (RFC 1034 §3.6.2).
    expect(r.resolve({ name: 'alias.example.com', type: 'CNAME' }).rcode).toBe('NOERROR');
    r.clearFailure('_spf.example.com');
    r.fail('alias.example.com', 'timeout');
    expect(r.resolve({ name: 'chain.example.com', type: 'TXT' }).rcode).toBe('TIMEOUT');
  });

  it('installs pragma faults per source, replacing that source only; a fail() wins over them', () => {
    const r = build();
    const txt = (name: string) => r.resolve({ name, type: 'TXT' }).rcode;
    r.setFaults(
      'example.com',
      parseZone(`${ZONE}\n;@timeout example.com.\n;@servfail _spf.example.com.`).faults!,
    );
    r.setFaults('other', [{ kind: 'servfail', name: 'example.com', types: ['TXT'] }]);
    expect([txt('example.com'), txt('_spf.example.com'), txt('chain.example.com')]).toEqual([
      'SERVFAIL', // a fault for the asked type wins over one for every type
      'SERVFAIL',
      'SERVFAIL',
    ]);
    expect(r.resolve({ name: 'example.com', type: 'A' }).rcode).toBe('TIMEOUT');
    r.fail('_spf.example.com', 'timeout');
    expect(txt('_spf.example.com')).toBe('TIMEOUT');
    r.clearFailure('_spf.example.com');
    r.setFaults('example.com', []);
    expect([txt('example.com'), txt('_spf.example.com')]).toEqual(['SERVFAIL', 'NOERROR']);
    r.setFaults('other', []);
    expect(txt('example.com')).toBe('NOERROR');
  });
});
