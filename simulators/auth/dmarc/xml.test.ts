import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXml } from './xml-parser.ts';
import {
  element,
  escapeXml,
  textOf,
  withAttributes,
  writeXml,
  type XmlElement,
  type XmlNode,
} from './xml-writer.ts';

/** A tree without positions and namespaces, and without the indentation between elements. */
function plain(el: XmlElement): unknown {
  const elementOnly = el.children.some((c) => typeof c !== 'string');
  return {
    name: el.name,
    attributes: el.attributes,
    children: el.children
      .filter((c: XmlNode) => !(elementOnly && typeof c === 'string' && c.trim() === ''))
      .map((c: XmlNode) => (typeof c === 'string' ? c : plain(c))),
  };
}

describe('escapeXml', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<tag>', '&lt;tag&gt;'],
    [']]>', ']]&gt;'],
    ['line\r\nbreak', 'line&#13;\nbreak'],
    ['nul\u0000 and \u001b escape', 'nul\uFFFD and \uFFFD escape'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['emoji 😀 stays', 'emoji 😀 stays'],
    ['"quotes" stay in text', '"quotes" stay in text'],
  ])('escapes %j in text as %j (XML 1.0 §2.4, §2.2)', (text, escaped) => {
    expect(escapeXml(text)).toBe(escaped);
  });

  it('escapes quotes, tabs and newlines in attribute values (§3.3.3)', () => {
    expect(escapeXml('a "b"\tc\nd', true)).toBe('a &quot;b&quot;&#9;c&#10;d');
  });
});

describe('writeXml', () => {
  it('writes the declaration, indents elements and keeps text on one line', () => {
    const doc = withAttributes(
      element(
        'feedback',
        element('org_name', 'A & B <C>'),
        element('record', element('count', '2')),
        element('empty'),
      ),
      [{ name: 'xmlns', value: 'urn:x' }],
    );
    expect(writeXml(doc)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feedback xmlns="urn:x">',
        '  <org_name>A &amp; B &lt;C&gt;</org_name>',
        '  <record>',
        '    <count>2</count>',
        '  </record>',
        '  <empty/>',
        '</feedback>',
        '',
      ].join('\n'),
    );
  });
});

describe('parseXml', () => {
  it('reads elements, attributes, text, references, CDATA and comments', () => {
    const r = parseXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi -->\n<a x=\'1\' y="&lt;2&#62;"><b>t &amp; &#x41;<![CDATA[<raw> & ]]></b><c/><?pi data?></a>\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(plain(r.root)).toEqual({
      name: 'a',
      attributes: [
        { name: 'x', value: '1' },
        { name: 'y', value: '<2>' },
      ],
      children: [
        { name: 'b', attributes: [], children: ['t & A<raw> & '] },
        { name: 'c', attributes: [], children: [] },
      ],
    });
    expect(r.root.line).toBe(3);
  });

  it('resolves namespace prefixes and the default namespace (Namespaces in XML §6)', () => {
    const r = parseXml(
      '<ns1:feedback xmlns:ns1="urn:one"><x xmlns="urn:two"><y/></x><ns1:z/></ns1:feedback>',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [x, z] = r.root.children as XmlElement[];
    expect([r.root.local, r.root.namespace]).toEqual(['feedback', 'urn:one']);
    expect([x!.namespace, (x!.children[0] as XmlElement).namespace]).toEqual(['urn:two', 'urn:two']);
    expect([z!.local, z!.namespace]).toEqual(['z', 'urn:one']);
  });

  it('turns CR LF and lone CR into LF (§2.11)', () => {
    const r = parseXml('<a>x\r\ny\rz</a>');
    expect(r.ok && textOf(r.root)).toBe('x\ny\nz');
  });

  it.each([
    ['<a>b', 'the document ends inside <a>, which is never closed', 1, 5],
    ['<a></b>', '</b> does not match the open element <a>', 1, 4],
    ['<a>x < y</a>', '"<" in text must be written &lt; (§2.4)', 1, 6],
    [
      '<a>AT&T</a>',
      '"&" must start a reference like &amp; or &#38; (§4.1); write a literal & as &amp;',
      1,
      6,
    ],
    ['<a>&nbsp;</a>', 'unknown entity &nbsp; (only &lt; &gt; &amp; &quot; &apos; exist without a DTD)', 1, 4],
    ['<a>&#0;</a>', '&#0; refers to a character XML 1.0 does not allow (§4.1)', 1, 4],
    ['<a>\u0001</a>', 'character U+0001 is not allowed in XML 1.0 (§2.2)', 1, 4],
    ['<a b="1" b="2"/>', 'attribute b appears twice in <a> (§3.1)', 1, 10],
    ['<a b=1/>', 'the value of attribute b must be quoted', 1, 6],
    ['<a b="<"/>', '"<" is not allowed in an attribute value (§3.1)', 1, 7],
    ['<p:a/>', 'namespace prefix "p" is not declared (Namespaces in XML §5)', 1, 1],
    ['<a/><b/>', 'only comments and white space may follow the root element', 1, 5],
    ['text', 'a root element was expected here', 1, 1],
    ['', 'the document has no root element', 1, 1],
    [
      '<!DOCTYPE a [<!ENTITY x "y">]><a/>',
      'document type declarations are refused: reports need no DTD, and a DTD can hide an XML bomb',
      1,
      1,
    ],
    ['<a><!-- a -- b --></a>', '"--" is not allowed inside a comment (§2.5)', 1, 4],
    ['<a>]]></a>', '"]]>" is not allowed in text (§2.4); write ]]&gt;', 1, 4],
    ['<a>\n  <b>x</b>\n  <c>example.com<foo</c>\n</a>', 'unexpected "<" in the start tag <foo>', 3, 21],
    ['<a><?xml version="1.0"?></a>', 'the XML declaration may only stand at the very start (§2.8)', 1, 4],
  ])('refuses %j: %s (line %i, column %i)', (text, message, line, column) => {
    expect(parseXml(text)).toEqual({ ok: false, error: { message, line, column } });
  });

  it('refuses nesting deeper than its limit', () => {
    const r = parseXml(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`);
    expect(r.ok ? '' : r.error.message).toBe('elements nest deeper than 64 levels');
  });

  it('never throws on random input (property)', () => {
    const pieces = fc.constantFrom(
      '<a>',
      '</a>',
      '<b x="1">',
      '/>',
      '&amp;',
      '&',
      '<!--',
      '-->',
      '<![CDATA[',
      ']]>',
      '<?x?>',
      'p:',
      'xmlns:p="u"',
      ' ',
      'text',
      '\u0000',
      '\uD800',
      '😀',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces).map((p) => p.join('')),
        ),
        (text) => {
          const r = parseXml(text);
          if (!r.ok) {
            expect(r.error.line).toBeGreaterThanOrEqual(1);
            expect(r.error.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back what writeXml wrote, text unchanged (property)', () => {
    // Text XML can carry: everything but C0 controls other than TAB, LF, CR, lone surrogates and U+FFFE/F.
    const xmlText = fc
      .string({ unit: 'grapheme-composite' })
      .map((s) => s.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));
    const name = fc.constantFrom('a', 'b', 'record', 'org_name', 'x-y.z');
    const tree: fc.Arbitrary<XmlElement> = fc.letrec<{ node: XmlElement }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(name, xmlText).map(([n, t]) => element(n, ...(t === '' ? [] : [t]))),
        fc.tuple(name, fc.array(tie('node'), { maxLength: 4 })).map(([n, kids]) => element(n, ...kids)),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (root) => {
        const r = parseXml(writeXml(root));
        expect(r.ok).toBe(true);
        if (r.ok) expect(plain(r.root)).toEqual(plain(root));
      }),
      { numRuns: 500 },
    );
  });
});
