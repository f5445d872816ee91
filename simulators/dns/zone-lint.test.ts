import { describe, expect, it } from 'vitest';
import { parseZone, type ZoneDiagnostic } from './zone-file.ts';

const SOA_LINE = '@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300';

/** The diagnostics of a zone of example.com: an SOA on line 1, then `text` from line 2. */
const only = (text: string): ZoneDiagnostic[] =>
  parseZone(`${SOA_LINE}\n${text}`, { origin: 'example.com' }).diagnostics;

describe('zone-lint', () => {
  it('reports a CNAME beside other data as an error (RFC 1034 §3.6.2)', () => {
    expect(only('www CNAME web\nwww MX 10 mx\nwww A 192.0.2.1')).toEqual([
      {
        severity: 'error',
        line: 2,
        column: 5,
        endColumn: 10,
        code: 'cname-and-other-data',
        message:
          "'www.example.com' has a CNAME and also MX, A data: a name with a CNAME can have no other records (RFC 1034 §3.6.2)",
      },
    ]);
  });

  it('warns when an MX or NS names an alias in the zone (RFC 2181 §10.3)', () => {
    expect(
      only('alias CNAME mx\n@ MX 10 alias\n@ NS alias').map((d) => [d.line, d.column, d.severity, d.code]),
    ).toEqual([
      [3, 9, 'warning', 'target-is-cname'],
      [4, 6, 'warning', 'target-is-cname'],
    ]);
  });

  it('warns about a missing SOA, out-of-zone data, duplicates and mixed TTLs (RFC 1035 §5.2, RFC 2181 §5)', () => {
    const parsed = parseZone(
      [
        'www 60 A 192.0.2.1',
        'www 60 A 192.0.2.1',
        'www 30 A 192.0.2.2',
        'x.example.org. 60 A 192.0.2.3',
      ].join('\n'),
      { origin: 'example.com' },
    );
    expect(parsed.diagnostics.map((d) => [d.line, d.severity, d.code])).toEqual([
      [1, 'warning', 'missing-soa'],
      [2, 'warning', 'duplicate-record'],
      [3, 'warning', 'ttl-mismatch'],
      [4, 'warning', 'out-of-zone'],
    ]);
  });

  it('offers to remove a duplicate record, all the lines of its entry (RFC 2181 §5)', () => {
    const found = only('www A 192.0.2.1\nwww ( A\n  192.0.2.1 ) ; again\nmail A 192.0.2.2');
    expect(found).toEqual([
      {
        severity: 'warning',
        line: 3,
        column: 7,
        endColumn: 8,
        code: 'duplicate-record',
        message: 'the same record is on line 2: servers keep one copy (RFC 2181 §5)',
        fixes: [
          {
            title: 'Remove the duplicate record',
            edits: [{ line: 3, column: 1, endLine: 5, endColumn: 1, text: '' }],
          },
        ],
      },
    ]);
  });

  it('reports a second CNAME at a name and warns about a second SOA (RFC 2181 §10.1, RFC 1035 §5.2)', () => {
    expect(
      only('www CNAME a\nwww CNAME b\n@ SOA ns h 2 3 4 5 6').map((d) => [d.line, d.severity, d.code]),
    ).toEqual([
      [3, 'error', 'multiple-cname'],
      [4, 'warning', 'multiple-soa'],
    ]);
  });

  it('finds nothing to say about a sound zone', () => {
    expect(
      only(
        [
          '@ NS ns',
          '@ MX 10 mx',
          '@ TXT "v=spf1 mx -all"',
          '@ TXT "google-site-verification=x"',
          'ns A 192.0.2.53',
          'mx A 192.0.2.25',
          'www CNAME @',
          '_dmarc TXT "v=DMARC1; p=none"',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});
