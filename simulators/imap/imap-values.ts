/**
 * The one bridge between mime's value trees (ENVELOPE, BODYSTRUCTURE) and the
 * codec's {@link ImapValue}. They differ in two ways: mime writes strings as
 * latin1 octet strings and marks back-to-back items with `unspaced`; the codec
 * takes Unicode strings and has a `sequence` node for `1*body` / `1*address`.
 */
import { latin1Bytes } from '../core/bytes.ts';
import type { ImapValue as MimeValue } from '../mime/imap-structures.ts';
import { list, literal, nil, num, seq, str, type ImapValue } from './codec/index.ts';

/** Converts a mime value tree to the codec's. */
export function fromMimeValue(v: MimeValue): ImapValue {
  switch (v.kind) {
    case 'nil':
      return nil;
    case 'number':
      return num(v.value);
    case 'string':
      // Octets as latin1: 8-bit, CR or LF go as a literal of the same octets (Dovecot's choice).
      // eslint-disable-next-line no-control-regex -- looking for octets a quoted string cannot carry
      return /[\x00\r\n\x80-\xff]/.test(v.value) ? literal(latin1Bytes(v.value)) : str(v.value);
    case 'list': {
      const items = v.items.map(fromMimeValue);
      const n = v.unspaced ?? 0;
      return n > 0 ? list(seq(...items.slice(0, n)), ...items.slice(n)) : list(...items);
    }
  }
}
