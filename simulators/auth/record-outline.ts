/**
 * The terms of a zone's SPF, DMARC and DKIM records with the places they
 * were written, so the editor can explain the one under the pointer. This is
 * only where each term begins and ends: SPF terms are separated by spaces
 * (RFC 7208 §4.6.1), DMARC and DKIM tags by `;` (RFC 6376 §3.2). A record
 * that does not parse is still outlined, so hovers keep working while it is
 * being typed; what it means is the parsers' business (record-lint.ts).
 */
import { txtSpan, txtText } from '../dns/txt-span.ts';
import type { LocatedZone } from '../dns/zone-file.ts';
import type { LocatedRecord } from '../dns/zone-lint.ts';
import { recordKind } from './record-kind.ts';
import type { Qualifier } from './spf/record.ts';

/** One term of a record, where it was written. */
export interface RecordTerm {
  readonly protocol: 'spf' | 'dmarc' | 'dkim';
  /** `version` is `v=spf1` / `v=DMARC1` / `v=DKIM1`. */
  readonly kind: 'version' | 'mechanism' | 'modifier' | 'tag';
  /** The mechanism, modifier or tag name, lower-case (`include`, `redirect`, `rua`, `p`). */
  readonly name: string;
  /** The SPF qualifier, when one is written. */
  readonly qualifier?: Qualifier;
  /** The term as written in the record. */
  readonly text: string;
  /** The record's owner name. */
  readonly owner: string;
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

type Piece = Omit<RecordTerm, 'protocol' | 'owner' | 'line' | 'column' | 'endColumn'> & {
  readonly start: number;
};

function spfPieces(text: string): Piece[] {
  const out: Piece[] = [];
  for (const m of text.matchAll(/[^ ]+/g)) {
    const term = m[0];
    const start = m.index;
    const modifier = /^([A-Za-z][A-Za-z0-9\-_.]*)=/.exec(term);
    if (start === 0 && /^v=spf1$/i.test(term)) out.push({ kind: 'version', name: 'v', text: term, start });
    else if (modifier !== null)
      out.push({ kind: 'modifier', name: modifier[1]!.toLowerCase(), text: term, start });
    else {
      const q = term[0];
      const qualifier = q === '+' || q === '-' || q === '~' || q === '?' ? q : undefined;
      const name = (/^[A-Za-z0-9]*/.exec(term.slice(qualifier ? 1 : 0))?.[0] ?? '').toLowerCase();
      out.push({ kind: 'mechanism', name, ...(qualifier ? { qualifier } : {}), text: term, start });
    }
  }
  return out;
}

function tagPieces(text: string, lower: boolean): Piece[] {
  const out: Piece[] = [];
  let offset = 0;
  for (const spec of text.split(';')) {
    const lead = /^\s*/.exec(spec)![0].length;
    const body = spec.trim();
    if (body !== '') {
      const eq = body.indexOf('=');
      const raw = (eq < 0 ? body : body.slice(0, eq)).trim();
      const name = lower ? raw.toLowerCase() : raw;
      out.push({
        kind: out.length === 0 && name.toLowerCase() === 'v' ? 'version' : 'tag',
        name,
        text: body,
        start: offset + lead,
      });
    }
    offset += spec.length + 1;
  }
  return out;
}

function outlineRecord(record: LocatedRecord): RecordTerm[] {
  const text = txtText(record);
  const protocol = recordKind(text, record.rr.name);
  if (protocol === 'other') return [];
  // DMARC tag names compare case-insensitively (RFC 7489 §6.4 ABNF); DKIM's are case-sensitive (RFC 6376 §3.2).
  const pieces = protocol === 'spf' ? spfPieces(text) : tagPieces(text, protocol === 'dmarc');
  return pieces.map(({ start, ...piece }) => {
    const at = txtSpan(record, start, start + piece.text.length);
    return {
      protocol,
      ...piece,
      owner: record.rr.name,
      line: at.line,
      column: at.column,
      endColumn: at.endColumn,
    };
  });
}

/** The terms of every SPF, DMARC and DKIM record of a zone, in file order. */
export function outlineRecords(zone: LocatedZone): RecordTerm[] {
  return zone.located.flatMap((r) => (r.rr.type === 'TXT' ? outlineRecord(r) : []));
}
