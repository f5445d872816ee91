/**
 * Search results as typed data, both ways: `* SEARCH` (RFC 3501 §7.2.5, with
 * RFC 7162 §3.1.6's `(MODSEQ n)`) and `* ESEARCH` (RFC 4731 §3.1, with
 * RFC 4731 §3.2's `MODSEQ n`). The server builds responses with
 * {@link searchResponse} / {@link esearchResponse}; a client reads the
 * generic {@link ImapResponse} the response parser made back with
 * {@link readSearch} / {@link readEsearch}, which never throw.
 *
 * ```
 * ; RFC 4731 §4, RFC 7162 §7
 * esearch-response   = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)
 * search-correlator  = SP "(" "TAG" SP tag-string ")"
 * search-return-data = "MIN" SP nz-number / "MAX" SP nz-number / "ALL" SP sequence-set /
 *                      "COUNT" SP number / "MODSEQ" SP mod-sequence-value
 * mailbox-data       =/ "SEARCH" *(SP nz-number) [SP search-sort-mod-seq]
 * search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"
 * ```
 */
import { utf8Text } from '../../core/bytes.ts';
import { fail, ok, type Parsed } from './result.ts';
import type { ImapResponse } from './responses.ts';
import { formatNumberSet, listSequenceSet, parseSequenceSet } from './sequence-set.ts';
import { atom, list, num, str, type ImapValue } from './values.ts';

/** What `* SEARCH` carries: message numbers (or UIDs), and the highest mod-sequence when MODSEQ was searched. */
export interface SearchResult {
  readonly numbers: readonly number[];
  readonly modseq?: number;
}

/** What `* ESEARCH` carries; a return option with nothing to report is absent (RFC 4731 §3.1). */
export interface EsearchResult {
  /** The tag of the command answered (`search-correlator`). */
  readonly tag?: string;
  /** The numbers are UIDs (UID SEARCH). */
  readonly uid: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Ascending; written compressed (`1:3,5`). */
  readonly all?: readonly number[];
  readonly count?: number;
  readonly modseq?: number;
}

/** `* SEARCH 2 5 (MODSEQ 12)`. */
export function searchResponse(result: SearchResult): ImapResponse {
  const values: ImapValue[] = result.numbers.map(num);
  // RFC 7162 §3.1.6: the MODSEQ part only with at least one match.
  if (result.modseq !== undefined && result.numbers.length > 0)
    values.push(list(atom('MODSEQ'), num(result.modseq)));
  return { kind: 'data', name: 'SEARCH', values };
}

/** `* ESEARCH (TAG "A1") UID MIN 2 MAX 7 ALL 2,5:7 COUNT 4 MODSEQ 12`, in that order (Dovecot's). */
export function esearchResponse(result: EsearchResult): ImapResponse {
  const values: ImapValue[] = [];
  if (result.tag !== undefined) values.push(list(atom('TAG'), str(result.tag)));
  if (result.uid) values.push(atom('UID'));
  if (result.min !== undefined) values.push(atom('MIN'), num(result.min));
  if (result.max !== undefined) values.push(atom('MAX'), num(result.max));
  if (result.all !== undefined && result.all.length > 0)
    values.push(atom('ALL'), atom(formatNumberSet(result.all)));
  if (result.count !== undefined) values.push(atom('COUNT'), num(result.count));
  if (result.modseq !== undefined) values.push(atom('MODSEQ'), num(result.modseq));
  return { kind: 'data', name: 'ESEARCH', values };
}

const word = (v: ImapValue | undefined): string | undefined =>
  v?.type === 'atom' ? v.value.toUpperCase() : undefined;

const numberOf = (v: ImapValue | undefined): number | undefined =>
  v?.type === 'number' ? v.value : undefined;

/** Text of a string-like value: quoted, literal (UTF-8), or (TOLERANCE) an atom. */
function textOf(v: ImapValue | undefined): string | undefined {
  switch (v?.type) {
    case 'string':
    case 'astring':
    case 'atom':
      return v.value;
    case 'literal':
      return utf8Text(v.value);
    default:
      return undefined;
  }
}

/** The numbers of an ALL value: a lone number parses as a number, a set as an atom. */
function setOf(v: ImapValue | undefined): number[] | undefined {
  if (v?.type === 'number') return v.value > 0 ? [v.value] : undefined;
  if (v?.type !== 'atom') return undefined;
  const set = parseSequenceSet(v.value, { allowSaved: false });
  if (!set.ok) return undefined;
  const numbers = listSequenceSet(set.value);
  return numbers.ok ? numbers.value : undefined;
}

/** Reads a `* SEARCH` response. */
export function readSearch(response: ImapResponse): Parsed<SearchResult> {
  if (response.kind !== 'data' || response.name !== 'SEARCH') return fail('Not a SEARCH response');
  const numbers: number[] = [];
  let modseq: number | undefined;
  for (const [i, v] of response.values.entries()) {
    if (v.type === 'number' && v.value > 0 && modseq === undefined) {
      numbers.push(v.value);
      continue;
    }
    const last = i === response.values.length - 1;
    if (last && v.type === 'list' && v.items.length === 2 && word(v.items[0]) === 'MODSEQ') {
      modseq = numberOf(v.items[1]);
      if (modseq !== undefined) continue;
    }
    return fail(`SEARCH: unexpected item ${i + 1} (a message number or a final (MODSEQ n))`);
  }
  return ok(modseq === undefined ? { numbers } : { numbers, modseq });
}

/**
 * Reads a `* ESEARCH` response. TOLERANCE: return data this reader does not
 * know (RFC 4731 `search-ret-data-ext`) is skipped when its value is simple.
 */
export function readEsearch(response: ImapResponse): Parsed<EsearchResult> {
  if (response.kind !== 'data' || response.name !== 'ESEARCH') return fail('Not an ESEARCH response');
  const values = response.values;
  let i = 0;
  let tag: string | undefined;
  const first = values[0];
  if (first?.type === 'list') {
    tag = first.items.length === 2 && word(first.items[0]) === 'TAG' ? textOf(first.items[1]) : undefined;
    if (tag === undefined) return fail('ESEARCH: the correlator must be (TAG "tag")');
    i = 1;
  }
  const uid = word(values[i]) === 'UID';
  if (uid) i++;
  const out: { -readonly [K in keyof EsearchResult]: EsearchResult[K] } = { uid };
  if (tag !== undefined) out.tag = tag;
  for (; i < values.length; i += 2) {
    const name = word(values[i]);
    const value = values[i + 1];
    if (name === undefined || value === undefined)
      return fail(`ESEARCH: expected a name and a value at item ${i + 1}`);
    switch (name) {
      case 'MIN':
      case 'MAX':
      case 'COUNT':
      case 'MODSEQ': {
        const n = numberOf(value);
        if (n === undefined || (n === 0 && (name === 'MIN' || name === 'MAX')))
          return fail(`ESEARCH: ${name} needs a number`);
        out[name === 'MIN' ? 'min' : name === 'MAX' ? 'max' : name === 'COUNT' ? 'count' : 'modseq'] = n;
        break;
      }
      case 'ALL': {
        const all = setOf(value);
        if (all === undefined) return fail('ESEARCH: ALL needs a sequence set such as 1:3,5');
        out.all = all;
        break;
      }
      default:
        if (value.type === 'list') return fail(`ESEARCH: unknown return data ${name}`);
    }
  }
  return ok(out);
}
