/**
 * The record checks of a zone: SPF, DMARC and DKIM records looked at the way
 * the checkers postmasters use look at them, with the engine's own parsers
 * and evaluation rules, and every problem placed at the exact characters of
 * the zone file it is about. The zone editor shows them as it is typed in,
 * and `mailroom check-zone` prints them.
 *
 * Theory of operation: the zone is parsed with its places kept
 * ({@link parseZoneLocated}); each TXT record is read as SPF (it starts with
 * `v=spf1`), DMARC (it sits at `_dmarc.<domain>` or starts with
 * `v=DMARC1`) or a DKIM key (it sits at `<selector>._domainkey.<domain>`
 * or starts with `v=DKIM1`), and handed to that protocol's checks
 * (spf/lint.ts, dmarc/lint.ts, dkim/lint.ts), which answer in positions of
 * the record's joined text; {@link txtSpan} turns those into zone columns.
 * The checks look up other names (includes, report destinations) in this
 * zone and the other zones given, never elsewhere.
 *
 * Codes: `multiple-spf`, `multiple-dmarc`, `spf-syntax`, `spf-pass-all`,
 * `spf-neutral-all`, `spf-after-all`, `spf-redirect-ignored`, `spf-ptr`,
 * `spf-too-many-lookups`, `spf-void-lookup`, `spf-too-many-void-lookups`,
 * `spf-mx-too-many`, `spf-include-loop`, `spf-include-none`,
 * `spf-include-many`, `spf-include-syntax`, `dmarc-syntax`,
 * `dmarc-misplaced`, `dmarc-no-policy`, `dmarc-bad-policy`,
 * `dmarc-bad-tag`, `dmarc-unknown-tag`, `dmarc-obsolete-tag`,
 * `dmarc-duplicate-tag`, `dmarc-bad-value`, `dmarc-tag-order`,
 * `dmarc-bad-uri`, `dmarc-report-unauthorized`, `dmarc-report-unverified`,
 * `dkim-misplaced`, `dkim-key-invalid`, `dkim-key-too-short`,
 * `dkim-key-revoked`, `dkim-key-warning`, `dkim-key-testing`.
 */
import { txtSpan, txtText } from '../dns/txt-span.ts';
import {
  parseZoneLocated,
  type LocatedZone,
  type ParseZoneOptions,
  type ParsedZone,
  type ZoneDiagnostic,
  type ZoneEdit,
  type ZoneFix,
} from '../dns/zone-file.ts';
import { removeRecordFix, type LocatedRecord } from '../dns/zone-lint.ts';
import { lintDkimRecord } from './dkim/lint.ts';
import { DMARC_PREFIX, lintDmarcRecord } from './dmarc/lint.ts';
import { isDmarcRecord, type DmarcMode } from './dmarc/record.ts';
import {
  knownDns,
  type KnownDns,
  type RecordFix,
  type RecordProblem,
  type ZoneRecords,
} from './lint-support.ts';
import { lintSpfRecord } from './spf/lint.ts';
import { recordKind } from './record-kind.ts';
import { outlineRecords, type RecordTerm } from './record-outline.ts';

export type { ZoneRecords } from './lint-support.ts';
export { recordKind, type RecordKind } from './record-kind.ts';

/** Options of {@link lintRecords}. */
export interface RecordLintOptions {
  /** The world's other zones: includes, redirects and report destinations that lead there are followed. */
  readonly otherZones?: readonly ZoneRecords[];
  /** The DMARC specification receivers follow (default `rfc9989`, the engine's default). */
  readonly dmarcMode?: DmarcMode;
}

/** Escapes text going inside a quoted TXT string (RFC 1035 §5.1). */
function quoted(text: string): string {
  return text.replace(/["\\]/g, (c) => `\\${c}`);
}

function zoneFix(record: LocatedRecord, fix: RecordFix): ZoneFix {
  if ('removeRecord' in fix) return removeRecordFix(record, fix.title);
  const edits = fix.replace.map((r): ZoneEdit => {
    const at = txtSpan(record, r.start, r.end);
    return {
      line: at.line,
      column: at.column,
      endLine: at.line,
      endColumn: at.endColumn,
      text: quoted(r.text),
    };
  });
  return { title: fix.title, edits };
}

function toDiagnostic(record: LocatedRecord, p: RecordProblem): ZoneDiagnostic {
  const at = txtSpan(record, p.start, p.end);
  return {
    severity: p.severity,
    line: at.line,
    column: at.column,
    // An empty range would not show: underline one character at least.
    endColumn: Math.max(at.endColumn, at.column + 1),
    code: p.code,
    message: p.message,
    ...(p.fixes === undefined ? {} : { fixes: p.fixes.map((f) => zoneFix(record, f)) }),
  };
}

/** The whole of a record's text, for problems about the record as such. */
function wholeRecord(record: LocatedRecord): { start: number; end: number } {
  return { start: 0, end: txtText(record).length };
}

/** `multiple-spf` / `multiple-dmarc`: a name publishing two records of one kind (RFC 7208 §4.5, RFC 7489 §6.6.3). */
function duplicates(records: readonly LocatedRecord[], kind: 'spf' | 'dmarc'): ZoneDiagnostic[] {
  const first = records[0];
  if (first === undefined) return [];
  const name = first.rr.name;
  const why =
    kind === 'spf'
      ? 'with two, every SPF check of the name ends in permerror (RFC 7208 §4.5); merge them into one'
      : `with two, receivers find no DMARC policy for ${name.slice(DMARC_PREFIX.length)} (RFC 7489 §6.6.3, RFC 9989 §4.10)`;
  return records.slice(1).map((r) =>
    toDiagnostic(r, {
      severity: 'error',
      code: `multiple-${kind}`,
      message: `'${name}' already has ${kind === 'spf' ? 'an SPF' : 'a DMARC'} record (line ${first.firstLine}): ${why}`,
      ...wholeRecord(r),
      fixes: [{ title: 'Remove this record', removeRecord: true }],
    }),
  );
}

/** Checks the SPF, DMARC and DKIM records of a parsed zone; never throws. */
export function lintRecords(zone: LocatedZone, options: RecordLintOptions = {}): ZoneDiagnostic[] {
  const others = (options.otherZones ?? []).filter((z) => z.origin !== zone.origin);
  const dns: KnownDns = knownDns([{ origin: zone.origin, records: zone.records }, ...others]);
  const mode = options.dmarcMode ?? 'rfc9989';
  const out: ZoneDiagnostic[] = [];
  const byName = new Map<string, { spf: LocatedRecord[]; dmarc: LocatedRecord[]; strays: LocatedRecord[] }>();
  const group = (name: string) => {
    let g = byName.get(name);
    if (g === undefined) byName.set(name, (g = { spf: [], dmarc: [], strays: [] }));
    return g;
  };
  for (const record of zone.located) {
    if (record.rr.type !== 'TXT') continue;
    const text = txtText(record);
    const owner = record.rr.name;
    const kind = recordKind(text, owner);
    let problems: RecordProblem[] = [];
    if (kind === 'spf') {
      group(owner).spf.push(record);
      problems = lintSpfRecord(text, owner, dns);
    } else if (kind === 'dmarc' && owner.startsWith(DMARC_PREFIX) && !isDmarcRecord(text)) {
      // Discovery discards it (and says so only if it looks like an attempt at one, `v=…`).
      if (/^\s*v\s*=/i.test(text)) group(owner).strays.push(record);
    } else if (kind === 'dmarc') {
      if (owner.startsWith(DMARC_PREFIX)) group(owner).dmarc.push(record);
      problems = lintDmarcRecord(text, owner, dns, mode);
    } else if (kind === 'dkim') {
      problems = lintDkimRecord(text, owner);
    }
    for (const p of problems) out.push(toDiagnostic(record, p));
  }
  for (const { spf, dmarc, strays } of byName.values()) {
    out.push(...duplicates(spf, 'spf'), ...duplicates(dmarc, 'dmarc'));
    // A broken record beside a valid one is ignored by discovery; alone, it leaves the domain without policy.
    for (const stray of dmarc.length === 0 ? strays : []) {
      for (const p of lintDmarcRecord(txtText(stray), stray.rr.name, dns, mode))
        out.push(toDiagnostic(stray, p));
    }
  }
  return out;
}

/** Options of {@link checkZone}. */
export interface CheckZoneOptions extends ParseZoneOptions {
  /** The world's other zones, as text, for the record checks to follow names into. */
  readonly otherZones?: readonly { readonly origin: string; readonly text: string }[];
  readonly dmarcMode?: DmarcMode;
}

/** Everything the editor shows about a zone's text. */
export interface ZoneCheck {
  readonly zone: ParsedZone;
  /** The zone-file diagnostics and the record checks together, in file order. */
  readonly diagnostics: readonly ZoneDiagnostic[];
  /** The terms of its SPF, DMARC and DKIM records, with their places (hovers). */
  readonly terms: readonly RecordTerm[];
}

/**
 * Parses a zone and checks it whole: the master-file rules of dns/ and the
 * record checks above. Never throws: the editor calls it as the text changes.
 */
export function checkZone(text: string, options: CheckZoneOptions = {}): ZoneCheck {
  const { otherZones = [], dmarcMode, ...parseOptions } = options;
  const located = parseZoneLocated(text, parseOptions);
  const others = otherZones.map((z) => {
    const parsed = parseZoneLocated(z.text, { origin: z.origin });
    return { origin: parsed.origin, records: parsed.records };
  });
  const records = lintRecords(located, { otherZones: others, ...(dmarcMode ? { dmarcMode } : {}) });
  const diagnostics = [...located.diagnostics, ...records].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
  const { located: _located, ...zone } = located;
  return { zone, diagnostics, terms: outlineRecords(located) };
}
