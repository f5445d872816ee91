/**
 * Checks that look at a zone as a whole, after every record has parsed: the
 * mistakes a postmaster wants pointed out before the zone goes live. These
 * are the editor's live diagnostics. Only breaches of a DNS rule are errors;
 * data that DNS serves fine but mail will trip over (an MX on an alias) is a
 * warning, because a lesson may break it on purpose and the zone must still
 * load. The mail records themselves (SPF, DMARC, DKIM) are checked by
 * auth/record-lint.ts.
 */
import type { ResourceRecord } from './records.ts';
import type { ZoneDiagnostic, ZoneFix } from './zone-file.ts';
import { diagnostic, type ZoneToken } from './zone-lexer.ts';

/** A place on one line of the zone file. */
export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

/** A parsed record with where its parts were written. */
export interface LocatedRecord {
  readonly rr: ResourceRecord;
  /** The owner token, or the line's first token when the owner was inherited. */
  readonly owner: Span;
  readonly type: Span;
  /** The token carrying the record's value: the MX exchange, the first TXT string, the address, … */
  readonly data: Span;
  /** A TXT record's character-strings as written, in order, so a problem inside the text can be placed. */
  readonly strings?: readonly ZoneToken[];
  /** The lines of the entry: a parenthesised record spans several, and nothing else shares them. */
  readonly firstLine: number;
  readonly lastLine: number;
}

function isAtOrBelow(name: string, origin: string): boolean {
  return origin === '' || name === origin || name.endsWith(`.${origin}`);
}

/** Identity of a record's data, TTL aside (RFC 2181 §5: an RRset holds no duplicates). */
function dataKey(rr: ResourceRecord): string {
  return JSON.stringify({ ...rr, ttl: 0 });
}

/**
 * The fix that deletes a record: every line of its entry, which it shares
 * with nothing but comments (an entry starts at the start of a line and ends
 * at the end of one).
 */
export function removeRecordFix(record: LocatedRecord, title: string): ZoneFix {
  return {
    title,
    edits: [{ line: record.firstLine, column: 1, endLine: record.lastLine + 1, endColumn: 1, text: '' }],
  };
}

/** Runs every zone-wide check; `origin` is the zone's origin ('' when unknown). */
export function lintZone(records: readonly LocatedRecord[], origin: string): ZoneDiagnostic[] {
  const out: ZoneDiagnostic[] = [];
  const warn = (at: Span, code: string, message: string): void => {
    out.push(diagnostic(at.line, at.column, at.endColumn, code, message, 'warning'));
  };
  const error = (at: Span, code: string, message: string): void => {
    out.push(diagnostic(at.line, at.column, at.endColumn, code, message, 'error'));
  };

  const soas = records.filter((r) => r.rr.type === 'SOA');
  const first = records[0];
  if (soas.length === 0 && first !== undefined) {
    warn(
      first.owner,
      'missing-soa',
      'this zone has no SOA record: a real server would not load it (RFC 1035 §5.2); the simulator serves it anyway',
    );
  }
  for (const extra of soas.slice(1)) {
    warn(extra.type, 'multiple-soa', 'a zone has exactly one SOA record, at its top (RFC 1035 §5.2)');
  }

  const byName = new Map<string, LocatedRecord[]>();
  for (const r of records) {
    const list = byName.get(r.rr.name);
    if (list) list.push(r);
    else byName.set(r.rr.name, [r]);
    if (origin !== '' && !isAtOrBelow(r.rr.name, origin)) {
      warn(
        r.owner,
        'out-of-zone',
        `'${r.rr.name}' is outside the zone ${origin}: loading the zone ignores it, as BIND ignores out-of-zone data`,
      );
    }
  }

  for (const [name, list] of byName) {
    // RFC 1034 §3.6.2 and RFC 2181 §10.1: an alias has no other data, and only one CNAME.
    const cnames = list.filter((r) => r.rr.type === 'CNAME');
    const others = [...new Set(list.filter((r) => r.rr.type !== 'CNAME').map((r) => r.rr.type))];
    if (cnames.length > 0 && others.length > 0) {
      for (const c of cnames) {
        error(
          c.type,
          'cname-and-other-data',
          `'${name}' has a CNAME and also ${others.join(', ')} data: a name with a CNAME can have no other records (RFC 1034 §3.6.2)`,
        );
      }
    }
    for (const c of cnames.slice(1)) {
      error(
        c.type,
        'multiple-cname',
        `'${name}' already has a CNAME: a name is an alias of one name only (RFC 2181 §10.1)`,
      );
    }

    const seen = new Map<string, LocatedRecord>();
    const ttlByType = new Map<string, LocatedRecord>();
    for (const r of list) {
      const key = dataKey(r.rr);
      const twin = seen.get(key);
      if (twin !== undefined) {
        out.push({
          ...diagnostic(
            r.type.line,
            r.type.column,
            r.type.endColumn,
            'duplicate-record',
            `the same record is on line ${twin.type.line}: servers keep one copy (RFC 2181 §5)`,
            'warning',
          ),
          fixes: [removeRecordFix(r, 'Remove the duplicate record')],
        });
      } else seen.set(key, r);
      const sibling = ttlByType.get(r.rr.type);
      if (sibling === undefined) ttlByType.set(r.rr.type, r);
      else if (sibling.rr.ttl !== r.rr.ttl) {
        warn(
          r.type,
          'ttl-mismatch',
          `the ${r.rr.type} records of '${name}' have different TTLs (${sibling.rr.ttl} on line ${sibling.type.line}, ${r.rr.ttl} here); records of one set share one TTL (RFC 2181 §5.2)`,
        );
      }
    }
  }

  // RFC 2181 §10.3: MX and NS data name a host, never an alias.
  for (const r of records) {
    const target = r.rr.type === 'MX' ? r.rr.exchange : r.rr.type === 'NS' ? r.rr.host : undefined;
    if (target === undefined) continue;
    if (byName.get(target)?.some((t) => t.rr.type === 'CNAME')) {
      warn(
        r.data,
        'target-is-cname',
        `'${target}' is a CNAME: ${r.rr.type} must name the host itself, not an alias (RFC 2181 §10.3)`,
      );
    }
  }
  return out;
}
