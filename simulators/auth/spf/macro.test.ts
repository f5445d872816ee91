import { describe, expect, it } from 'vitest';
import { dottedIp, ipVersionLabel, parseClientIp, readableIp, type ClientIp } from './client-ip.ts';
import {
  choosePtrName,
  expandMacroString,
  parseMacroString,
  toQueryName,
  type MacroContext,
  type MacroValues,
} from './macro.ts';

/** RFC 7208 §7.4: sender strong-bad@email.example.com, PTR name mx.example.org. */
function values(ipText: string, overrides: Partial<MacroValues> = {}): MacroValues {
  const ip: ClientIp = parseClientIp(ipText)!;
  return {
    s: 'strong-bad@email.example.com',
    l: 'strong-bad',
    o: 'email.example.com',
    d: 'email.example.com',
    i: dottedIp(ip),
    p: 'mx.example.org',
    h: 'mx.example.org',
    c: readableIp(ip),
    r: 'receiver.example.net',
    t: '1700000000',
    v: ipVersionLabel(ip),
    ...overrides,
  };
}

function expand(text: string, v: MacroValues, context: MacroContext = 'domain'): string {
  const parsed = parseMacroString(text, context);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return expandMacroString(parsed.tokens, v);
}

describe('RFC 7208 §7.4 examples, verbatim', () => {
  const v4 = values('192.0.2.3');
  it.each([
    ['%{s}', 'strong-bad@email.example.com'],
    ['%{o}', 'email.example.com'],
    ['%{d}', 'email.example.com'],
    ['%{d4}', 'email.example.com'],
    ['%{d3}', 'email.example.com'],
    ['%{d2}', 'example.com'],
    ['%{d1}', 'com'],
    ['%{dr}', 'com.example.email'],
    ['%{d2r}', 'example.email'],
    ['%{l}', 'strong-bad'],
    ['%{l-}', 'strong.bad'],
    ['%{lr}', 'strong-bad'],
    ['%{lr-}', 'bad.strong'],
    ['%{l1r-}', 'strong'],
    ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
    ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
    ['%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'],
    ['%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'],
    ['%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'],
  ])('IPv4 192.0.2.3: %s → %s', (macro, expansion) => {
    expect(expand(macro, v4)).toBe(expansion);
  });

  const v6 = values('2001:db8::cb01');
  it.each([
    [
      '%{ir}.%{v}._spf.%{d2}',
      '1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com',
    ],
    ['%{c}', '2001:db8::cb01'],
  ])('IPv6 2001:db8::cb01: %s → %s', (macro, expansion) => {
    expect(expand(macro, v6, 'explanation')).toBe(expansion);
  });
});

describe('expansion details (RFC 7208 §7.3)', () => {
  const v = values('192.0.2.3');
  it.each([
    ['%%', '%'],
    ['%_', ' '],
    ['%-', '%20'],
    ['macro%%percent%_%_space%-url-space.example.com', 'macro%percent  space%20url-space.example.com'],
    // Upper-case letters URL-escape everything outside RFC 3986's unreserved set.
    ['%{L}', 'strong-bad'],
    ['%{S}', 'strong-bad%40email.example.com'],
    // Several delimiters at once; the result is joined with dots.
    ['%{l2r+-}', 'b.a'],
    // More parts than there are keeps all of them; digits may be large.
    ['%{d127}', 'email.example.com'],
    ['%{d02}', 'example.com'],
  ])('%s', (macro, expansion) => {
    const local = macro === '%{l2r+-}' ? { l: 'a-b+c' } : {};
    expect(expand(macro, { ...v, ...local })).toBe(expansion);
  });

  it('URL-escapes reserved characters as the suite expects (upper-macro)', () => {
    expect(expand('%{L}', { ...v, l: '~jack&jill=up-a_b3.c' })).toBe('~jack%26jill%3Dup-a_b3.c');
  });

  it('URL-escapes non-ASCII as UTF-8 octets', () => {
    expect(expand('%{L}', { ...v, l: 'zoë' })).toBe('zo%C3%AB');
  });

  it('treats an IPv4-mapped IPv6 client as IPv4 (RFC 7208 §5)', () => {
    const mapped = values('::FFFF:192.0.2.3');
    expect(expand('%{i} %{v} %{c}', mapped, 'explanation')).toBe('192.0.2.3 in-addr 192.0.2.3');
  });

  it('allows c, r, t only in explanation text', () => {
    expect(expand('%{c} %{r} %{t}', v, 'explanation')).toBe('192.0.2.3 receiver.example.net 1700000000');
    expect(parseMacroString('%{r}.example.com', 'domain')).toMatchObject({
      ok: false,
      error: { position: 2, message: expect.stringContaining('only in explanation text') },
    });
  });
});

describe('macro syntax errors carry positions', () => {
  it.each([
    ['%(ir).sbl.example.com', 0, "'%' must be followed by '{', '%', '_' or '-'"],
    ['foo%.sbl.example.com', 3, "'%' must be followed by"],
    ['foo%', 3, "'%' at the end"],
    ['%{a}.example.com', 2, "'a' is not a macro letter"],
    ['%{d0}', 3, 'must not be zero'],
    ['%{d2!}', 4, "'!' is not a macro delimiter"],
    ['%{d', 0, 'not closed'],
    ['a b', 1, 'U+0020'],
    ['a\x00b', 1, 'U+0000'],
  ])('%j → error at %i', (text, position, message) => {
    const parsed = parseMacroString(text, 'domain', 0);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.position).toBe(position);
    expect(parsed.error.message).toContain(message);
  });

  it('offsets positions into the record', () => {
    const parsed = parseMacroString('x%', 'domain', 10);
    expect(parsed.ok ? -1 : parsed.error.position).toBe(11);
  });

  it('allows spaces in explanation text only', () => {
    expect(parseMacroString('The %{x}-files.', 'explanation').ok).toBe(false);
    expect(parseMacroString('Not authorized, see %{d}', 'explanation').ok).toBe(true);
  });
});

describe('toQueryName (RFC 7208 §7.3 truncation)', () => {
  it('drops a trailing dot and lower-cases', () => {
    expect(toQueryName('Example.COM.')).toBe('example.com');
  });

  it('removes labels from the left until the name fits in 253 characters', () => {
    const long = `foobar.${'somewhat.long.exp.example.com.'.repeat(8)}example.com`;
    expect(long.length).toBe(258);
    const name = toQueryName(long);
    expect(name).toBe(`${'somewhat.long.exp.example.com.'.repeat(8)}example.com`);
    expect(name.length).toBeLessThanOrEqual(253);
  });

  it('ends empty when no label boundary helps', () => {
    expect(toQueryName('x'.repeat(300))).toBe('');
  });
});

describe('choosePtrName (%{p}, RFC 7208 §7.3)', () => {
  it('prefers the domain itself, then a subdomain, then any name, then "unknown"', () => {
    expect(choosePtrName(['mx.example.com', 'example.org'], 'example.org')).toBe('example.org');
    expect(choosePtrName(['mx.example.com', 'mx.e7.example.com'], 'e7.example.com')).toBe(
      'mx.e7.example.com',
    );
    expect(choosePtrName(['mx.example.com'], 'e7.example.com')).toBe('mx.example.com');
    expect(choosePtrName([], 'e7.example.com')).toBe('unknown');
  });
});
