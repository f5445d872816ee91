/**
 * BIND master files (RFC 1035 §5, with RFC 2308 §4 `$TTL`): parse a zone into
 * records plus diagnostics, and format a record back as one master-file line.
 *
 * Theory of operation: {@link lexZone} turns the text into entries of
 * positioned tokens; {@link ZoneBuilder} (zone-builder.ts) reads each entry
 * as a directive or a record, keeping the RFC 1035 §5.1 state (current
 * origin, previous owner, default TTL); {@link lintZone} then checks the
 * records as a whole. A bad
 * entry yields a diagnostic and is skipped; parsing never throws, because the
 * zone editor parses on every keystroke.
 *
 * Choices a postmaster might ask about:
 * - SIMPLIFICATION: an escaped dot inside a label (`a\.b`, `\046`) is an
 *   error (`escaped-dot`). Names are stored as dotted strings, so such a label
 *   could not be told apart from two labels. This includes RFC 1035 §8's
 *   `john\.doe.example.com.` form of an SOA mailbox.
 * - TTLs accept BIND's units (`1w2d3h4m5s`, any case, each number with its
 *   unit) as well as plain seconds; so do the SOA timers. The serial is a
 *   plain number.
 * - Only class IN is served; any other class is an error.
 * - TXT strings and names hold text: their octets are read as UTF-8.
 * - Columns count UTF-16 code units, as the editor does.
 */
import { RR_TYPES, type RRType, type ResourceRecord } from './records.ts';
import { diagnostic, lexZone } from './zone-lexer.ts';
import { ZoneBuilder, normaliseName } from './zone-builder.ts';
import { lintZone, type LocatedRecord } from './zone-lint.ts';

export { normaliseName, parseTtl } from './zone-builder.ts';

/**
 * A problem found in a zone, positioned for the editor. `code` is stable
 * (`bad-ttl`, `unknown-type`, `txt-too-long`, `cname-and-other-data`, …) so
 * lessons and tests can refer to it; `message` is written for a learner.
 */
export interface ZoneDiagnostic {
  readonly severity: 'error' | 'warning';
  /** 1-based line. */
  readonly line: number;
  /** 1-based column of the first character concerned. */
  readonly column: number;
  /** 1-based column just after the last character concerned. */
  readonly endColumn: number;
  readonly code: string;
  readonly message: string;
  /** Changes that fix the problem, when one is obvious (the editor offers them as quick fixes). */
  readonly fixes?: readonly ZoneFix[];
}

/**
 * A replacement of the text between two places of a zone (1-based; the end
 * column is exclusive; a line past the last one stands for the end of the text).
 */
export interface ZoneEdit {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly text: string;
}

/** One way to fix a {@link ZoneDiagnostic}: a title for the learner and the edits it makes. */
export interface ZoneFix {
  readonly title: string;
  readonly edits: readonly ZoneEdit[];
}

/** The result of {@link parseZone}. */
export interface ParsedZone {
  /**
   * The zone's origin: the `origin` option, else the first `$ORIGIN`, else the
   * owner of the first SOA, else '' when none is known.
   */
  readonly origin: string;
  /** The records that parsed, in file order. */
  readonly records: ResourceRecord[];
  readonly diagnostics: ZoneDiagnostic[];
  /**
   * The DNS faults the file asks for in `;@timeout` / `;@servfail` pragmas,
   * in file order; absent when it has none, so a zone without pragmas parses
   * to the same object as before pragmas existed.
   */
  readonly faults?: ZoneFault[];
}

/**
 * A DNS fault written into a zone file as a comment pragma, so the file stays
 * valid for BIND and other tools (they see a comment):
 *
 *     ;@timeout NAME [TYPE ...]    every query for NAME (or only these types) times out
 *     ;@servfail NAME [TYPE ...]   … is answered SERVFAIL
 *
 * NAME is absolute whether or not it ends in a dot: `$ORIGIN` does not apply,
 * and `@` is not allowed. The pragma must open its line (blanks may come
 * first); anything after a further `;` is a comment. A comment such as
 * `;@ is the apex` (no word right after `;@`) is not a pragma.
 */
export interface ZoneFault {
  readonly kind: 'timeout' | 'servfail';
  /** Lower-case, without the trailing dot, as records store names. */
  readonly name: string;
  /** Only these types fail; absent when every type does. */
  readonly types?: RRType[];
  /** 1-based line of the pragma. */
  readonly line: number;
}

/** Options of {@link parseZone}. */
export interface ParseZoneOptions {
  /** The origin before any `$ORIGIN` (BIND takes it from the zone statement). */
  readonly origin?: string;
  /** The TTL before any `$TTL` line, in seconds. */
  readonly defaultTtl?: number;
}

/**
 * Parses a BIND master file. Never throws: every problem becomes a
 * {@link ZoneDiagnostic}, the entry it is in is skipped, and parsing goes on
 * with the next entry.
 */
export function parseZone(text: string, options: ParseZoneOptions = {}): ParsedZone {
  const { located: _located, ...zone } = parseZoneLocated(text, options);
  return zone;
}

/** A parsed zone that also knows where each record was written (what the record checks need). */
export interface LocatedZone extends ParsedZone {
  /** The records with the places of their parts, in file order (the same records as `records`). */
  readonly located: readonly LocatedRecord[];
}

/** {@link parseZone}, keeping each record's place in the text. Never throws. */
export function parseZoneLocated(text: string, options: ParseZoneOptions = {}): LocatedZone {
  const lexed = lexZone(text);
  const builder = new ZoneBuilder(options);
  for (const entry of lexed.entries) builder.entry(entry);
  const origin = builder.zoneOrigin ?? builder.records.find((r) => r.rr.type === 'SOA')?.rr.name ?? '';
  const pragmas = readPragmas(text);
  const diagnostics = [
    ...lexed.diagnostics,
    ...builder.diagnostics,
    ...lintZone(builder.records, origin),
    ...pragmas.diagnostics,
  ];
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const records = builder.records.map((r) => r.rr);
  return {
    origin,
    records,
    diagnostics,
    ...(pragmas.faults.length > 0 ? { faults: pragmas.faults } : {}),
    located: builder.records,
  };
}

const FAULT_KINDS: readonly ZoneFault['kind'][] = ['timeout', 'servfail'];

/**
 * Finds the `;@kind NAME [TYPE ...]` pragmas of a zone (see {@link ZoneFault}).
 * A line is looked at on its own: a pragma is a comment, so it may even sit
 * inside a parenthesised record. Words are split at blanks; pragmas hold no
 * quotes or escapes.
 */
function readPragmas(text: string): { faults: ZoneFault[]; diagnostics: ZoneDiagnostic[] } {
  const faults: ZoneFault[] = [];
  const diagnostics: ZoneDiagnostic[] = [];
  // As lexZone does: a byte-order mark is not part of the first line, and '\r' is a blank.
  const lines = (text.startsWith('\ufeff') ? text.slice(1) : text).split('\n');
  for (const [index, src] of lines.entries()) {
    const line = index + 1;
    const start = /^[ \t\r]*;@(?=[A-Za-z])/.exec(src);
    if (start === null) continue;
    const end = src.indexOf(';', start[0].length);
    const body = end < 0 ? src : src.slice(0, end);
    const words = [...body.slice(start[0].length).matchAll(/[^ \t\r]+/g)].map((m) => ({
      text: m[0],
      column: start[0].length + m.index + 1,
    }));
    const [kindWord, nameWord, ...typeWords] = words;
    if (kindWord === undefined) continue;
    const kind = FAULT_KINDS.find((k) => k === kindWord.text.toLowerCase());
    const span = (w: { text: string; column: number }) => [w.column, w.column + w.text.length] as const;
    if (kind === undefined) {
      diagnostics.push(
        diagnostic(
          line,
          kindWord.column - 2,
          span(kindWord)[1],
          'unknown-pragma',
          `';@${kindWord.text}' is not a pragma Mailroom knows (;@timeout or ;@servfail), so this line is only a comment`,
          'warning',
        ),
      );
      continue;
    }
    if (nameWord === undefined) {
      diagnostics.push(
        diagnostic(
          line,
          kindWord.column - 2,
          span(kindWord)[1],
          'pragma-missing-name',
          `;@${kind} needs the name to break, e.g. ';@${kind} example.com. TXT'`,
        ),
      );
      continue;
    }
    const name = nameWord.text === '@' ? undefined : normaliseName(nameWord.text);
    if (name === undefined) {
      diagnostics.push(
        diagnostic(
          line,
          ...span(nameWord),
          'pragma-bad-name',
          nameWord.text === '@'
            ? "a pragma's name is absolute: '@' and $ORIGIN do not apply, write the full name"
            : `'${nameWord.text}' is not a domain name`,
        ),
      );
      continue;
    }
    const types: RRType[] = [];
    let bad = false;
    for (const word of typeWords) {
      const type = RR_TYPES.find((t) => t === word.text.toUpperCase());
      if (type === undefined) {
        bad = true;
        diagnostics.push(
          diagnostic(
            line,
            ...span(word),
            'pragma-unknown-type',
            `'${word.text}' is not a type the simulated DNS serves (${RR_TYPES.join(', ')})`,
          ),
        );
      } else if (!types.includes(type)) types.push(type);
    }
    if (bad) continue;
    faults.push({ kind, name, ...(types.length > 0 ? { types } : {}), line });
  }
  return { faults, diagnostics };
}

/** A fault as the pragma line that asks for it, e.g. `;@timeout example.com. TXT`. */
export function formatFault(fault: Pick<ZoneFault, 'kind' | 'name' | 'types'>): string {
  return [`;@${fault.kind}`, formatName(fault.name), ...(fault.types ?? [])].join(' ');
}

// RFC 1035 §5.1: these characters mean something in a master file, so a name or string that holds them escapes them.
const NAME_SPECIALS = new Set(['.', ';', '(', ')', '"', '\\', '@', '$']);
const STRING_SPECIALS = new Set(['"', '\\']);

/** Escapes one character for a master file; a space ends a token in a name but not inside quotes. */
function escapeChar(ch: string, inName: boolean): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f || (cp === 0x20 && inName)) return `\\${String(cp).padStart(3, '0')}`;
  return (inName ? NAME_SPECIALS : STRING_SPECIALS).has(ch) ? `\\${ch}` : ch;
}

/** An absolute name in master-file form: escaped where needed, with the trailing dot; the root is `.`. */
export function formatName(name: string): string {
  if (name === '') return '.';
  let out = '';
  for (const label of name.split('.')) {
    for (const ch of label) out += escapeChar(ch, true);
    out += '.';
  }
  return out;
}

/** A TXT character-string, quoted, with `"`, `\` and control characters escaped. */
export function formatString(text: string): string {
  let out = '"';
  for (const ch of text) out += escapeChar(ch, false);
  return `${out}"`;
}

/**
 * One master-file line for a record, with absolute names, so that
 * `parseZone(formatRecord(rr)).records` is `[rr]`. A TXT string longer than
 * 255 octets is written as it is and will not parse back: splitting it would
 * change the record.
 */
export function formatRecord(rr: ResourceRecord): string {
  const head = `${formatName(rr.name)} ${rr.ttl} IN ${rr.type}`;
  switch (rr.type) {
    case 'A':
    case 'AAAA':
      return `${head} ${rr.address}`;
    case 'MX':
      return `${head} ${rr.preference} ${formatName(rr.exchange)}`;
    case 'TXT':
      return `${head} ${rr.strings.map(formatString).join(' ')}`;
    case 'CNAME':
    case 'PTR':
      return `${head} ${formatName(rr.target)}`;
    case 'NS':
      return `${head} ${formatName(rr.host)}`;
    case 'SOA':
      return `${head} ${formatName(rr.mname)} ${formatName(rr.rname)} ${rr.serial} ${rr.refresh} ${rr.retry} ${rr.expire} ${rr.minimum}`;
  }
}
