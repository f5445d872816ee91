import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatRights,
  MailboxAcl,
  modifyRights,
  parseRights,
  parseRightsModification,
  type Right,
} from './acl.ts';

const OWNER = 'bob@example.net';

/** The rights of a parse, formatted, or the refusal's text. */
function read(text: string): string {
  const parsed = parseRights(text);
  return parsed.ok ? formatRights(parsed.rights) : `BAD ${parsed.message}`;
}

describe('rights strings (RFC 4314 §2.1, §3.1)', () => {
  it.each([
    ['lrswipkxtea', 'lrswipkxtecda'],
    ['lr', 'lr'],
    ['', ''],
    ['ar', 'ra'],
    // §2.1.1: d stands for e and t, c for k and x; either member brings the virtual right back.
    ['lrswida', 'lrswiteda'],
    ['lrswikda', 'lrswiktecda'],
    ['k', 'kc'],
    ['e', 'ed'],
    ['lrQswicda', 'BAD Uppercase rights are not allowed.'],
    ['lrqswicda', 'BAD The q right is not supported.'],
    ['lr0', 'BAD The 0 right is not supported.'],
  ])('reads %j as %j', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it('reads +, - and plain modifications (RFC 4314 §3.1)', () => {
    const current = new Set<Right>(['l', 'r']);
    const apply = (text: string) => {
      const m = parseRightsModification(text);
      return m.ok ? formatRights(modifyRights(current, m.modification)) : m.message;
    };
    expect(apply('+wa')).toBe('lrwa');
    expect(apply('-r')).toBe('l');
    expect(apply('is')).toBe('si');
    expect(apply('+X')).toBe('Uppercase rights are not allowed.');
  });

  it('formats any set of rights so that, ignoring c and d as clients must (§2.1.1), it reads back the same', () => {
    const right = fc.constantFrom<Right>('l', 'r', 's', 'w', 'i', 'p', 'k', 'x', 't', 'e', 'a');
    fc.assert(
      fc.property(fc.uniqueArray(right), (rights) => {
        const text = formatRights(new Set(rights));
        const back = parseRights(text.replace(/[cd]/g, ''));
        expect(back.ok && [...back.rights].sort()).toEqual([...rights].sort());
        // Read with c and d, the set only grows to whole groups, and a second round changes nothing.
        const grown = parseRights(text);
        expect(grown.ok && rights.every((r) => grown.rights.has(r))).toBe(true);
        expect(read(read(text))).toBe(read(text));
      }),
    );
  });

  it('refuses every string holding a character outside the rights alphabet, and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseRights(text);
        expect(parsed.ok).toBe([...text].every((c) => 'lrswipkxteacd'.includes(c)));
      }),
    );
  });
});

describe('MailboxAcl (RFC 4314 §2)', () => {
  it('gives the owner every right by default, and nobody else any', () => {
    const acl = new MailboxAcl();
    expect(formatRights(acl.rightsOf(OWNER, OWNER))).toBe('lrswipkxtecda');
    expect(formatRights(acl.rightsOf('alice@example.com', OWNER))).toBe('');
    expect(acl.entries(OWNER).map(([id, r]) => `${id} ${formatRights(r)}`)).toEqual([
      'bob@example.net lrswipkxtecda',
    ]);
  });

  it('adds anyone, takes away negative rights, and keeps the owner’s forced lkxa', () => {
    const acl = new MailboxAcl();
    acl.set('anyone', ['l', 'r'], OWNER);
    acl.set('Alice@Example.com', ['i', 's'], OWNER);
    acl.set('-alice@example.com', ['r'], OWNER);
    acl.set(OWNER, [], OWNER);
    expect(formatRights(acl.rightsOf('alice@example.com', OWNER))).toBe('lsi');
    expect(formatRights(acl.rightsOf('carol@example.net', OWNER))).toBe('lr');
    expect(formatRights(acl.rightsOf(OWNER, OWNER))).toBe('lrkxca');
    acl.set('-anyone', ['l', 'k'], OWNER);
    expect(formatRights(acl.rightsOf(OWNER, OWNER))).toBe('lrkxca');
    expect(acl.entries(OWNER).map(([id, r]) => `${id} ${formatRights(r)}`)).toEqual([
      'bob@example.net lkxca',
      'anyone lr',
      'alice@example.com si',
      '-alice@example.com r',
      '-anyone lkc',
    ]);
  });

  it('removes an entry with DELETEACL or an empty set, and copies a parent’s list', () => {
    const acl = new MailboxAcl();
    acl.set('alice@example.com', ['l', 'r'], OWNER);
    const child = new MailboxAcl();
    child.copyFrom(acl);
    acl.delete('ALICE@example.com', OWNER);
    expect(acl.entries(OWNER)).toHaveLength(1);
    expect(formatRights(child.rightsOf('alice@example.com', OWNER))).toBe('lr');
    child.set('alice@example.com', [], OWNER);
    expect(child.entries(OWNER)).toHaveLength(1);
    acl.delete(OWNER, OWNER);
    expect(formatRights(acl.rightsOf(OWNER, OWNER))).toBe('lkxca');
  });
});
