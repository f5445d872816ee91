/**
 * SMTP commands (RFC 5321 §4.1): `parseCommand` turns one command line into
 * a typed value, `formatCommand` is its inverse (emailjs-imap-handler's
 * parser/compiler pair).
 *
 * Input is the line without its CRLF, decoded as UTF-8: commands are ASCII
 * (RFC 5321 §2.4), and the one place non-ASCII may appear is an address under
 * SMTPUTF8 (RFC 6531 §3.3), which is UTF-8. Decoding as UTF-8 keeps those
 * addresses intact; stray non-UTF-8 octets become U+FFFD, which no address
 * accepts.
 *
 * Syntax errors are data: `{ verb: 'INVALID' }` carries the reply the server
 * should send, worded as Postfix words it. What the parser cannot know (was
 * SMTPUTF8 given on MAIL, did the server advertise DSN, is the mechanism
 * offered) is left to the server, with flags such as `utf8`.
 */
import { base64Decode, utf8Bytes, utf8Text } from '../core/bytes.ts';

/** The verbs the parser knows (RFC 5321 §4.1.1, RFC 3207, RFC 4954). */
// prettier-ignore
export const SMTP_VERBS = [
  'HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'VRFY', 'EXPN', 'HELP', 'NOOP', 'QUIT', 'STARTTLS', 'AUTH',
] as const;

/** A verb the parser knows. */
export type SmtpVerb = (typeof SMTP_VERBS)[number];

/** What a HELO/EHLO argument looked like; the server's policy decides what to accept. */
export type HeloForm = 'domain' | 'address-literal' | 'other';

/**
 * Deviations from RFC 5321 syntax that the parser accepted (TOLERANCE), so a
 * view can point out that a strict server would have refused the line.
 */
export type CommandTolerance =
  /** `MAIL FROM: <a@b>`: most servers accept the space; RFC 5321 §4.1.1.2 has none. */
  | 'space-after-colon'
  /** `MAIL FROM:a@b`: Postfix accepts it with its default `strict_rfc821_envelopes = no`. */
  | 'no-angle-brackets'
  /** `<@relay:a@b>`: a source route, accepted and ignored (RFC 5321 §4.1.1.3, Appendix C). */
  | 'source-route'
  /** Tabs, repeated or trailing spaces between words (RFC 5321 §4.1.1 uses exactly one SP). */
  | 'whitespace';

/** MAIL FROM parameters (RFC 5321 §4.1.2 Mail-parameters) that the parser knows. */
export interface MailParams {
  /** RFC 1870 §3: declared message size in octets. */
  readonly size?: number;
  /** RFC 6152 §2 (8BITMIME), RFC 3030 §3 (BINARYMIME). */
  readonly body?: '7BIT' | '8BITMIME' | 'BINARYMIME';
  /** RFC 6531 §3.4: the transaction carries UTF-8 addresses or headers. */
  readonly smtputf8?: true;
  /** RFC 4954 §5: the authenticated submitter, xtext-decoded; `<>` when unknown. */
  readonly auth?: string;
  /** RFC 3461 §4.3: return the full message or only headers in a DSN. */
  readonly ret?: 'FULL' | 'HDRS';
  /** RFC 3461 §4.4: the envelope identifier, xtext-decoded. */
  readonly envid?: string;
}

/** A DSN condition (RFC 3461 §4.1). */
export type NotifyCondition = 'SUCCESS' | 'FAILURE' | 'DELAY';

/** RCPT TO parameters (RFC 5321 §4.1.2 Rcpt-parameters) that the parser knows. */
export interface RcptParams {
  /** RFC 3461 §4.1: `NEVER`, or a list of conditions. */
  readonly notify?: 'NEVER' | readonly NotifyCondition[];
  /** RFC 3461 §4.2: the original recipient; `address` xtext-decoded. */
  readonly orcpt?: { readonly addrType: string; readonly address: string };
}

interface Tolerated {
  /** Present only when something non-standard was accepted. */
  readonly tolerated?: readonly CommandTolerance[];
}

/** A well-formed command. */
export type SmtpCommand = Tolerated &
  (
    | { readonly verb: 'HELO' | 'EHLO'; readonly domain: string; readonly form: HeloForm }
    | {
        readonly verb: 'MAIL';
        /** The reverse-path without brackets or source route; `''` for the null path `<>`. */
        readonly from: string;
        /** The address holds non-ASCII; the server must require `SMTPUTF8` (553 5.6.7, RFC 6531 §3.5). */
        readonly utf8: boolean;
        readonly params: MailParams;
      }
    | {
        readonly verb: 'RCPT';
        /** The forward-path without brackets or route; may be a bare `Postmaster` (RFC 5321 §4.1.1.3). */
        readonly to: string;
        /** As for MAIL. */
        readonly utf8: boolean;
        readonly params: RcptParams;
      }
    | { readonly verb: 'DATA' | 'RSET' | 'QUIT' | 'STARTTLS' }
    | { readonly verb: 'VRFY' | 'EXPN'; readonly arg: string }
    | { readonly verb: 'HELP'; readonly topic?: string }
    | { readonly verb: 'NOOP'; readonly arg?: string }
    | {
        readonly verb: 'AUTH';
        /** Upper-cased SASL mechanism name (RFC 4954 §4). */
        readonly mechanism: string;
        /** The base64 initial response as sent, `=` for an empty one (RFC 4954 §4); decode with sasl.ts. */
        readonly initialResponse?: string;
      }
  );

/** A command the parser does not know (the server answers 500 or 502, RFC 5321 §4.2.4). */
export interface UnknownCommand {
  readonly verb: 'UNKNOWN';
  /** The first word of the line, as sent. */
  readonly word: string;
}

/** A known command with bad syntax, and the reply the server should give. */
export interface InvalidCommand {
  readonly verb: 'INVALID';
  /** The verb that was attempted, if the line had a known one. */
  readonly attempted?: SmtpVerb;
  /** Reply text for the server to send, e.g. `Bad sender address syntax`. */
  readonly reason: string;
  /** RFC 5321 §4.2.2 (500, 501, 504), RFC 5321 §4.1.1.11 (555). */
  readonly replyCode: 500 | 501 | 504 | 555;
  /** RFC 3463 code; absent for HELO/EHLO, whose replies carry none (RFC 2034 §4). */
  readonly enhanced?: string;
}

/** Everything `parseCommand` can return. */
export type ParsedCommand = SmtpCommand | UnknownCommand | InvalidCommand;

const VERBS: ReadonlySet<string> = new Set(SMTP_VERBS);

// ---------------------------------------------------------------------------
// Address grammar, RFC 5321 §4.1.2 and §4.1.3, extended by RFC 6531 §3.3.

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
const LET_DIG = /^[A-Za-z0-9]$/;

/** RFC 6531 §3.3: UTF8-non-ascii may appear in atext, qtextSMTP and sub-domain. */
function isNonAscii(ch: string): boolean {
  // U+FFFD stands for octets that were not UTF-8; RFC 6531 requires well-formed UTF-8.
  return ch.charCodeAt(0) >= 0x80 && ch !== '\ufffd';
}

/** RFC 5321 §4.1.2 Domain, with U-labels when `utf8` (RFC 6531 §3.3). Returns whether non-ASCII was used, or undefined. */
function checkDomain(domain: string): { utf8: boolean } | undefined {
  if (domain.length === 0) return undefined;
  let utf8 = false;
  for (const label of domain.split('.')) {
    // sub-domain = Let-dig [Ldh-str]: no empty label, no hyphen at either end.
    if (label.length === 0 || label.startsWith('-') || label.endsWith('-')) return undefined;
    for (const ch of label) {
      if (LET_DIG.test(ch) || ch === '-') continue;
      // SIMPLIFICATION: a U-label is any label with non-ASCII; IDNA2008 rules are not checked.
      if (isNonAscii(ch)) utf8 = true;
      else return undefined;
    }
  }
  return { utf8 };
}

/** RFC 5321 §4.1.3 IPv4-address-literal: four Snum of 0–255. */
function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

/** RFC 5321 §4.1.3 IPv6-addr: full, compressed, and both with an IPv4 tail. */
function isIpv6(text: string): boolean {
  let groups = text;
  let v4Groups = 0;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    if (lastColon === -1 || !isIpv4(text.slice(lastColon + 1))) return false;
    // Keep the colon before the IPv4 part only when it is half of a "::".
    groups = text.slice(0, text.endsWith('::', lastColon + 1) ? lastColon + 1 : lastColon);
    v4Groups = 2;
  }
  const hex = (g: string): boolean => /^[0-9A-Fa-f]{1,4}$/.test(g);
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const count = (s: string): number | undefined => {
    if (s === '') return 0;
    const gs = s.split(':');
    return gs.every(hex) ? gs.length : undefined;
  };
  if (halves.length === 1) return count(groups) === 8 - v4Groups;
  const left = count(halves[0]!);
  const right = count(halves[1]!);
  // "::" stands for at least two groups of zeros (RFC 5321 §4.1.3 IPv6-comp).
  return left !== undefined && right !== undefined && left + right <= 6 - v4Groups;
}

/** RFC 5321 §4.1.3 address-literal, brackets included. */
function isAddressLiteral(text: string): boolean {
  if (!text.startsWith('[') || !text.endsWith(']')) return false;
  const inner = text.slice(1, -1);
  if (isIpv4(inner)) return true;
  if (/^IPv6:/i.test(inner)) return isIpv6(inner.slice(5));
  // General-address-literal = Standardized-tag ":" 1*dcontent. Only IPv6 is registered, but the grammar allows more.
  const m = /^([A-Za-z0-9-]*[A-Za-z0-9]):([\x21-\x5a\x5e-\x7e]+)$/.exec(inner);
  return m !== null;
}

interface ParsedMailbox {
  readonly address: string;
  readonly utf8: boolean;
}

/** RFC 5321 §4.1.2 Mailbox = Local-part "@" ( Domain / address-literal ). */
export function parseMailbox(text: string): ParsedMailbox | undefined {
  let i = 0;
  let utf8 = false;
  if (text.startsWith('"')) {
    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
    i = 1;
    for (;;) {
      const ch = text[i];
      if (ch === undefined) return undefined;
      if (ch === '"') break;
      if (ch === '\\') {
        // quoted-pairSMTP = %d92 %d32-126
        const next = text.charCodeAt(i + 1);
        if (!(next >= 32 && next <= 126)) return undefined;
        i += 2;
        continue;
      }
      const c = ch.charCodeAt(0);
      if (c >= 32 && c <= 126) i++;
      else if (isNonAscii(ch)) {
        utf8 = true;
        i++;
      } else return undefined;
    }
    i++;
  } else {
    // Dot-string = Atom *("." Atom)
    let atomLength = 0;
    for (; i < text.length && text[i] !== '@'; i++) {
      const ch = text[i]!;
      if (ch === '.') {
        if (atomLength === 0) return undefined;
        atomLength = 0;
      } else if (ATEXT.test(ch)) atomLength++;
      else if (isNonAscii(ch)) {
        utf8 = true;
        atomLength++;
      } else return undefined;
    }
    if (atomLength === 0) return undefined;
  }
  if (text[i] !== '@') return undefined;
  const domain = text.slice(i + 1);
  if (isAddressLiteral(domain)) return { address: text, utf8 };
  const d = checkDomain(domain);
  if (d === undefined) return undefined;
  return { address: text, utf8: utf8 || d.utf8 };
}

/** Index of the `>` closing a path that starts at `open` (a `<`), skipping quoted strings; -1 if none. */
function closingBracket(text: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '>') return i;
  }
  return -1;
}

type PathResult =
  | { readonly ok: true; readonly address: string; readonly utf8: boolean; readonly route: boolean }
  | { readonly ok: false };

/** RFC 5321 §4.1.2 Path contents (between the brackets): `[ A-d-l ":" ] Mailbox`. */
function parsePathInner(inner: string): PathResult {
  let mailbox = inner;
  let route = false;
  if (inner.startsWith('@')) {
    // A-d-l = At-domain *( "," At-domain ); RFC 5321 §4.1.1.3: servers accept and ignore it.
    const colon = inner.indexOf(':');
    if (colon === -1) return { ok: false };
    for (const hop of inner.slice(0, colon).split(',')) {
      if (!hop.startsWith('@')) return { ok: false };
      const d = hop.slice(1);
      if (!isAddressLiteral(d) && checkDomain(d) === undefined) return { ok: false };
    }
    mailbox = inner.slice(colon + 1);
    route = true;
  }
  const parsed = parseMailbox(mailbox);
  return parsed === undefined ? { ok: false } : { ok: true, ...parsed, route };
}

// ---------------------------------------------------------------------------
// ESMTP parameters, RFC 5321 §4.1.2: esmtp-keyword ["=" esmtp-value].

const ESMTP_KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 under RFC 6531 §3.3. */
const ESMTP_VALUE = /^[\x21-\x3c\x3e-\x7e\u0080-\ufffc]+$/u;

/** Decodes RFC 3461 §4 xtext (`+XX` with upper-case hex); undefined if malformed. */
export function decodeXtext(text: string): string | undefined {
  const octets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2b /* + */) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      octets.push(parseInt(hex, 16));
      i += 2;
    } else if (c >= 33 && c <= 126 && c !== 0x3d /* = */) octets.push(c);
    else return undefined;
  }
  return utf8Text(Uint8Array.from(octets));
}

/** Encodes RFC 3461 §4 xtext: "+", "=", and octets outside 33–126 become `+XX`. */
export function encodeXtext(text: string): string {
  let out = '';
  for (const b of utf8Bytes(text)) {
    out +=
      b >= 33 && b <= 126 && b !== 0x2b && b !== 0x3d
        ? String.fromCharCode(b)
        : '+' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

type ParamsResult<T> = { readonly ok: true; readonly params: T } | InvalidCommand;

const invalid = (
  attempted: SmtpVerb | undefined,
  replyCode: InvalidCommand['replyCode'],
  enhanced: string | undefined,
  reason: string,
): InvalidCommand => ({
  verb: 'INVALID',
  ...(attempted === undefined ? {} : { attempted }),
  reason,
  replyCode,
  ...(enhanced === undefined ? {} : { enhanced }),
});

/** Splits `KEY=value` words, checking the generic grammar and duplicates; keywords upper-cased. */
function splitParams(
  verb: 'MAIL' | 'RCPT',
  words: readonly string[],
): Map<string, string | undefined> | InvalidCommand {
  const out = new Map<string, string | undefined>();
  for (const word of words) {
    const eq = word.indexOf('=');
    const keyword = (eq === -1 ? word : word.slice(0, eq)).toUpperCase();
    const value = eq === -1 ? undefined : word.slice(eq + 1);
    if (!ESMTP_KEYWORD.test(keyword) || (value !== undefined && !ESMTP_VALUE.test(value)))
      return invalid(verb, 501, '5.5.4', `Bad parameter syntax: ${word}`);
    if (out.has(keyword)) return invalid(verb, 501, '5.5.4', `Duplicate parameter: ${keyword}`);
    out.set(keyword, value);
  }
  return out;
}

function badParam(verb: 'MAIL' | 'RCPT', keyword: string): InvalidCommand {
  return invalid(verb, 501, '5.5.4', `Bad ${keyword} parameter value`);
}

function parseMailParams(words: readonly string[]): ParamsResult<MailParams> {
  const split = splitParams('MAIL', words);
  if (!(split instanceof Map)) return split;
  const params: { -readonly [K in keyof MailParams]: MailParams[K] } = {};
  for (const [keyword, value] of split) {
    switch (keyword) {
      case 'SIZE':
        // RFC 1870 §3: size-value ::= 1*20DIGIT.
        if (value === undefined || !/^[0-9]{1,20}$/.test(value)) return badParam('MAIL', keyword);
        params.size = Number(value);
        break;
      case 'BODY': {
        const v = value?.toUpperCase();
        if (v !== '7BIT' && v !== '8BITMIME' && v !== 'BINARYMIME') return badParam('MAIL', keyword);
        params.body = v;
        break;
      }
      case 'SMTPUTF8':
        // RFC 6531 §3.4: the parameter has no value.
        if (value !== undefined) return badParam('MAIL', keyword);
        params.smtputf8 = true;
        break;
      case 'AUTH': {
        // RFC 4954 §5: AUTH=<> or an xtext-encoded mailbox.
        const v = value === '<>' ? '<>' : value === undefined ? undefined : decodeXtext(value);
        if (v === undefined) return badParam('MAIL', keyword);
        params.auth = v;
        break;
      }
      case 'RET': {
        const v = value?.toUpperCase();
        if (v !== 'FULL' && v !== 'HDRS') return badParam('MAIL', keyword);
        params.ret = v;
        break;
      }
      case 'ENVID': {
        const v = value === undefined ? undefined : decodeXtext(value);
        if (v === undefined) return badParam('MAIL', keyword);
        params.envid = v;
        break;
      }
      default:
        // RFC 5321 §4.1.1.11: unrecognised parameters get 555.
        return invalid('MAIL', 555, '5.5.4', `Unsupported option: ${keyword}`);
    }
  }
  return { ok: true, params };
}

function parseRcptParams(words: readonly string[]): ParamsResult<RcptParams> {
  const split = splitParams('RCPT', words);
  if (!(split instanceof Map)) return split;
  const params: { -readonly [K in keyof RcptParams]: RcptParams[K] } = {};
  for (const [keyword, value] of split) {
    switch (keyword) {
      case 'NOTIFY': {
        // RFC 3461 §4.1: "NEVER" alone, or a comma list of SUCCESS, FAILURE, DELAY.
        const items = value?.toUpperCase().split(',') ?? [];
        if (items.length === 1 && items[0] === 'NEVER') params.notify = 'NEVER';
        else if (
          items.length > 0 &&
          new Set(items).size === items.length &&
          items.every((x) => x === 'SUCCESS' || x === 'FAILURE' || x === 'DELAY')
        )
          params.notify = items as NotifyCondition[];
        else return badParam('RCPT', keyword);
        break;
      }
      case 'ORCPT': {
        // RFC 3461 §4.2: ORCPT=addr-type ";" xtext.
        const semi = value?.indexOf(';') ?? -1;
        const addrType = value?.slice(0, semi);
        const address = semi === -1 ? undefined : decodeXtext(value!.slice(semi + 1));
        if (addrType === undefined || !/^[A-Za-z0-9-]+$/.test(addrType) || !address)
          return badParam('RCPT', keyword);
        params.orcpt = { addrType, address };
        break;
      }
      default:
        return invalid('RCPT', 555, '5.5.4', `Unsupported option: ${keyword}`);
    }
  }
  return { ok: true, params };
}

// ---------------------------------------------------------------------------
// The command line.

const WS = /[ \t]+/;

/** Parses MAIL FROM / RCPT TO after the verb: `FROM:<path> params`. */
function parsePathCommand(verb: 'MAIL' | 'RCPT', rest: string, tolerated: CommandTolerance[]): ParsedCommand {
  const keyword = verb === 'MAIL' ? 'FROM:' : 'TO:';
  const syntax = invalid(verb, 501, '5.5.4', `Syntax: ${verb} ${keyword}<address>`);
  if (rest.slice(0, keyword.length).toUpperCase() !== keyword) return syntax;
  let i = keyword.length;
  // TOLERANCE: `MAIL FROM: <a@b>`, as Postfix, Exim and Sendmail accept.
  const afterColon = /^[ \t]*/.exec(rest.slice(i))![0].length;
  if (afterColon > 0) tolerated.push('space-after-colon');
  i += afterColon;
  if (i >= rest.length) return syntax;

  const badAddress =
    verb === 'MAIL'
      ? invalid(verb, 501, '5.1.7', 'Bad sender address syntax')
      : invalid(verb, 501, '5.1.3', 'Bad recipient address syntax');
  let address: string;
  let utf8 = false;
  let end: number;
  if (rest[i] === '<') {
    const close = closingBracket(rest, i);
    if (close === -1) return badAddress;
    const inner = rest.slice(i + 1, close);
    end = close + 1;
    if (inner === '') {
      // RFC 5321 §4.1.1.2: the null reverse-path is for MAIL only.
      if (verb === 'RCPT') return badAddress;
      address = '';
    } else if (verb === 'RCPT' && isPostmaster(inner)) {
      // RFC 5321 §4.1.1.3: "<Postmaster>" without a domain MUST be accepted.
      address = inner;
    } else {
      const path = parsePathInner(inner);
      if (!path.ok) return badAddress;
      if (path.route) tolerated.push('source-route');
      address = path.address;
      utf8 = path.utf8;
    }
  } else {
    // TOLERANCE: a bare address, as Postfix accepts with strict_rfc821_envelopes = no (its default).
    tolerated.push('no-angle-brackets');
    const word = rest.slice(i).split(WS)[0]!;
    end = i + word.length;
    if (verb === 'RCPT' && isPostmaster(word)) address = word;
    else {
      const mailbox = parseMailbox(word);
      if (mailbox === undefined) return badAddress;
      address = mailbox.address;
      utf8 = mailbox.utf8;
    }
  }

  const tail = rest.slice(end);
  if (tail !== '' && !/^[ \t]/.test(tail)) return syntax;
  const words = tail.split(WS).filter((w) => w !== '');
  const base = tolerated.length > 0 ? { tolerated } : {};
  if (verb === 'MAIL') {
    const p = parseMailParams(words);
    if (!('ok' in p)) return p;
    return { verb, from: address, utf8, params: p.params, ...base };
  }
  const p = parseRcptParams(words);
  if (!('ok' in p)) return p;
  return { verb, to: address, utf8, params: p.params, ...base };
}

/** RFC 4954 §4: sasl-mech = 1*20mech-char; mech-char = UPPER-ALPHA / DIGIT / HYPHEN / UNDERSCORE. */
const SASL_MECH = /^[A-Z0-9_-]{1,20}$/;

/** Parses one command line (without CRLF). Never throws. */
function withTolerance<T extends object>(cmd: T, tolerated: CommandTolerance[]): T & Tolerated {
  return tolerated.length > 0 ? { ...cmd, tolerated } : cmd;
}

export function parseCommand(line: string): ParsedCommand {
  const tolerated: CommandTolerance[] = [];
  const trimmed = line.replace(/^[ \t]+|[ \t]+$/g, '');
  if (trimmed.length !== line.length) tolerated.push('whitespace');
  if (trimmed === '') return invalid(undefined, 500, '5.5.2', 'Error: bad syntax');
  const space = trimmed.search(WS);
  const word = space === -1 ? trimmed : trimmed.slice(0, space);
  const verb = word.toUpperCase();
  if (!VERBS.has(verb)) return { verb: 'UNKNOWN', word };
  const separator = space === -1 ? '' : /^[ \t]+/.exec(trimmed.slice(space))![0];
  if (separator !== '' && separator !== ' ') tolerated.push('whitespace');
  const rest = trimmed.slice(space === -1 ? trimmed.length : space + separator.length);

  switch (verb as SmtpVerb) {
    case 'HELO':
    case 'EHLO': {
      const v = verb as 'HELO' | 'EHLO';
      // RFC 2034 §4: replies to HELO and EHLO carry no enhanced status code.
      if (rest === '') return invalid(v, 501, undefined, `Syntax: ${v} hostname`);
      // TOLERANCE: any argument is accepted, as Postfix does; `form` lets the server apply
      // RFC 5321 §4.1.1.1 strictly (Postfix: reject_invalid_helo_hostname).
      const form: HeloForm = isAddressLiteral(rest)
        ? 'address-literal'
        : checkDomain(rest)?.utf8 === false
          ? 'domain'
          : 'other';
      return withTolerance({ verb: v, domain: rest, form }, tolerated);
    }
    case 'MAIL':
    case 'RCPT':
      return parsePathCommand(verb as 'MAIL' | 'RCPT', rest, tolerated);
    case 'DATA':
    case 'RSET':
    case 'QUIT':
    case 'STARTTLS': {
      const v = verb as 'DATA' | 'RSET' | 'QUIT' | 'STARTTLS';
      // RFC 5321 §4.1.1.4, .5, .10 and RFC 3207 §4: these take no arguments.
      if (rest !== '') return invalid(v, 501, '5.5.4', `Syntax: ${v}`);
      return withTolerance({ verb: v }, tolerated);
    }
    case 'VRFY':
    case 'EXPN': {
      const v = verb as 'VRFY' | 'EXPN';
      if (rest === '') return invalid(v, 501, '5.5.4', `Syntax: ${v} address`);
      return withTolerance({ verb: v, arg: rest }, tolerated);
    }
    case 'HELP':
      return withTolerance(
        rest === '' ? { verb: 'HELP' as const } : { verb: 'HELP' as const, topic: rest },
        tolerated,
      );
    case 'NOOP':
      // RFC 5321 §4.1.1.9: an argument is allowed and ignored.
      return withTolerance(
        rest === '' ? { verb: 'NOOP' as const } : { verb: 'NOOP' as const, arg: rest },
        tolerated,
      );
    case 'AUTH': {
      const args = rest.split(WS).filter((w) => w !== '');
      const mechanism = args[0]?.toUpperCase();
      if (mechanism === undefined || args.length > 2)
        return invalid('AUTH', 501, '5.5.4', 'Syntax: AUTH mechanism [initial-response]');
      // RFC 4954 §4: an invalid mechanism is rejected with 504.
      if (!SASL_MECH.test(mechanism))
        return invalid('AUTH', 504, '5.5.4', 'Unrecognized authentication type');
      const initialResponse = args[1];
      if (initialResponse === undefined)
        return withTolerance({ verb: 'AUTH' as const, mechanism }, tolerated);
      // RFC 4954 §4: a response that is not base64 gets 501 5.5.2.
      if (initialResponse !== '=' && base64Decode(initialResponse) === undefined)
        return invalid('AUTH', 501, '5.5.2', 'Invalid base64 data in initial response');
      return withTolerance({ verb: 'AUTH' as const, mechanism, initialResponse }, tolerated);
    }
  }
}

function formatMailParams(p: MailParams): string {
  let out = '';
  if (p.size !== undefined) out += ` SIZE=${p.size}`;
  if (p.body !== undefined) out += ` BODY=${p.body}`;
  if (p.smtputf8) out += ' SMTPUTF8';
  if (p.auth !== undefined) out += ` AUTH=${p.auth === '<>' ? '<>' : encodeXtext(p.auth)}`;
  if (p.ret !== undefined) out += ` RET=${p.ret}`;
  if (p.envid !== undefined) out += ` ENVID=${encodeXtext(p.envid)}`;
  return out;
}

function formatRcptParams(p: RcptParams): string {
  let out = '';
  if (p.notify !== undefined) out += ` NOTIFY=${p.notify === 'NEVER' ? 'NEVER' : p.notify.join(',')}`;
  if (p.orcpt !== undefined) out += ` ORCPT=${p.orcpt.addrType};${encodeXtext(p.orcpt.address)}`;
  return out;
}

/**
 * The command line for a command, without CRLF, in RFC 5321 form: one SP
 * between words, brackets around paths, parameters in a fixed order. The
 * inverse of {@link parseCommand} for every well-formed command.
 */
export function formatCommand(cmd: SmtpCommand): string {
  switch (cmd.verb) {
    case 'HELO':
    case 'EHLO':
      return `${cmd.verb} ${cmd.domain}`;
    case 'MAIL':
      return `MAIL FROM:<${cmd.from}>${formatMailParams(cmd.params)}`;
    case 'RCPT':
      return `RCPT TO:<${cmd.to}>${formatRcptParams(cmd.params)}`;
    case 'DATA':
    case 'RSET':
    case 'QUIT':
    case 'STARTTLS':
      return cmd.verb;
    case 'VRFY':
    case 'EXPN':
      return `${cmd.verb} ${cmd.arg}`;
    case 'HELP':
      return cmd.topic === undefined ? 'HELP' : `HELP ${cmd.topic}`;
    case 'NOOP':
      return cmd.arg === undefined ? 'NOOP' : `NOOP ${cmd.arg}`;
    case 'AUTH':
      return cmd.initialResponse === undefined
        ? `AUTH ${cmd.mechanism}`
        : `AUTH ${cmd.mechanism} ${cmd.initialResponse}`;
  }
}

/** The bytes a client writes for a command: {@link formatCommand}, UTF-8, then CRLF. */
export function encodeCommand(cmd: SmtpCommand): Uint8Array {
  return utf8Bytes(formatCommand(cmd) + '\r\n');
}

/** Whether a RCPT address is the special `Postmaster` (case-insensitive, RFC 5321 §4.1.1.3). */
export function isPostmaster(address: string): boolean {
  return address.toLowerCase() === 'postmaster';
}
