/**
 * The response encoder: {@link ImapResponse} in, octets out, binary-safe.
 * Strings pick atom / quoted / literal by themselves (`value-writer.ts`);
 * the server passes `utf8: true` once the client has enabled UTF8=ACCEPT.
 *
 * ```
 * ; RFC 3501 §9
 * response-tagged = tag SP resp-cond-state CRLF
 * resp-cond-state = ("OK" / "NO" / "BAD") SP resp-text
 * resp-text       = ["[" resp-text-code "]" SP] text
 * continue-req    = "+" SP (resp-text / base64) CRLF
 * message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
 * ```
 *
 * Free text is UTF-8; CR, LF and NUL in it become spaces, since they would
 * end or corrupt the line.
 */
import { formatNumberSet } from './sequence-set.ts';
import type { ImapResponse, ResponseCode } from './responses.ts';
import { ValueWriter, type WriteOptions } from './value-writer.ts';
import { astr, atom, list, type ImapValue } from './values.ts';

/** How responses are written. */
export interface EncodeOptions {
  /** UTF8=ACCEPT is enabled (RFC 6855 §3): 8-bit strings may be quoted. */
  readonly utf8?: boolean;
  /** Longest quoted string, in octets. */
  readonly maxQuoted?: number;
}

function writeOptions(o: EncodeOptions): WriteOptions {
  return {
    ...(o.utf8 === true ? { utf8: true } : {}),
    ...(o.maxQuoted !== undefined ? { maxQuoted: o.maxQuoted } : {}),
  };
}

function cleanText(text: string): string {
  return text.replace(/[\r\n\0]/g, ' ');
}

/** The inside of `[…]`: `APPENDUID 38505 3955`. */
export function formatResponseCode(code: ResponseCode): string {
  switch (code.code) {
    case 'UIDVALIDITY':
    case 'UIDNEXT':
    case 'UNSEEN':
    case 'HIGHESTMODSEQ':
      return `${code.code} ${code.value}`;
    case 'PERMANENTFLAGS':
      return `PERMANENTFLAGS (${code.flags.join(' ')})`;
    case 'CAPABILITY':
      return ['CAPABILITY', ...code.capabilities].join(' ');
    case 'BADCHARSET':
      return code.charsets === undefined
        ? 'BADCHARSET'
        : `BADCHARSET ${bytesText(new ValueWriter().value(list(...code.charsets.map(astr))).bytes())}`;
    case 'APPENDUID':
      return `APPENDUID ${code.uidValidity} ${formatNumberSet(code.uids)}`;
    case 'COPYUID':
      return `COPYUID ${code.uidValidity} ${formatNumberSet(code.sourceUids)} ${formatNumberSet(code.destinationUids)}`;
    case 'MODIFIED':
      return `MODIFIED ${formatNumberSet(code.numbers)}`;
    case 'other':
      return code.text === undefined ? code.name : `${code.name} ${cleanText(code.text).replace(/]/g, ' ')}`;
    default:
      return code.code;
  }
}

function bytesText(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function respText(w: ValueWriter, code: ResponseCode | undefined, text: string): void {
  if (code !== undefined) w.text(` [${formatResponseCode(code)}]`);
  if (text !== '') w.text(' ' + cleanText(text));
}

/** Writes one response, CRLF included. */
export function encodeResponse(response: ImapResponse, options: EncodeOptions = {}): Uint8Array {
  return writeResponse(new ValueWriter(writeOptions(options)), response).bytes();
}

/**
 * Several responses as one run of octets, through one writer: a FETCH of
 * 1:* answers thousands of lines, and one conversion beats thousands.
 */
export function encodeResponses(responses: readonly ImapResponse[], options: EncodeOptions = {}): Uint8Array {
  // A FETCH line of FLAGS is some 45 octets: reserve about that much per response up front.
  const w = new ValueWriter(writeOptions(options), responses.length * 48);
  for (const response of responses) writeResponse(w, response);
  return w.bytes();
}

function writeResponse(w: ValueWriter, response: ImapResponse): ValueWriter {
  switch (response.kind) {
    case 'tagged':
      w.text(`${response.tag} ${response.status}`);
      respText(w, response.code, response.text);
      break;
    case 'status':
      w.text(`* ${response.status}`);
      respText(w, response.code, response.text);
      break;
    case 'continuation':
      // `+ ` keeps its space even when empty: an empty SASL challenge is "+ " CRLF.
      w.text('+');
      if (response.code !== undefined) w.text(` [${formatResponseCode(response.code)}]`);
      w.text(' ' + cleanText(response.text));
      break;
    case 'data':
      w.text('* ');
      if (response.number !== undefined) w.number(response.number).text(' ');
      w.text(response.name);
      for (const v of response.values) w.text(' ').value(v);
      break;
  }
  return w.text('\r\n');
}

/** Writes one value on its own (no CRLF), e.g. for tests and transcripts. */
export function encodeValue(value: ImapValue, options: EncodeOptions = {}): Uint8Array {
  return new ValueWriter(writeOptions(options)).value(value).bytes();
}

const itemNames = new Map<string, ImapValue>();

/** The atom for a FETCH item name: the names are few and written by the thousand, so one atom each. */
export function fetchItemName(name: string): ImapValue {
  let value = itemNames.get(name);
  if (value === undefined) itemNames.set(name, (value = atom(name)));
  return value;
}

/**
 * A FETCH response (`; RFC 3501 §9 message-data = nz-number SP "FETCH" SP msg-att`):
 * `fetchResponse(2, [['UID', num(4)], ['FLAGS', list(atom('\\Seen'))]])`
 * is `* 2 FETCH (UID 4 FLAGS (\Seen))`.
 */
export function fetchResponse(
  sequenceNumber: number,
  items: readonly (readonly [string, ImapValue])[],
): ImapResponse {
  // `name value name value …` without the intermediate arrays of a flatMap (FETCH of 1:* is hot).
  const flat = new Array<ImapValue>(items.length * 2);
  for (let i = 0; i < items.length; i++) {
    const [name, value] = items[i]!;
    flat[2 * i] = fetchItemName(name);
    flat[2 * i + 1] = value;
  }
  return { kind: 'data', number: sequenceNumber, name: 'FETCH', values: [{ type: 'list', items: flat }] };
}
