/**
 * SEARCH criteria (RFC 3501 §6.4.4, RFC 9051 §6.4.4, RFC 7162 §3.1.5 MODSEQ):
 * parsed from tokens into a {@link SearchKey} tree and written back. Shared by
 * SEARCH, SORT and THREAD, whose `search-criteria` are the same keys.
 *
 * The top level is an implicit AND of its keys; `(…)` is an explicit AND;
 * `NOT k` and `OR k1 k2` nest. Nesting depth is limited (the context's
 * `maxDepth`) so `NOT NOT NOT …` cannot exhaust the stack.
 *
 * SIMPLIFICATION: string arguments are decoded as UTF-8, which covers the
 * charsets the server announces (US-ASCII and UTF-8); for any other CHARSET
 * the server answers `NO [BADCHARSET (US-ASCII UTF-8)]` (RFC 3501 §6.4.4).
 */
import { formatDate, parseDate } from './dates.ts';
import { formatSequenceSet, parseSequenceSet, type SequenceSet } from './sequence-set.ts';
import { failSyntax, type TokenCursor } from './token-cursor.ts';
import { astr, atom, list, str, type ImapValue } from './values.ts';
import { isAtom } from './values.ts';

/** Keys without arguments. */
export type SearchFlagKey =
  | 'ALL'
  | 'ANSWERED'
  | 'DELETED'
  | 'DRAFT'
  | 'FLAGGED'
  | 'NEW'
  | 'OLD'
  | 'RECENT'
  | 'SEEN'
  | 'UNANSWERED'
  | 'UNDELETED'
  | 'UNDRAFT'
  | 'UNFLAGGED'
  | 'UNSEEN';

/** Keys that match a string in a header or the body. */
export type SearchStringKey = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';

/** Keys that compare a date (internal date, or the `Date:` header for SENT*). */
export type SearchDateKey = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

/** One search key (`; RFC 3501 §9 search-key`). */
export type SearchKey =
  | { readonly key: SearchFlagKey }
  | { readonly key: SearchStringKey; readonly value: string }
  | { readonly key: 'KEYWORD' | 'UNKEYWORD'; readonly flag: string }
  /** `date`: epoch ms of 00:00 UTC on the day (see `dates.ts`). */
  | { readonly key: SearchDateKey; readonly date: number }
  | { readonly key: 'LARGER' | 'SMALLER'; readonly size: number }
  | { readonly key: 'HEADER'; readonly field: string; readonly value: string }
  | { readonly key: 'UID'; readonly set: SequenceSet }
  /** A bare sequence set: `1:3,5`. */
  | { readonly key: 'SEQUENCE'; readonly set: SequenceSet }
  | { readonly key: 'NOT'; readonly operand: SearchKey }
  | { readonly key: 'OR'; readonly left: SearchKey; readonly right: SearchKey }
  /** A parenthesised group: all must match. */
  | { readonly key: 'AND'; readonly operands: readonly SearchKey[] }
  | {
      readonly key: 'MODSEQ';
      readonly entry?: { readonly name: string; readonly type: 'priv' | 'shared' | 'all' };
      readonly modseq: number;
    };

const FLAG_KEYS: ReadonlySet<string> = new Set<SearchFlagKey>([
  'ALL',
  'ANSWERED',
  'DELETED',
  'DRAFT',
  'FLAGGED',
  'NEW',
  'OLD',
  'RECENT',
  'SEEN',
  'UNANSWERED',
  'UNDELETED',
  'UNDRAFT',
  'UNFLAGGED',
  'UNSEEN',
]);
const STRING_KEYS: ReadonlySet<string> = new Set<SearchStringKey>([
  'BCC',
  'BODY',
  'CC',
  'FROM',
  'SUBJECT',
  'TEXT',
  'TO',
]);
const DATE_KEYS: ReadonlySet<string> = new Set<SearchDateKey>([
  'BEFORE',
  'ON',
  'SINCE',
  'SENTBEFORE',
  'SENTON',
  'SENTSINCE',
]);

/** Largest MODSEQ the simulator represents exactly (SIMPLIFICATION: RFC 7162 allows 2^63−1). */
const MAX_MODSEQ = Number.MAX_SAFE_INTEGER;

/** Reads every remaining token as search keys; at least one (`1*(SP search-key)`). */
export function parseSearchKeys(c: TokenCursor): SearchKey[] {
  if (c.atEnd) failSyntax(`${c.command} is missing its search criteria (try ALL)`);
  const keys: SearchKey[] = [];
  while (!c.atEnd) keys.push(parseSearchKey(c, 1, 'a search key'));
  return keys;
}

/** Reads one search key at nesting `depth`; `what` names it if it is missing. */
export function parseSearchKey(c: TokenCursor, depth: number, what: string): SearchKey {
  if (depth > c.context.maxDepth) {
    failSyntax(`${c.command}: search keys nested deeper than ${c.context.maxDepth} levels`);
  }
  const t = c.next(what);
  if (t.kind === 'list') {
    if (t.items.length === 0) failSyntax(`${c.command}: empty search group '()'`);
    const inner = c.sub(t.items);
    const operands: SearchKey[] = [];
    while (!inner.atEnd) operands.push(parseSearchKey(inner, depth + 1, 'a search key'));
    return { key: 'AND', operands };
  }
  if (t.kind !== 'atom' || t.section !== undefined) return c.expected('a search key', t);
  const word = t.value.toUpperCase();
  if (/^[\d*$]/.test(word)) return { key: 'SEQUENCE', set: sequenceSetArg(t.value) };
  if (FLAG_KEYS.has(word)) return { key: word as SearchFlagKey };
  if (STRING_KEYS.has(word))
    return { key: word as SearchStringKey, value: c.astring(`a string after ${word}`) };
  if (DATE_KEYS.has(word)) return { key: word as SearchDateKey, date: dateArg(c, word) };
  switch (word) {
    case 'KEYWORD':
    case 'UNKEYWORD': {
      const flag = c.atom(`a keyword after ${word}`);
      if (!isAtom(flag))
        failSyntax(`${c.command}: '${flag}' is not a keyword (a keyword is an atom such as $Forwarded)`);
      return { key: word, flag };
    }
    case 'LARGER':
    case 'SMALLER':
      return { key: word, size: c.number(`a size in octets after ${word}`) };
    case 'HEADER': {
      const field = c.astring('a header field name after HEADER');
      return { key: 'HEADER', field, value: c.astring(`a string after HEADER ${field}`) };
    }
    case 'UID':
      return { key: 'UID', set: sequenceSetArg(c.atom('a UID set after UID')) };
    case 'NOT':
      return { key: 'NOT', operand: parseSearchKey(c, depth + 1, 'a search key after NOT') };
    case 'OR': {
      const left = parseSearchKey(c, depth + 1, 'two search keys after OR');
      return { key: 'OR', left, right: parseSearchKey(c, depth + 1, 'a second search key after OR') };
    }
    case 'MODSEQ': {
      const next = c.peek();
      if (next?.kind === 'quoted' || next?.kind === 'literal') {
        const name = c.string('an entry name after MODSEQ');
        const type = c.keyword('an entry type (priv, shared or all) after the entry name').toLowerCase();
        if (type !== 'priv' && type !== 'shared' && type !== 'all') {
          failSyntax(`${c.command}: MODSEQ entry type must be priv, shared or all, not '${type}'`);
        }
        return {
          key: 'MODSEQ',
          entry: { name, type },
          modseq: c.number('a mod-sequence after MODSEQ', 0, MAX_MODSEQ),
        };
      }
      return { key: 'MODSEQ', modseq: c.number('a mod-sequence after MODSEQ', 0, MAX_MODSEQ) };
    }
    default:
      return failSyntax(`Unknown search key '${t.value}'`);
  }

  function sequenceSetArg(text: string): SequenceSet {
    const set = parseSequenceSet(text);
    if (!set.ok) failSyntax(set.message);
    return set.value;
  }
}

function dateArg(c: TokenCursor, word: string): number {
  const t = c.next(`a date after ${word}`);
  // `; RFC 3501 §9 date = date-text / DQUOTE date-text DQUOTE`
  if ((t.kind !== 'atom' || t.section !== undefined) && t.kind !== 'quoted') {
    return c.expected(`a date like 1-Feb-1994 after ${word}`, t);
  }
  const date = parseDate(t.value);
  if (!date.ok) failSyntax(`${word}: ${date.message}`);
  return date.value;
}

/** Writes keys as values, for the command formatter. */
export function searchKeysToValues(keys: readonly SearchKey[]): ImapValue[] {
  return keys.flatMap(searchKeyToValues);
}

function searchKeyToValues(k: SearchKey): ImapValue[] {
  switch (k.key) {
    case 'AND':
      return [list(...searchKeysToValues(k.operands))];
    case 'NOT':
      return [atom('NOT'), ...searchKeyToValues(k.operand)];
    case 'OR':
      return [atom('OR'), ...searchKeyToValues(k.left), ...searchKeyToValues(k.right)];
    case 'SEQUENCE':
      return [atom(formatSequenceSet(k.set))];
    case 'UID':
      return [atom('UID'), atom(formatSequenceSet(k.set))];
    case 'HEADER':
      return [atom('HEADER'), astr(k.field), astr(k.value)];
    case 'KEYWORD':
    case 'UNKEYWORD':
      return [atom(k.key), atom(k.flag)];
    case 'LARGER':
    case 'SMALLER':
      return [atom(k.key), atom(String(k.size))];
    case 'MODSEQ':
      return k.entry === undefined
        ? [atom('MODSEQ'), atom(String(k.modseq))]
        : [atom('MODSEQ'), str(k.entry.name), atom(k.entry.type), atom(String(k.modseq))];
    case 'BEFORE':
    case 'ON':
    case 'SINCE':
    case 'SENTBEFORE':
    case 'SENTON':
    case 'SENTSINCE':
      return [atom(k.key), atom(formatDate(k.date))];
    case 'BCC':
    case 'BODY':
    case 'CC':
    case 'FROM':
    case 'SUBJECT':
    case 'TEXT':
    case 'TO':
      return [atom(k.key), astr(k.value)];
    default:
      return [atom(k.key)];
  }
}
