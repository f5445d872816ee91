/**
 * Sequence sets (RFC 3501 §9 `sequence-set`, RFC 9051 §9): `1:*,5,7:3`.
 *
 * A set is kept as written (ranges in either order, `*` unresolved), so it
 * formats back byte for byte. To use it, expand it against the mailbox: the
 * message count for sequence numbers, the highest UID for UIDs. Expansion
 * yields sorted, disjoint, inclusive ranges, never a materialised list, so
 * `UID FETCH 1:4294967295` costs as much as `UID FETCH 1`.
 */
import { fail, ok, type Parsed } from './result.ts';

/** RFC 3501 §9 `nz-number`: 1 … 4294967295 (a 32-bit unsigned message number or UID). */
export const MAX_NZ_NUMBER = 4_294_967_295;

/** A number, or `*`: "the largest number in use" (RFC 3501 §9 `seq-number`). */
export type SeqBound = number | '*';

/** One element of a set: a single `seq-number`, or a `seq-range` `[from, to]` as written. */
export type SeqItem = SeqBound | readonly [SeqBound, SeqBound];

/**
 * A parsed `sequence-set`, or `'$'`: the saved search result (RFC 5182
 * SEARCHRES `seq-last-command`), which the caller resolves before expanding.
 */
export type SequenceSet = readonly SeqItem[] | '$';

/** An inclusive range of numbers `[lo, hi]` with `lo ≤ hi`. */
export type NumberRange = readonly [number, number];

/** Whether an item is a `seq-range` rather than a single number. */
export function isSeqRange(item: SeqItem): item is readonly [SeqBound, SeqBound] {
  return typeof item === 'object';
}

function parseBound(text: string, whole: string): Parsed<SeqBound> {
  if (text === '*') return ok('*');
  if (!/^\d+$/.test(text)) return fail(`Invalid sequence set '${whole}': '${text}' is not a number or '*'`);
  const n = Number(text);
  if (n === 0) return fail(`Invalid sequence set '${whole}': numbers start at 1, not 0`);
  if (n > MAX_NZ_NUMBER) return fail(`Invalid sequence set '${whole}': ${text} is above 4294967295`);
  return ok(n);
}

/**
 * Parses a `sequence-set` atom.
 *
 * `; RFC 3501 §9 sequence-set = (seq-number / seq-range) *("," sequence-set)`
 * `; RFC 5182 §2 sequence-set =/ seq-last-command` (`$`, only when `allowSaved`)
 */
export function parseSequenceSet(text: string, options: { allowSaved?: boolean } = {}): Parsed<SequenceSet> {
  if (text === '$') {
    return options.allowSaved !== false
      ? ok('$')
      : fail("'$' (a saved search result, RFC 5182) is not allowed here");
  }
  if (text === '') return fail('Missing sequence set');
  const items: SeqItem[] = [];
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) {
      const b = parseBound(part, text);
      if (!b.ok) return b;
      items.push(b.value);
      continue;
    }
    const from = parseBound(part.slice(0, colon), text);
    if (!from.ok) return from;
    const to = parseBound(part.slice(colon + 1), text);
    if (!to.ok) return to;
    items.push([from.value, to.value]);
  }
  return ok(items);
}

/** Writes a set back exactly as {@link parseSequenceSet} read it. */
export function formatSequenceSet(set: SequenceSet): string {
  if (set === '$') return '$';
  return set.map((item) => (isSeqRange(item) ? `${item[0]}:${item[1]}` : String(item))).join(',');
}

/**
 * Expands a set against `max` (the message count, or the highest UID in use)
 * into sorted, disjoint, merged ranges.
 *
 * `*` is `max`; a range's ends may come in either order; everything is
 * clipped to `1…max`. So with UIDs 1–500, `559:*` is `500:559` and yields
 * `[[500, 500]]`, as RFC 3501 §6.4.8 requires ("always includes the UID of the
 * last message"). An empty mailbox (`max` 0) yields nothing.
 */
export function expandSequenceSet(set: readonly SeqItem[], max: number): NumberRange[] {
  const raw: [number, number][] = [];
  const resolve = (b: SeqBound) => (b === '*' ? max : b);
  for (const item of set) {
    let lo: number;
    let hi: number;
    if (isSeqRange(item)) {
      const a = resolve(item[0]);
      const b = resolve(item[1]);
      lo = Math.max(1, Math.min(a, b));
      hi = Math.min(max, Math.max(a, b));
    } else {
      lo = hi = resolve(item);
      lo = Math.max(lo, 1);
      hi = Math.min(hi, max);
    }
    if (lo <= hi) raw.push([lo, hi]);
  }
  raw.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Whether `n` lies in ranges from {@link expandSequenceSet} (binary search). */
export function rangesContain(ranges: readonly NumberRange[], n: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (n < r[0]) hi = mid - 1;
    else if (n > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Whether the set, expanded against `max`, contains `n`. */
export function sequenceSetContains(set: readonly SeqItem[], n: number, max: number): boolean {
  return rangesContain(expandSequenceSet(set, max), n);
}

/** How many numbers the ranges hold. */
export function rangesSize(ranges: readonly NumberRange[]): number {
  let total = 0;
  for (const [lo, hi] of ranges) total += hi - lo + 1;
  return total;
}

/** The numbers of the ranges in ascending order, lazily. */
export function* rangesValues(ranges: readonly NumberRange[]): Generator<number> {
  for (const [lo, hi] of ranges) for (let n = lo; n <= hi; n++) yield n;
}

/**
 * Whether every number written in the set is at most `max`. RFC 9051 §7.1.5:
 * a message sequence number above the message count deserves a `BAD`; UIDs
 * out of range are simply ignored, so servers call this for sequence numbers only.
 */
export function sequenceSetWithin(set: readonly SeqItem[], max: number): boolean {
  const okBound = (b: SeqBound) => b === '*' || b <= max;
  return set.every((item) => (isSeqRange(item) ? okBound(item[0]) && okBound(item[1]) : okBound(item)));
}

/**
 * Compresses numbers into a `sequence-set`, keeping their order and joining
 * ascending runs: `[3, 4, 5, 9, 1]` → `3:5,9,1`. Sorted input gives the
 * shortest form. Used for the UID sets of APPENDUID and COPYUID (RFC 4315 §3),
 * where the source and destination sets must correspond in order.
 */
export function formatNumberSet(numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    const start = numbers[i]!;
    let end = start;
    while (i + 1 < numbers.length && numbers[i + 1] === end + 1) end = numbers[++i]!;
    parts.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return parts.join(',');
}

/**
 * Lists the numbers of a set without `*` in written order, for reading the
 * UID sets of APPENDUID / COPYUID (`3:5,1` → `[3, 4, 5, 1]`; `5:3` → `[3, 4, 5]`).
 * Refuses `*`, `$` and sets larger than `limit` numbers.
 */
export function listSequenceSet(set: SequenceSet, limit = 1_000_000): Parsed<number[]> {
  if (set === '$') return fail("'$' has no numbers of its own");
  const out: number[] = [];
  for (const item of set) {
    const [a, b] = isSeqRange(item) ? item : [item, item];
    if (a === '*' || b === '*') return fail("A set with '*' has no definite numbers");
    if (out.length + Math.abs(b - a) + 1 > limit) return fail(`The set holds more than ${limit} numbers`);
    for (let n = Math.min(a, b); n <= Math.max(a, b); n++) out.push(n);
  }
  return ok(out);
}
