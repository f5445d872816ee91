/**
 * Bytes as a learner inspects them: rows of 16 octets with the offset, the
 * hex, and the text, where CR and LF show as ␍ and ␊ (the line ends every
 * protocol here depends on) and other unprintable octets as a middle dot.
 */
export interface HexRow {
  readonly offset: string;
  readonly hex: string;
  readonly text: string;
}

const WIDTH = 16;

function printable(b: number): string {
  if (b === 0x0d) return '␍';
  if (b === 0x0a) return '␊';
  if (b === 0x09) return '␉';
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·';
}

/** The rows of a hex dump; at most `limit` rows, the caller says how many more there are. */
export function hexRows(bytes: Uint8Array, limit = Infinity): HexRow[] {
  const rows: HexRow[] = [];
  for (let at = 0; at < bytes.length && rows.length < limit; at += WIDTH) {
    const chunk = bytes.subarray(at, at + WIDTH);
    let hex = '';
    let text = '';
    for (let i = 0; i < chunk.length; i++) {
      hex += (i === 8 ? '  ' : i > 0 ? ' ' : '') + chunk[i]!.toString(16).padStart(2, '0');
      text += printable(chunk[i]!);
    }
    rows.push({ offset: at.toString(16).padStart(6, '0'), hex, text });
  }
  return rows;
}
