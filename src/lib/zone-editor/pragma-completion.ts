/**
 * Completion of the fault pragmas, so a learner can make the DNS fail on
 * purpose without remembering the syntax: `;@timeout NAME [TYPE ...]` and
 * `;@servfail NAME [TYPE ...]` (simulators/dns/zone-file.ts). Once a line starts
 * with `;`, the two pragmas are offered as snippets; after the keyword,
 * the zone's names (absolute, as pragmas need them); after the name, the
 * record types the simulated DNS serves.
 */
import { RR_TYPES } from '../../../simulators/index.ts';
import { PRAGMAS } from './record-docs.ts';

/** A suggestion, replacing columns `[startColumn, endColumn)` of the line (1-based). */
export interface Completion {
  readonly label: string;
  readonly kind: 'snippet' | 'name' | 'type';
  /** Monaco snippet syntax when `kind` is `snippet` (`${1:name}` placeholders), else plain text. */
  readonly insertText: string;
  readonly detail: string;
  readonly documentation?: string;
  readonly startColumn: number;
  readonly endColumn: number;
}

/** The characters that open the suggestion list by themselves. */
export const TRIGGER_CHARACTERS = [';', '@', ' '];

/**
 * Suggestions for a cursor after `before` (the line's text up to the
 * cursor) in a zone whose names are `names` (absolute, without the dot).
 */
export function pragmaCompletions(before: string, names: readonly string[]): Completion[] {
  const end = before.length + 1;
  const opening = /^([ \t]*);@?[A-Za-z]*$/.exec(before);
  if (opening !== null) {
    const start = opening[1]!.length + 1;
    return (['timeout', 'servfail'] as const).map((kind) => ({
      label: `;@${kind}`,
      kind: 'snippet',
      insertText: `;@${kind} \${1:${names[0] ?? 'example.com'}.} \${2:TXT}`,
      detail:
        kind === 'timeout' ? 'make the DNS time out for a name' : 'make the DNS answer SERVFAIL for a name',
      documentation: PRAGMAS[kind]!.text,
      startColumn: start,
      endColumn: end,
    }));
  }
  const pragma = /^[ \t]*;@(timeout|servfail)[ \t]+(\S*)$/i.exec(before);
  if (pragma !== null) {
    const typed = pragma[2]!;
    return [...new Set(names)].map((name) => ({
      label: `${name}.`,
      kind: 'name',
      insertText: `${name}. `,
      detail: `queries for ${name} fail`,
      startColumn: end - typed.length,
      endColumn: end,
    }));
  }
  const types = /^[ \t]*;@(?:timeout|servfail)[ \t]+\S+[ \t]+(?:\S+[ \t]+)*(\S*)$/i.exec(before);
  if (types !== null) {
    const typed = types[1]!;
    return RR_TYPES.map((type) => ({
      label: type,
      kind: 'type',
      insertText: type,
      detail: `only ${type} queries fail`,
      startColumn: end - typed.length,
      endColumn: end,
    }));
  }
  return [];
}
