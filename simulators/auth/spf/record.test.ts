import { describe, expect, it } from 'vitest';
import { isSpfRecord, parseRecord, selectRecord, type SpfRecord, type Term } from './record.ts';

/** A compact view of a parsed term, for table rows. */
function summary(term: Term): string {
  if (term.type === 'modifier') return `${term.name}=${term.value.source}`;
  const m = term.mechanism;
  const q = term.qualifier;
  switch (m.kind) {
    case 'all':
      return `${q}all`;
    case 'include':
    case 'exists':
      return `${q}${m.kind}:${m.domain.source}`;
    case 'a':
    case 'mx':
      return `${q}${m.kind}${m.domain === undefined ? '' : `:${m.domain.source}`}/${m.cidr4}//${m.cidr6}`;
    case 'ptr':
      return `${q}ptr${m.domain === undefined ? '' : `:${m.domain.source}`}`;
    case 'ip4':
      return `${q}ip4:${m.network.join('.')}/${m.cidr}`;
    case 'ip6':
      return `${q}ip6:${m.network.map((b) => b.toString(16).padStart(2, '0')).join('')}/${m.cidr}`;
  }
}

function parsed(text: string): SpfRecord {
  const result = parseRecord(text);
  if (!result.ok) throw new Error(`${result.error.message} at ${result.error.position}`);
  return result.record;
}

describe('record selection (RFC 7208 §4.5, §3.3)', () => {
  it.each([
    [[['v=spf1 -all']], 'one'],
    [[['v=spf1']], 'one'],
    [[['V=SpF1 ~all']], 'one'],
    [[['v=spf10'], ['v=spf1 mx']], 'one'],
    [[['v=spf1', 'mx']], 'none'], // joined without a space: "v=spf1mx"
    [[['v=spf1 ip4:', '192.0.2.5 -all'], []], 'one'],
    [[['some other text'], ['google-site-verification=x']], 'none'],
    [[], 'none'],
    [[['v=spf1 -all'], ['v=spf1 -all']], 'many'], // identical records are still two
    [[['v=spf1 -all'], ['V=sPf1 +all']], 'many'],
  ])('%j → %s', (txt, kind) => {
    expect(selectRecord(txt).kind).toBe(kind);
  });

  it('joins the strings of one TXT RR without separator', () => {
    expect(selectRecord([['v=spf1 ip4:', '192.0.2.5 -all']])).toEqual({
      kind: 'one',
      text: 'v=spf1 ip4:192.0.2.5 -all',
    });
  });

  it('recognises the version only when followed by a space or the end', () => {
    expect(isSpfRecord('v=spf1 a')).toBe(true);
    expect(isSpfRecord('v=spf1')).toBe(true);
    expect(isSpfRecord('v=spf1\ta')).toBe(false);
    expect(isSpfRecord(' v=spf1 a')).toBe(false);
  });
});

describe('parsing good records (RFC 7208 §4.6.1, §5, §6)', () => {
  it.each([
    ['v=spf1', []],
    ['v=spf1 -all ', ['-all']],
    ['v=spf1 a  -all', ['+a/32//128', '-all']],
    ['v=spf1 +a ~mx ?ptr -all', ['+a/32//128', '~mx/32//128', '?ptr', '-all']],
    [
      'v=spf1 A:Example.COM MX:example.com PTR:example.com',
      ['+a:Example.COM/32//128', '+mx:example.com/32//128', '+ptr:example.com'],
    ],
    ['v=spf1 a/24//64 mx//0 a:foo.example.com/24', ['+a/24//64', '+mx/32//0', '+a:foo.example.com/24//128']],
    ['v=spf1 a:foo:bar/baz.example.com', ['+a:foo:bar/baz.example.com/32//128']],
    [
      'v=spf1 ip4:192.0.2.0/24 ip4:1.2.3.4 ip6:2001:db8::/32',
      ['+ip4:192.0.2.0/24', '+ip4:1.2.3.4/32', '+ip6:20010db8000000000000000000000000/32'],
    ],
    ['v=spf1 ip6:::1.1.1.1/0', ['+ip6:00000000000000000000000001010101/0']],
    [
      'v=spf1 include:_spf.example.com exists:%{ir}.%{l1r+-}._spf.%{d}',
      ['+include:_spf.example.com', '+exists:%{ir}.%{l1r+-}._spf.%{d}'],
    ],
    ['v=spf1 a:foo.example.xn--zckzah -all', ['+a:foo.example.xn--zckzah/32//128', '-all']],
    ['v=spf1 redirect=_spf.example.com', ['redirect=_spf.example.com']],
    ['v=spf1 -all exp=explain._spf.%{d}', ['-all', 'exp=explain._spf.%{d}']],
    ['v=spf1 REDIRECT=x.example.com', ['redirect=x.example.com']],
    // Unknown modifiers are kept but ignored (§6).
    [
      'v=spf1 moo.cow-far_out=man:dog/cat default=+ foo=',
      ['moo.cow-far_out=man:dog/cat', 'default=+', 'foo='],
    ],
    ['v=spf1 include:o.spf.example.com.', ['+include:o.spf.example.com.']],
    [
      'v=spf1 a:macro%%percent%_%_space%-url-space.example.com',
      ['+a:macro%%percent%_%_space%-url-space.example.com/32//128'],
    ],
  ])('%s', (text, terms) => {
    expect(parsed(text).terms.map(summary)).toEqual(terms);
  });

  it('records term positions and separates modifiers', () => {
    const record = parsed('v=spf1  mx redirect=a.example.com exp=b.example.com -all');
    expect(record.terms.map((t) => t.position)).toEqual([8, 11, 34, 52]);
    expect(record.directives.map((d) => d.text)).toEqual(['mx', '-all']);
    expect(record.redirect?.value.source).toBe('a.example.com');
    expect(record.exp?.value.source).toBe('b.example.com');
  });
});

describe('syntax errors: message and position (RFC 7208 §4.6: any error anywhere is a permerror)', () => {
  it.each([
    // [record, position, part of the message]
    ['v=spf1 ip4:1.2.3.4 -all moo', 24, "unknown mechanism 'moo'"],
    ['v=spf1 moo.cow/far_out=man:dog/cat', 7, "unknown mechanism 'moo.cow'"],
    ['v=spf1 moo.cow:far_out=man:dog/cat', 7, "unknown mechanism 'moo.cow'"],
    ['v=spf1 ip4:1.2.3.4 redirect:t2.example.com', 19, "did you mean 'redirect='"],
    ['v=spf1 1up=foo', 7, "'1up' is not a valid modifier name"],
    ['v=spf1 =all', 7, 'needs a name'],
    ['v=spf1 -all.', 11, "unexpected '.' after mechanism 'all'"],
    ['v=spf1 -all:foobar', 11, "'all' takes no argument"],
    ['v=spf1 -all/8', 11, "'all' takes no argument"],
    ['v=spf1 ptr/0 -all', 10, "'ptr' takes no prefix length"],
    ['v=spf1 ptr:', 11, 'ptr target is empty'],
    ['v=spf1 a:', 9, 'a target is empty'],
    ['v=spf1 include +all', 14, "'include' needs a domain"],
    ['v=spf1 include: -all', 15, 'include target is empty'],
    ['v=spf1 include:ip5.example.com/24', 27, "'com/24' is not a valid top-level label"],
    ['v=spf1 exists', 13, "'exists' needs a domain"],
    ['v=spf1 exists:mail.example.com/24', 27, 'not a valid top-level label'],
    ['v=spf1 a:foo-bar -all', 9, "must end in '.' and a top-level label"],
    ['v=spf1 a:museum', 9, "must end in '.'"],
    ['v=spf1 a:museum.', 9, "must end in '.'"],
    ['v=spf1 a:example.com:8080', 17, "'com:8080' is not a valid top-level label"],
    ['v=spf1 a:111.222.33.44', 20, 'is an IP address: write ip4:111.222.33.44'],
    ['v=spf1 a:abc.123', 13, 'cannot be all digits'],
    ['v=spf1 a:example.-com', 17, "'-com' is not a valid top-level label"],
    ['v=spf1 a/33 -all', 9, 'out of range: at most 32'],
    ['v=spf1 a//129 -all', 10, 'out of range: at most 128'],
    ['v=spf1 a/24/64 -all', 8, '/24//64 for both'],
    ['v=spf1 ip4:1.2.3.4/33 -all', 19, 'out of range'],
    ['v=spf1 ip4:1.2.3.4/032 -all', 19, 'without leading zeros'],
    ['v=spf1 ip4', 10, "'ip4' needs an address"],
    ['v=spf1 ip4:1.2.3.4//32', 19, 'without leading zeros'],
    ['v=spf1 ip4:1.2.3.4:8080', 11, 'an ip4 address has no port'],
    ['v=spf1 ip4:1.2.3', 11, 'write all four parts'],
    ['v=spf1 -all ip6', 15, "'ip6' needs an address"],
    ['v=spf1 ip6:::1.1.1.1/129', 21, 'out of range'],
    ['v=spf1 ip6::CAFE::BABE', 11, 'is not an IPv6 address'],
    ['v=spf1 exp=e13msg.example.com -all exp=e11msg.example.com', 35, "'exp=' appears twice"],
    ['v=spf1 redirect=a.example.com -all redirect=a.example.com', 35, "'redirect=' appears twice"],
    ['v=spf1 exp= -all', 11, 'exp= domain is empty'],
    ['v=spf1 exp=-all', 11, "must end in '.'"],
    ['v=spf1 ?all redirect=', 21, 'redirect= domain is empty'],
    ['v=spf1 -all foo=%abc', 16, "'%' must be followed by"],
    ['v=spf1 -exists:%(ir).sbl.example.com ?all', 15, "'%' must be followed by"],
    ['v=spf1 a:%{a}.example.com -all', 11, "'a' is not a macro letter"],
    ['v=spf1 -all exp=%{r}.example.com', 18, 'only in explanation text'],
    ['v=spf1 a:ctrl.example.com\rptr -all', 25, 'separated by spaces only'],
    ['v=spf1 ip4:192.0.2.5\n include:x.example.com ~all', 20, 'separated by spaces only'],
    ['v=spf1 a:foo.example.com\0', 24, 'control characters'],
    ['v=spf1 a:\u00ef\u00bb\u00bfgarbage.example.net -all', 9, '7-bit ASCII'],
    ['v=spf1 \u0080a:example.net -all', 7, '7-bit ASCII'],
    ['v=spf1 a:example.net \u0096all', 21, '7-bit ASCII'],
    ['spf1 -all', 0, "begins with 'v=spf1'"],
  ])('%j → position %i', (text, position, message) => {
    const result = parseRecord(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(message);
    expect(result.error.position).toBe(position);
  });
});
