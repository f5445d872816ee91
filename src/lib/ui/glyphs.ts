/**
 * Text alternatives for the symbols the trace and the terminal print: a
 * screen reader reads 🔒 as "locked" (or nothing, without an emoji voice)
 * and ␍ as nothing at all, so these become images with a spoken name
 * ("encrypted", "CR LF") while the text itself stays as it is for the eye
 * and for copy and paste (WCAG 1.1.1).
 */

/** A run of text, or a symbol with its spoken name. */
export interface GlyphPart {
  readonly text: string;
  /** For a symbol: what a screen reader says instead. */
  readonly label?: string;
}

/** Names of the C0 control characters, which U+2400 + code pictures (U+2421 is DEL). */
const CONTROL_NAMES = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'HT',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
] as const;

/** Symbols other than control pictures, and what they mean where the app prints them. */
const SYMBOLS: Readonly<Record<string, string>> = {
  '🔒': 'encrypted',
  '⚠': 'warning',
  '⇄': 'connected to',
};

/** The spoken name of one character, or undefined for ordinary text. */
function nameOf(ch: string): { name: string; control: boolean } | undefined {
  const code = ch.codePointAt(0)!;
  if (code >= 0x2400 && code < 0x2420) return { name: CONTROL_NAMES[code - 0x2400]!, control: true };
  if (code === 0x2421) return { name: 'DEL', control: true };
  const symbol = SYMBOLS[ch];
  return symbol === undefined ? undefined : { name: symbol, control: false };
}

/**
 * Splits `text` into plain runs and symbols with their names. Neighbouring
 * control pictures form one part (`␍␊` is "CR LF").
 */
export function glyphParts(text: string): GlyphPart[] {
  const parts: GlyphPart[] = [];
  let plain = '';
  let controls: { text: string; names: string[] } | undefined;
  const flushControls = () => {
    if (controls !== undefined) parts.push({ text: controls.text, label: controls.names.join(' ') });
    controls = undefined;
  };
  const flushPlain = () => {
    if (plain !== '') parts.push({ text: plain });
    plain = '';
  };
  for (const ch of text) {
    const named = nameOf(ch);
    if (named === undefined) {
      flushControls();
      plain += ch;
    } else if (named.control) {
      flushPlain();
      if (controls === undefined) controls = { text: ch, names: [named.name] };
      else controls = { text: controls.text + ch, names: [...controls.names, named.name] };
    } else {
      flushPlain();
      flushControls();
      parts.push({ text: ch, label: named.name });
    }
  }
  flushPlain();
  flushControls();
  return parts;
}
