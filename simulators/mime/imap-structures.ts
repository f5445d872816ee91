/**
 * IMAP's views of a message as plain value trees: ENVELOPE, BODY and
 * BODYSTRUCTURE (RFC 3501 §7.4.2, RFC 9051 §7.5.2). The IMAP codec turns an
 * {@link ImapValue} into wire syntax; section extraction (BODY[section],
 * BINARY[]) is in `imap-sections.ts`, re-exported here.
 *
 * Where the RFCs leave a choice, the output is Dovecot's (checked against
 * Dovecot's own test vectors and the imaptest scripts in
 * shared/conformance/imap):
 *
 * - Type, subtype, parameter names and the encoding are sent as written in
 *   the header (`"text" "x-myown"`, `"BASE64"` stays upper case); the
 *   defaults are lower case: `"text" "plain"`, `"7bit"`, `("charset"
 *   "us-ascii")`, and a message/rfc822 part is always `"message" "rfc822"`.
 *   (UW-IMAP and Cyrus upper-case everything instead.)
 * - A text part without a charset parameter gets `"charset" "us-ascii"`
 *   appended (RFC 2045 §5.2 default); other parts without parameters: NIL.
 * - RFC 2231 sections are merged but not decoded (`"filename*"
 *   "utf-8''%E2%82%AC.pdf"`).
 * - A multipart with no body parts reports one empty text/plain part, as the
 *   grammar needs at least one (`1*body`).
 * - ENVELOPE strings are the raw, unfolded header values (encoded words not
 *   decoded); when a field occurs twice the last one counts; an address
 *   without mailbox or domain gets `MISSING_MAILBOX` / `MISSING_DOMAIN`
 *   (the host must not be NIL, which marks a group).
 */
import { parseAddressList, type AddressItem, type Mailbox, type MimeParam } from './header-values.ts';
import { isText, type MimePart } from './message.ts';

export {
  binarySection,
  binarySize,
  messageSize,
  sectionBytes,
  type BinaryResult,
  type ByteRange,
  type Section,
  type SectionKind,
} from './imap-sections.ts';

/**
 * An IMAP data item (RFC 3501 §4): NIL, a string (octets as latin1; the
 * encoder picks quoted or literal form; Dovecot sends a literal when the
 * string holds CR, LF or 8-bit octets, else a quoted string with `"` and
 * `\` escaped), a number, or a parenthesised list.
 */
export type ImapValue =
  | { readonly kind: 'nil' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | {
      readonly kind: 'list';
      readonly items: readonly ImapValue[];
      /**
       * How many leading items are written back to back, with no SP between
       * them. RFC 3501 §9 concatenates the bodies of a multipart
       * (`body-type-mpart = 1*body SP media-subtype`) and the addresses of
       * an address list (`env-from = "(" 1*address ")"`). Default 0.
       */
      readonly unspaced?: number;
    };

const NIL: ImapValue = { kind: 'nil' };
const str = (value: string): ImapValue => ({ kind: 'string', value });
const nstr = (value: string | undefined): ImapValue => (value === undefined ? NIL : str(value));
const num = (value: number): ImapValue => ({ kind: 'number', value });
const list = (items: readonly ImapValue[], unspaced = 0): ImapValue =>
  unspaced > 0 ? { kind: 'list', items, unspaced } : { kind: 'list', items };

/** The envelope fields (RFC 3501 §7.4.2 ENVELOPE), in order. */
const ENVELOPE_FIELDS = [
  'date',
  'subject',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'in-reply-to',
  'message-id',
] as const;
type EnvelopeField = (typeof ENVELOPE_FIELDS)[number];
const ENVELOPE_FIELD_SET: ReadonlySet<string> = new Set(ENVELOPE_FIELDS);

function mailboxValue(m: Mailbox): ImapValue {
  // RFC 3501 §7.4.2: (name adl mailbox host); Dovecot fills a missing
  // mailbox or host with a marker, since NIL host means a group.
  return list([
    nstr(m.name),
    nstr(m.route),
    str(m.mailbox ?? 'MISSING_MAILBOX'),
    str(m.domain ?? 'MISSING_DOMAIN'),
  ]);
}

function addressListValue(items: readonly AddressItem[]): ImapValue {
  const out: ImapValue[] = [];
  for (const item of items) {
    if (item.kind === 'mailbox') out.push(mailboxValue(item));
    else {
      // RFC 3501 §7.4.2: group start (NIL NIL "name" NIL), members, end (NIL NIL NIL NIL).
      out.push(list([NIL, NIL, str(item.name), NIL]));
      for (const m of item.members) out.push(mailboxValue(m));
      out.push(list([NIL, NIL, NIL, NIL]));
    }
  }
  return out.length === 0 ? NIL : list(out, out.length);
}

/**
 * ENVELOPE of a message (the root part, or a message/rfc822 part's
 * `embedded`). Sender and Reply-To default to From when absent or empty
 * (RFC 3501 §7.4.2).
 */
export function envelope(message: MimePart): ImapValue {
  const last = new Map<EnvelopeField, string>();
  for (const f of message.header.fields) {
    const name = f.name.toLowerCase();
    if (ENVELOPE_FIELD_SET.has(name)) last.set(name as EnvelopeField, f.value);
  }
  const addresses = (field: EnvelopeField): ImapValue => {
    const value = last.get(field);
    return value === undefined ? NIL : addressListValue(parseAddressList(value));
  };
  const from = addresses('from');
  const sender = addresses('sender');
  const replyTo = addresses('reply-to');
  return list([
    nstr(last.get('date')),
    nstr(last.get('subject')),
    from,
    sender.kind === 'nil' ? from : sender,
    replyTo.kind === 'nil' ? from : replyTo,
    addresses('to'),
    addresses('cc'),
    addresses('bcc'),
    nstr(last.get('in-reply-to')),
    nstr(last.get('message-id')),
  ]);
}

function paramsValue(params: readonly MimeParam[], defaultCharset: boolean): ImapValue {
  const items: ImapValue[] = [];
  for (const p of params) items.push(str(p.name), str(p.value));
  if (defaultCharset && !params.some((p) => p.name.toLowerCase() === 'charset')) {
    items.push(str('charset'), str('us-ascii'));
  }
  return items.length === 0 ? NIL : list(items);
}

/** body-ext-1part / body-ext-mpart after the md5 or parameters (RFC 3501 §9). */
function commonExtension(part: MimePart): ImapValue[] {
  const d = part.disposition;
  return [
    d ? list([str(d.type), paramsValue(d.params, false)]) : NIL,
    part.language ? list(part.language.map(str)) : NIL,
    nstr(part.location),
  ];
}

const EMPTY_ENVELOPE = list(ENVELOPE_FIELDS.map(() => NIL));

function emptyBody(extensible: boolean): ImapValue {
  const basic = [
    str('text'),
    str('plain'),
    list([str('charset'), str('us-ascii')]),
    NIL,
    NIL,
    str('7bit'),
    num(0),
    num(0),
  ];
  return list(extensible ? [...basic, NIL, NIL, NIL, NIL] : basic);
}

/**
 * BODYSTRUCTURE (`extensible`) or BODY of a part (RFC 3501 §7.4.2): for the
 * whole message pass the root. Sizes are octets of the body, line counts
 * its line feeds.
 */
export function bodyStructure(part: MimePart, extensible: boolean): ImapValue {
  if (part.kind === 'multipart') {
    const bodies =
      part.children.length > 0
        ? part.children.map((c) => bodyStructure(c, extensible))
        : [emptyBody(extensible)];
    const items = [...bodies, str(part.contentType.subtype)];
    if (extensible) items.push(paramsValue(part.contentType.params, false), ...commonExtension(part));
    return list(items, bodies.length);
  }
  const message = part.kind === 'message';
  const text = !message && isText(part);
  const items: ImapValue[] = message
    ? [str('message'), str('rfc822')]
    : [str(part.contentType.type), str(part.contentType.subtype)];
  items.push(
    paramsValue(part.contentType.params, text),
    nstr(part.contentId),
    nstr(part.description),
    str(part.transferEncoding),
    num(part.end - part.headerEnd),
  );
  if (text) items.push(num(part.lines));
  else if (message) {
    // body-type-msg: envelope, body, lines. An opaque (too deep) message
    // still gets the fields the grammar requires.
    const inner = part.embedded;
    items.push(
      inner ? envelope(inner) : EMPTY_ENVELOPE,
      inner ? bodyStructure(inner, extensible) : emptyBody(extensible),
      num(part.lines),
    );
  }
  if (extensible) items.push(nstr(part.md5), ...commonExtension(part));
  return list(items);
}
