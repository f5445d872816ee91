/**
 * A non-validating XML parser for aggregate reports: it checks
 * well-formedness (XML 1.0 §2) and says where a document breaks, by line and
 * column, and builds the tree of xml-writer.ts.
 *
 * It refuses document type declarations outright: reports are untrusted
 * input, and without a DTD there are no entities to expand, so no "billion
 * laughs" (RFC 9990 §8.1 warns of XML bombs). Namespaces are resolved
 * (`ns1:feedback` with `xmlns:ns1=…`), because RFC 9990 reports carry the
 * `urn:ietf:params:xml:ns:dmarc-2.0` namespace and older ones often a prefix.
 */
import { isXmlChar, type XmlAttribute, type XmlElement, type XmlNode } from './xml-writer.ts';

/** A well-formedness error, with its place in the text. */
export interface XmlError {
  readonly message: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units. */
  readonly column: number;
}

/** The outcome of {@link parseXml}. */
export type XmlParse =
  { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly error: XmlError };

/** Deepest nesting the parser accepts (reports are five levels deep). */
export const MAX_XML_DEPTH = 64;

// XML 1.0 §2.3 NameStartChar and NameChar.
const NAME_START =
  'A-Za-z_:\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_RE = new RegExp(
  // Combining marks (U+0300–U+036F) are name characters by themselves here, not parts of another.
  // eslint-disable-next-line no-misleading-character-class
  `[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*`,
  'uy',
);
const NAME_START_RE = new RegExp(`^[${NAME_START}]`, 'u');
// XML 1.0 §2.2 Char: anything else (C0 controls, lone surrogates, U+FFFE/FFFF) may not appear.
const BAD_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const WS = /[ \t\r\n]*/y;

class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

interface OpenElement {
  readonly name: string;
  readonly attributes: XmlAttribute[];
  readonly children: XmlNode[];
  readonly scope: ReadonlyMap<string, string>;
  readonly offset: number;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Parses a document held as a string (the caller decodes bytes). Never
 * throws: a document that is not well-formed gives the first error and
 * where it is.
 */
export function parseXml(text: string): XmlParse {
  const parser = new Parser(text);
  try {
    return { ok: true, root: parser.document() };
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    return { ok: false, error: { message: e.message, ...parser.position(e.offset) } };
  }
}

class Parser {
  #i = 0;
  readonly #stack: OpenElement[] = [];
  #root: XmlElement | undefined;
  /** Offsets where lines start, for positions. */
  readonly #lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) this.#lineStarts.push(k + 1);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.#lineStarts[lo]! + 1 };
  }

  #fail(message: string, at = this.#i): never {
    throw new XmlSyntaxError(message, at);
  }

  #startsWith(s: string): boolean {
    return this.text.startsWith(s, this.#i);
  }

  #skipSpace(): void {
    WS.lastIndex = this.#i;
    WS.exec(this.text);
    this.#i = WS.lastIndex;
  }

  #name(what: string): string {
    NAME_RE.lastIndex = this.#i;
    const m = NAME_RE.exec(this.text);
    if (m === null) {
      const found = this.text[this.#i];
      this.#fail(
        found === undefined
          ? `the document ends where ${what} was expected`
          : `${what} expected, found ${JSON.stringify(found)}`,
      );
    }
    this.#i += m[0].length;
    return m[0];
  }

  /** Up to (not including) `end`; fails when the document ends first. */
  #until(end: string, what: string): string {
    const at = this.text.indexOf(end, this.#i);
    if (at === -1) this.#fail(`${what} is not closed with "${end}"`);
    const body = this.text.slice(this.#i, at);
    this.#i = at + end.length;
    return body;
  }

  /** Checks characters and replaces references in text or an attribute value that starts at `start`. */
  #decode(raw: string, start: number): string {
    const bad = BAD_CHAR.exec(raw);
    if (bad !== null) {
      const code = bad[0].codePointAt(0) ?? 0;
      this.#fail(
        `character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML 1.0 (§2.2)`,
        start + bad.index,
      );
    }
    if (!raw.includes('&')) return raw.replace(/\r\n?/g, '\n');
    let out = '';
    let k = 0;
    while (k < raw.length) {
      const amp = raw.indexOf('&', k);
      if (amp === -1) {
        out += raw.slice(k).replace(/\r\n?/g, '\n');
        break;
      }
      out += raw.slice(k, amp).replace(/\r\n?/g, '\n');
      const semi = raw.indexOf(';', amp);
      const ref = semi === -1 ? '' : raw.slice(amp + 1, semi);
      const at = start + amp;
      if (semi === -1 || !/^(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_][\w.-]*)$/.test(ref)) {
        this.#fail('"&" must start a reference like &amp; or &#38; (§4.1); write a literal & as &amp;', at);
      }
      if (ref.startsWith('#')) {
        const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!isXmlChar(code)) this.#fail(`&${ref}; refers to a character XML 1.0 does not allow (§4.1)`, at);
        out += String.fromCodePoint(code);
      } else {
        const value = PREDEFINED[ref];
        if (value === undefined) {
          this.#fail(`unknown entity &${ref}; (only &lt; &gt; &amp; &quot; &apos; exist without a DTD)`, at);
        }
        out += value;
      }
      k = semi + 1;
    }
    return out;
  }

  /** The namespace of a qualified name in `scope`. */
  #resolve(name: string, scope: ReadonlyMap<string, string>, at: number, isAttribute: boolean): string {
    const colon = name.indexOf(':');
    if (colon === -1) return isAttribute ? '' : (scope.get('') ?? '');
    const prefix = name.slice(0, colon);
    if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
    if (prefix === 'xmlns') return 'http://www.w3.org/2000/xmlns/';
    const uri = scope.get(prefix);
    if (uri === undefined)
      this.#fail(`namespace prefix "${prefix}" is not declared (Namespaces in XML §5)`, at);
    return uri;
  }

  #startTag(): { name: string; attributes: XmlAttribute[]; empty: boolean; offset: number } {
    const offset = this.#i;
    this.#i++; // <
    const name = this.#name('an element name');
    const attributes: XmlAttribute[] = [];
    for (;;) {
      const before = this.#i;
      this.#skipSpace();
      if (this.#startsWith('/>')) {
        this.#i += 2;
        return { name, attributes, empty: true, offset };
      }
      if (this.#startsWith('>')) {
        this.#i++;
        return { name, attributes, empty: false, offset };
      }
      if (this.#i === before) {
        const found = this.text[this.#i];
        this.#fail(
          found === undefined
            ? `the document ends inside the start tag <${name}>`
            : `unexpected ${JSON.stringify(found)} in the start tag <${name}>`,
        );
      }
      const attrAt = this.#i;
      const attr = this.#name('an attribute name');
      this.#skipSpace();
      if (!this.#startsWith('=')) this.#fail(`attribute ${attr} has no "=" and value (§3.1)`);
      this.#i++;
      this.#skipSpace();
      const quote = this.text[this.#i];
      if (quote !== '"' && quote !== "'") this.#fail(`the value of attribute ${attr} must be quoted`);
      this.#i++;
      const valueAt = this.#i;
      const raw = this.#until(quote, `the value of attribute ${attr}`);
      const lt = raw.indexOf('<');
      if (lt !== -1) this.#fail('"<" is not allowed in an attribute value (§3.1)', valueAt + lt);
      if (attributes.some((a) => a.name === attr))
        this.#fail(`attribute ${attr} appears twice in <${name}> (§3.1)`, attrAt);
      attributes.push({ name: attr, value: this.#decode(raw, valueAt).replace(/[\t\n]/g, ' ') });
    }
  }

  #open(tag: { name: string; attributes: XmlAttribute[]; empty: boolean; offset: number }): void {
    if (this.#stack.length >= MAX_XML_DEPTH)
      this.#fail(`elements nest deeper than ${MAX_XML_DEPTH} levels`, tag.offset);
    const parentScope = this.#stack.at(-1)?.scope ?? new Map<string, string>();
    let scope = parentScope;
    for (const a of tag.attributes) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) {
        if (scope === parentScope) scope = new Map(parentScope);
        (scope as Map<string, string>).set(a.name === 'xmlns' ? '' : a.name.slice(6), a.value);
      }
    }
    const open: OpenElement = {
      name: tag.name,
      attributes: tag.attributes,
      children: [],
      scope,
      offset: tag.offset,
    };
    this.#stack.push(open);
    if (tag.empty) this.#close();
  }

  #close(): void {
    const open = this.#stack.pop()!;
    const colon = open.name.indexOf(':');
    for (const a of open.attributes) this.#resolve(a.name, open.scope, open.offset, true);
    const el: XmlElement = {
      name: open.name,
      local: colon === -1 ? open.name : open.name.slice(colon + 1),
      namespace: this.#resolve(open.name, open.scope, open.offset, false),
      attributes: open.attributes,
      children: open.children,
      ...this.position(open.offset),
    };
    const parent = this.#stack.at(-1);
    if (parent) parent.children.push(el);
    else this.#root = el;
  }

  #text(value: string): void {
    const parent = this.#stack.at(-1);
    if (!parent || value === '') return;
    const last = parent.children.length - 1;
    if (typeof parent.children[last] === 'string') parent.children[last] += value;
    else parent.children.push(value);
  }

  /** Comments, processing instructions and white space, outside the root element. */
  #misc(): void {
    for (;;) {
      this.#skipSpace();
      if (this.#startsWith('<!--')) this.#comment();
      else if (this.#startsWith('<?')) this.#pi();
      else if (this.#startsWith('<!DOCTYPE') || this.#startsWith('<!doctype'))
        this.#fail(
          'document type declarations are refused: reports need no DTD, and a DTD can hide an XML bomb',
        );
      else return;
    }
  }

  #comment(): void {
    const at = this.#i;
    this.#i += 4;
    const body = this.#until('-->', 'a comment');
    if (body.includes('--') || body.endsWith('-'))
      this.#fail('"--" is not allowed inside a comment (§2.5)', at);
  }

  #pi(): void {
    const at = this.#i;
    this.#i += 2;
    const target = this.#name('a processing instruction target');
    if (target.toLowerCase() === 'xml')
      this.#fail('the XML declaration may only stand at the very start (§2.8)', at);
    this.#until('?>', 'a processing instruction');
  }

  document(): XmlElement {
    const text = this.text;
    if (text.startsWith('\uFEFF')) this.#i = 1;
    if (this.#startsWith('<?xml') && /^[ \t\r\n?]/.test(text[this.#i + 5] ?? '')) {
      const at = this.#i;
      const decl = this.#until('?>', 'the XML declaration');
      if (!/^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1/.test(`${decl}`))
        this.#fail('the XML declaration must give version="1.0" first (§2.8)', at);
    }
    this.#misc();
    if (!this.#startsWith('<') || !NAME_START_RE.test(text.slice(this.#i + 1, this.#i + 3)))
      this.#fail(
        this.#i >= text.length ? 'the document has no root element' : 'a root element was expected here',
      );
    this.#open(this.#startTag());
    while (this.#root === undefined) {
      const lt = text.indexOf('<', this.#i);
      if (lt === -1) {
        const open = this.#stack.at(-1)!;
        this.#fail(`the document ends inside <${open.name}>, which is never closed`, text.length);
      }
      if (lt > this.#i) {
        const raw = text.slice(this.#i, lt);
        const gt = raw.indexOf(']]>');
        if (gt !== -1) this.#fail('"]]>" is not allowed in text (§2.4); write ]]&gt;', this.#i + gt);
        this.#text(this.#decode(raw, this.#i));
        this.#i = lt;
      }
      if (this.#startsWith('</')) {
        const at = this.#i;
        this.#i += 2;
        const name = this.#name('an element name');
        this.#skipSpace();
        if (!this.#startsWith('>')) this.#fail(`the end tag </${name}> is not closed with ">"`);
        this.#i++;
        const open = this.#stack.at(-1)!;
        if (open.name !== name) this.#fail(`</${name}> does not match the open element <${open.name}>`, at);
        this.#close();
      } else if (this.#startsWith('<!--')) this.#comment();
      else if (this.#startsWith('<![CDATA[')) {
        this.#i += 9;
        const at = this.#i;
        this.#text(this.#decode(this.#until(']]>', 'a CDATA section').replace(/&/g, '&amp;'), at));
      } else if (this.#startsWith('<?')) this.#pi();
      else if (this.#startsWith('<!')) this.#fail('"<!" here is neither a comment nor a CDATA section');
      else {
        const next = text[this.#i + 1];
        if (next === undefined || !NAME_START_RE.test(text.slice(this.#i + 1, this.#i + 3))) {
          this.#fail('"<" in text must be written &lt; (§2.4)');
        }
        this.#open(this.#startTag());
      }
    }
    this.#misc();
    if (this.#i < text.length) this.#fail('only comments and white space may follow the root element');
    return this.#root;
  }
}
