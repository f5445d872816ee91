/**
 * The little XML that DMARC aggregate reports need (RFC 9990 §3, RFC 7489
 * Appendix C): a tree of elements and text, and a writer with correct
 * escaping. Its inverse, the parser, is xml-parser.ts: the engine writes
 * reports, and only a report reader needs to parse them.
 */

/** An element of a document. */
export interface XmlElement {
  /** The name as written, with its prefix if any (`ns1:feedback`). */
  readonly name: string;
  /** The name without its prefix. */
  readonly local: string;
  /** The namespace URI its prefix (or the default namespace) is bound to; `''` for none. */
  readonly namespace: string;
  readonly attributes: readonly XmlAttribute[];
  /** Elements and text, in document order; adjacent text (and CDATA) is one string. */
  readonly children: readonly XmlNode[];
  /** Where the start tag begins (1-based), on parsed trees. */
  readonly line?: number;
  readonly column?: number;
}

/** An attribute, its value with entities replaced. */
export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
}

/** A child of an element. */
export type XmlNode = XmlElement | string;

/** Builds an element; strings become text. */
export function element(name: string, ...children: readonly (XmlNode | undefined)[]): XmlElement {
  const colon = name.indexOf(':');
  return {
    name,
    local: colon === -1 ? name : name.slice(colon + 1),
    namespace: '',
    attributes: [],
    children: children.filter((c): c is XmlNode => c !== undefined),
  };
}

/** The same element with attributes (e.g. `xmlns`). */
export function withAttributes(el: XmlElement, attributes: readonly XmlAttribute[]): XmlElement {
  return { ...el, attributes };
}

/** Whether a code point is a character XML 1.0 can carry (§2.2). */
export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Escapes text for element content: `&`, `<` and `>` (so `]]>` cannot
 * appear), CR as a character reference (a parser turns a raw CR into LF,
 * XML 1.0 §2.11), and in attribute values also quotes, tabs and newlines
 * (§3.3.3 would normalise them to spaces). A character XML cannot carry
 * at all, even as a reference (NUL, most C0 controls, lone surrogates,
 * U+FFFE), becomes U+FFFD.
 */
export function escapeXml(text: string, attribute = false): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (!isXmlChar(code)) out += '\uFFFD';
    else if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '\r') out += '&#13;';
    else if (attribute && ch === '"') out += '&quot;';
    else if (attribute && ch === '\t') out += '&#9;';
    else if (attribute && ch === '\n') out += '&#10;';
    else out += ch;
  }
  return out;
}

/**
 * Writes a document: the XML declaration, then `root` indented by two
 * spaces per level. An element holding only text is written on one line, so
 * no whitespace is added to its value.
 */
export function writeXml(root: XmlElement): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const write = (el: XmlElement, depth: number) => {
    const pad = '  '.repeat(depth);
    const attrs = el.attributes.map((a) => ` ${a.name}="${escapeXml(a.value, true)}"`).join('');
    if (el.children.length === 0) {
      lines.push(`${pad}<${el.name}${attrs}/>`);
      return;
    }
    if (el.children.every((c) => typeof c === 'string')) {
      lines.push(`${pad}<${el.name}${attrs}>${escapeXml(el.children.join(''))}</${el.name}>`);
      return;
    }
    lines.push(`${pad}<${el.name}${attrs}>`);
    for (const child of el.children) {
      if (typeof child === 'string') lines.push(`${pad}  ${escapeXml(child)}`);
      else write(child, depth + 1);
    }
    lines.push(`${pad}</${el.name}>`);
  };
  write(root, 0);
  return `${lines.join('\n')}\n`;
}

/** The element children of `el`. */
export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** The text of `el` (its string children joined; child elements ignored). */
export function textOf(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === 'string').join('');
}
