/**
 * Structured header field values (RFC 5322 §3, RFC 2045 §5, RFC 2183,
 * RFC 2231): address lists, Content-Type / Content-Disposition parameters,
 * message-id lists and Content-Language. Inputs are unfolded values as
 * latin1 octet strings (`HeaderField.value`); outputs keep the octets raw
 * (encoded words are not decoded) because IMAP ENVELOPE and BODYSTRUCTURE
 * send them raw. Display decoding lives in `encoded-words.ts`.
 *
 * The lexical rules follow Dovecot's rfc822-parser and message-address (the
 * server Mailroom's IMAP output is checked against): CFWS is skipped
 * anywhere between tokens, a phrase's words are joined with one space, a
 * comment after an addr-spec is its display name, 8-bit octets count as
 * atext. Nothing here throws: malformed input yields what could be read.
 */

export { decodeEncodedWords, decodeRawHeaderText, decodeRfc2231Value } from './encoded-words.ts';
export { parseDate } from './header-date.ts';
import { decodeEncodedWords, decodeRfc2231Value } from './encoded-words.ts';

// RFC 5322 §3.2.3 atext, plus 8-bit octets (RFC 6532) as Dovecot allows.
const ATEXT = /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\x80-\xff]/;
// RFC 2045 §5.1 token: atext minus the tspecials "/", "=", "?", plus ".".
const TOKEN = /[A-Za-z0-9!#$%&'*+\-^_`{|}~.\x80-\xff]/;

const isAtext = (c: string | undefined) => c !== undefined && ATEXT.test(c);
const isToken = (c: string | undefined) => c !== undefined && TOKEN.test(c);

/** A position in a header value with the lexical primitives of RFC 5322 §3.2. */
class Cursor {
  i = 0;
  /** Text of the last comment skipped (Dovecot's last_comment). */
  lastComment = '';
  constructor(readonly s: string) {}

  get atEnd(): boolean {
    return this.i >= this.s.length;
  }
  /** The current character (a method, so TypeScript does not narrow it across moves). */
  peek(): string | undefined {
    return this.s[this.i];
  }

  /** Skips CFWS (RFC 5322 §3.2.2); an unterminated comment runs to the end. */
  skipCfws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '(') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    let depth = 0;
    let text = '';
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === '\\') {
        this.i++;
        text += this.s[this.i] ?? '';
        continue;
      }
      if (c === '(' && depth++ === 0) continue;
      if (c === ')' && --depth === 0) {
        this.i++;
        this.lastComment = text;
        return;
      }
      text += c;
    }
  }

  private run(test: (c: string | undefined) => boolean): string {
    const from = this.i;
    while (test(this.s[this.i])) this.i++;
    return this.s.slice(from, this.i);
  }

  /** 1*atext then CFWS; '' when there is none. */
  atom(): string {
    const a = this.run(isAtext);
    this.skipCfws();
    return a;
  }

  /** MIME token then CFWS (RFC 2045 §5.1). */
  token(): string {
    const t = this.run(isToken);
    this.skipCfws();
    return t;
  }

  /** quoted-string at `"` → its content, quoted-pairs undone, folding removed; then CFWS. */
  quoted(): string {
    let out = '';
    this.i++;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        break;
      }
      if (c === '\\') {
        this.i++;
        out += this.s[this.i] ?? '';
      } else if (c !== '\r' && c !== '\n') out += c;
    }
    this.skipCfws();
    return out;
  }

  /** dot-atom, with CFWS allowed around the dots (RFC 5322 §4.4 obs-local-part). */
  dotAtom(): string {
    let out = this.atom();
    while (out !== '' && this.peek() === '.') {
      this.i++;
      this.skipCfws();
      out += '.' + this.atom();
    }
    return out;
  }

  /** phrase / obs-phrase (RFC 5322 §3.2.5, §4.1): words joined with one space. */
  phrase(): string {
    const words: string[] = [];
    for (;;) {
      if (this.peek() === '"') words.push(this.quoted());
      else {
        const w = this.run((c) => isAtext(c) || c === '.');
        if (w === '') break;
        words.push(w);
        this.skipCfws();
      }
    }
    return words.join(' ');
  }
}

/** One mailbox (RFC 5322 §3.4). Octets are raw; `name` may hold encoded words. */
export interface Mailbox {
  /** Display name (phrase or, for a bare addr-spec, its trailing comment). */
  readonly name: string | undefined;
  /** Obsolete source route (RFC 5322 §4.4 obs-route), as `@a,@b`. */
  readonly route: string | undefined;
  /** local-part, quotes removed; undefined when missing. */
  readonly mailbox: string | undefined;
  /** Domain (a domain literal keeps its brackets); undefined when missing. */
  readonly domain: string | undefined;
}

/** An address-list member: a mailbox or a group (RFC 5322 §3.4 group). */
export type AddressItem =
  | ({ readonly kind: 'mailbox' } & Mailbox)
  | { readonly kind: 'group'; readonly name: string; readonly members: readonly Mailbox[] };

function domainPart(c: Cursor): string {
  if (c.peek() !== '[') return c.dotAtom();
  const close = c.s.indexOf(']', c.i);
  const end = close === -1 ? c.s.length : close + 1;
  const literal = c.s.slice(c.i, end).replace(/[ \t\r\n]+/g, '');
  c.i = end;
  c.skipCfws();
  return literal;
}

function localPart(c: Cursor): string {
  return c.peek() === '"' ? c.quoted() : c.dotAtom();
}

/** angle-addr at `<` (RFC 5322 §3.4, obs-angle-addr with a route: TOLERANCE). */
function angleAddr(c: Cursor, name: string | undefined): Mailbox {
  c.i++;
  c.skipCfws();
  let route: string | undefined;
  if (c.peek() === '@') {
    const hops: string[] = [];
    while (c.peek() === '@') {
      c.i++;
      c.skipCfws();
      hops.push('@' + domainPart(c));
      while (c.peek() === ',') {
        c.i++;
        c.skipCfws();
      }
    }
    route = hops.join(',');
    if (c.peek() === ':') {
      c.i++;
      c.skipCfws();
    }
  }
  let mailbox: string | undefined;
  let domain: string | undefined;
  if (c.peek() !== '>') {
    mailbox = localPart(c) || undefined;
    if (c.peek() === '@') {
      c.i++;
      c.skipCfws();
      domain = domainPart(c) || undefined;
    }
  }
  // TOLERANCE: skip whatever precedes the closing ">".
  const close = c.s.indexOf('>', c.i);
  c.i = close === -1 ? c.s.length : close + 1;
  c.skipCfws();
  return { name, route, mailbox, domain };
}

function mailbox(c: Cursor): Mailbox {
  const start = c.i;
  const name = c.phrase();
  if (c.peek() === '<') return angleAddr(c, name === '' ? undefined : name);
  // addr-spec; a comment read while parsing it is the display name.
  c.i = start;
  c.lastComment = '';
  const local = localPart(c);
  if (c.peek() === '@') {
    c.i++;
    c.skipCfws();
    const domain = domainPart(c) || undefined;
    return { name: c.lastComment || undefined, route: undefined, mailbox: local || undefined, domain };
  }
  // TOLERANCE: no "@": a lone word is a mailbox without a domain, more words
  // are a display name without an address (Dovecot does the same).
  const rest = c.phrase();
  if (rest !== '')
    return { name: `${local} ${rest}`, route: undefined, mailbox: undefined, domain: undefined };
  return {
    name: c.lastComment || undefined,
    route: undefined,
    mailbox: local || undefined,
    domain: undefined,
  };
}

function address(c: Cursor): AddressItem {
  const start = c.i;
  const name = c.phrase();
  if (c.peek() === ':') {
    // group = display-name ":" [group-list] ";" [CFWS] (RFC 5322 §3.4)
    c.i++;
    c.skipCfws();
    const members: Mailbox[] = [];
    while (!c.atEnd && c.peek() !== ';') {
      const before = c.i;
      if (c.peek() === ',') c.i++;
      else members.push(mailbox(c));
      c.skipCfws();
      if (c.i === before) break;
      if (c.peek() === ',') {
        c.i++;
        c.skipCfws();
      } else if (c.peek() !== ';') break;
    }
    if (c.peek() === ';') c.i++;
    c.skipCfws();
    return { kind: 'group', name, members };
  }
  c.i = start;
  return { kind: 'mailbox', ...mailbox(c) };
}

/**
 * Parses an address-list or mailbox-list (RFC 5322 §3.4), groups included.
 * TOLERANCE: empty list members (`a@b, , c@d`, RFC 5322 §4.4 obs-addr-list)
 * are skipped; parsing stops at garbage that is not followed by a comma, as
 * Dovecot's does.
 */
export function parseAddressList(value: string): AddressItem[] {
  const c = new Cursor(value);
  const out: AddressItem[] = [];
  c.skipCfws();
  while (!c.atEnd) {
    if (c.peek() === ',') {
      c.i++;
      c.skipCfws();
      continue;
    }
    const before = c.i;
    out.push(address(c));
    if (c.peek() !== ',' || c.i === before) break;
  }
  return out;
}

/** The mailboxes of a list, groups flattened. */
export function mailboxesOf(items: readonly AddressItem[]): Mailbox[] {
  return items.flatMap((item) => (item.kind === 'group' ? item.members : [item]));
}

/** A display string for a mailbox, encoded words decoded: `Name <local@domain>`. */
export function formatMailbox(m: Mailbox): string {
  const addr = m.mailbox === undefined ? '' : m.domain === undefined ? m.mailbox : `${m.mailbox}@${m.domain}`;
  const name = m.name === undefined ? undefined : decodeEncodedWords(m.name);
  if (name === undefined || name === '') return addr;
  return addr === '' ? name : `${name} <${addr}>`;
}

/** One MIME parameter (RFC 2045 §5.1), RFC 2231 continuations already merged. */
export interface MimeParam {
  /** Name as written; an extended (RFC 2231 §4) value has a trailing `*`. */
  readonly name: string;
  /** Value: quotes removed; extended values stay `charset'lang'%XX…`. */
  readonly value: string;
}

/** A parsed Content-Type (RFC 2045 §5.1). */
export interface ParsedContentType {
  /** Type and subtype as written (case kept, as Dovecot reports them). */
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly MimeParam[];
  /** False when the value is not `type "/" subtype` (the parameters are then not read). */
  readonly valid: boolean;
}

interface SplitParam {
  readonly key: string;
  readonly index: number;
  readonly extended: boolean;
  readonly value: string;
}

/** Parameters after the value (`;` name `=` value …), then RFC 2231 merging. */
function parameters(c: Cursor): MimeParam[] {
  const plain: MimeParam[] = [];
  const split: SplitParam[] = [];
  while (!c.atEnd) {
    if (c.peek() !== ';') {
      // TOLERANCE: skip an octet of garbage and look for the next ";".
      c.i++;
      continue;
    }
    c.i++;
    c.skipCfws();
    const name = c.token();
    if (c.peek() !== '=') continue;
    c.i++;
    c.skipCfws();
    let value: string;
    if (c.peek() === '"') value = c.quoted();
    else if (c.peek() === '=') {
      // TOLERANCE: unquoted encoded word (`name==?utf-8?b?…?=`), as Dovecot accepts.
      const end = c.s.slice(c.i).search(/[;\s]/);
      value = end === -1 ? c.s.slice(c.i) : c.s.slice(c.i, c.i + end);
      c.i += value.length;
      c.skipCfws();
    } else value = c.token();
    // RFC 2231 §3/§4 section names: name*, name*N, name*N* (Dovecot's reading).
    const m = /^([^*]*)\*(\d*)(\*?)$/.exec(name);
    const extended = m !== null && (m[3] === '*' || m[2] === '');
    if (m) split.push({ key: m[1]!, index: Number(m[2] || 0), extended, value });
    else plain.push({ name, value });
  }
  return plain.concat(mergeRfc2231(split));
}

/**
 * RFC 2231 §3–§4: `name*0`, `name*1*`… become one parameter `name` (or
 * `name*` when any section is extended, the unencoded sections then
 * %-escaped and a leading `''` added), the way Dovecot reports them in
 * BODYSTRUCTURE. Sections with a gap in their numbering are kept apart.
 */
function mergeRfc2231(split: SplitParam[]): MimeParam[] {
  const sorted = [...split].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const out: MimeParam[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.key.toLowerCase() === sorted[i]!.key.toLowerCase()) j++;
    const group = sorted.slice(i, j);
    const contiguous = group.every((p, k) => p.index === k);
    const extended = group.some((p) => p.extended);
    if (!contiguous) {
      for (const p of group)
        out.push({ name: `${p.key}*${p.index}${p.extended ? '*' : ''}`, value: p.value });
    } else {
      let value = !group[0]!.extended && extended ? "''" : '';
      for (const p of group) value += !p.extended && extended ? p.value.replace(/%/g, '%25') : p.value;
      out.push({ name: extended ? `${group[0]!.key}*` : group[0]!.key, value });
    }
    i = j;
  }
  return out;
}

/** Parses a Content-Type value (RFC 2045 §5.1). */
export function parseContentType(value: string): ParsedContentType {
  const c = new Cursor(value);
  c.skipCfws();
  const type = c.token();
  if (c.atEnd || c.peek() !== '/') return { type, subtype: '', params: [], valid: false };
  c.i++;
  c.skipCfws();
  const subtype = c.token();
  return { type, subtype, params: parameters(c), valid: true };
}

/** A parsed Content-Disposition (RFC 2183 §2). */
export interface ParsedDisposition {
  /** The disposition type as written (`attachment`, `inline`, …). */
  readonly type: string;
  readonly params: readonly MimeParam[];
}

/** Parses a Content-Disposition value; undefined when there is no type token. */
export function parseContentDisposition(value: string): ParsedDisposition | undefined {
  const c = new Cursor(value);
  c.skipCfws();
  const type = c.token();
  if (type === '') return undefined;
  return { type, params: parameters(c) };
}

/**
 * The Content-Transfer-Encoding mechanism (RFC 2045 §6.1) as written, or
 * undefined when the value is not a single token (Dovecot then reports 7bit).
 */
export function parseTransferEncoding(value: string): string | undefined {
  const c = new Cursor(value);
  c.skipCfws();
  const token = c.token();
  return token !== '' && c.atEnd ? token : undefined;
}

/** Content-Language (RFC 3282 §2): the language tags, in order. */
export function parseLanguageList(value: string): string[] {
  const c = new Cursor(value);
  const out: string[] = [];
  c.skipCfws();
  for (;;) {
    const tag = c.atom();
    if (tag === '') break;
    out.push(tag);
    if (c.peek() !== ',') break;
    c.i++;
    c.skipCfws();
  }
  return out;
}

/**
 * The message identifiers in Message-ID, In-Reply-To or References
 * (RFC 5322 §3.6.4), without angle brackets and with CFWS removed.
 * TOLERANCE: phrases between ids (obs-in-reply-to, §4.5.4) and ids without
 * an "@" are accepted; text outside angle brackets is ignored.
 */
export function parseMessageIds(value: string): string[] {
  const c = new Cursor(value);
  const out: string[] = [];
  while (!c.atEnd) {
    c.skipCfws();
    if (c.peek() === '<') {
      c.i++;
      let id = '';
      while (!c.atEnd && c.peek() !== '>') {
        c.skipCfws();
        if (c.peek() === '"') id += `"${c.quoted()}"`;
        else if (!c.atEnd && c.peek() !== '>') id += c.s[c.i++];
      }
      c.i++;
      if (id !== '') out.push(id);
    } else if (c.peek() === '"') c.quoted();
    else c.i++;
  }
  return out;
}

/** A parameter's value, case-insensitive by name (raw: RFC 2231 values stay encoded). */
export function paramValue(params: readonly MimeParam[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return params.find((p) => p.name.toLowerCase() === lower)?.value;
}

/**
 * A parameter's value decoded for display: the RFC 2231 extended form
 * (`name*`) wins over the plain one, which may hold RFC 2047 encoded words
 * (TOLERANCE: RFC 2047 §5 forbids them in quoted strings, Outlook writes them).
 */
export function decodedParam(params: readonly MimeParam[], name: string): string | undefined {
  const extended = paramValue(params, `${name}*`);
  if (extended !== undefined) return decodeRfc2231Value(extended);
  const plain = paramValue(params, name);
  return plain === undefined ? undefined : decodeEncodedWords(plain);
}
