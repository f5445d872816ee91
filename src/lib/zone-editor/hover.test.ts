import { describe, expect, it } from 'vitest';
import { loadZoneChecks } from '../../../simulators/index.ts';
import { hoverAt } from './hover.ts';

const ZONE = [
  '$ORIGIN example.com.',
  '$TTL 3600',
  '@ IN TXT "v=spf1 ip4:192.0.2.25 include:_spf.example.net ~all"',
  '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:r@example.com; foo=1"',
  's1._domainkey IN TXT "v=DKIM1; k=ed25519; p=+0Z+o7uH4Ou6YswlmPgIIHwyZ/RKH0fn1QE3bRshG3I="',
  ';@timeout _spf.example.net. TXT',
  'mx IN MX 10 mail ; a comment with TXT in it',
  'A 60 A 192.0.2.1',
];

/** The hover at the first occurrence of `needle` on line `line` (1-based). */
async function hoverOn(line: number, needle: string, offset = 0) {
  const { checkZone } = await loadZoneChecks();
  const { terms } = checkZone(ZONE.join('\n'));
  const text = ZONE[line - 1]!;
  const column = text.indexOf(needle) + 1 + offset;
  return hoverAt(terms, line, column, text);
}

describe('hoverAt', () => {
  it('explains an SPF mechanism and its qualifier (RFC 7208 §4.6.2, §5)', async () => {
    const hover = await hoverOn(3, '~all', 2);
    expect(hover?.contents[0]).toMatch(/^\*\*`all` — matches every sender \(RFC 7208 §5\.1\)\*\*/);
    expect(hover?.contents[1]).toBe(
      'Qualifier **~ softfail** — Probably not authorised; receivers accept the message but treat it with suspicion.',
    );
    expect([hover?.column, hover?.endColumn]).toEqual([58, 62]);
  });

  it('says a mechanism without a qualifier is +', async () => {
    const hover = await hoverOn(3, 'include');
    expect(hover?.contents[0]).toContain('`include:<domain>` — asks another record');
    expect(hover?.contents[1]).toMatch(/^No qualifier is written, so it is `\+`: \*\*\+ pass\*\*/);
  });

  it('explains the version, DMARC tags, unknown tags and DKIM key tags', async () => {
    expect((await hoverOn(3, 'v=spf1'))?.contents[0]).toContain('`v=spf1` — an SPF record');
    expect((await hoverOn(4, 'p=reject'))?.contents[0]).toContain('`p=` — policy (required)');
    expect((await hoverOn(4, 'rua'))?.contents[0]).toContain('_report._dmarc');
    expect((await hoverOn(4, 'foo'))?.contents[0]).toContain('`foo=` — unknown tag');
    expect((await hoverOn(5, 'k=ed25519'))?.contents[0]).toContain('`k=` — key type');
    expect((await hoverOn(5, 'p=+0Z'))?.contents[0]).toContain('`p=` — the public key');
  });

  it('explains the fault pragmas, record types, classes and directives', async () => {
    expect((await hoverOn(6, ';@timeout', 3))?.contents[0]).toContain('make the DNS server not answer');
    expect((await hoverOn(7, 'MX'))?.contents[0]).toContain('`MX` — mail exchanger');
    expect((await hoverOn(7, 'IN'))?.contents[0]).toContain('`IN` — the Internet class');
    expect((await hoverOn(1, '$ORIGIN'))?.contents[0]).toContain('`$ORIGIN` — the origin');
    const type = await hoverOn(8, ' A ', 1);
    expect(type?.contents[0]).toContain('`A` — IPv4 address');
  });

  it('says nothing in comments, on owner names, on the pragma’s name, or on plain data', async () => {
    expect(await hoverOn(7, 'TXT in it')).toBeUndefined();
    expect(await hoverOn(8, 'A')).toBeUndefined();
    expect(await hoverOn(6, '_spf')).toBeUndefined();
    expect(await hoverOn(7, '10')).toBeUndefined();
  });
});
