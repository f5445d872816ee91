/**
 * The engine's zone diagnostics as the editor shows them: Monaco markers
 * (squiggles, the overview ruler, F8), the text list under the editor that
 * screen readers and tests read, a one-line summary, and the quick fixes
 * that apply at a place. Pure data in, plain objects out; the Monaco glue
 * only copies them into Monaco's types.
 */
import type { ZoneDiagnostic, ZoneEdit } from '../../../simulators/index.ts';

/** Monaco's `MarkerSeverity` values (monaco.MarkerSeverity.Error / .Warning). */
export const MARKER_SEVERITY = { error: 8, warning: 4 } as const;

/** The owner Monaco files the markers under. */
export const MARKER_OWNER = 'mailroom';

/** The shape of Monaco's `IMarkerData`, as far as the editor fills it. */
export interface MarkerData {
  readonly severity: (typeof MARKER_SEVERITY)[keyof typeof MARKER_SEVERITY];
  readonly message: string;
  readonly code: string;
  readonly source: string;
  readonly startLineNumber: number;
  readonly startColumn: number;
  readonly endLineNumber: number;
  readonly endColumn: number;
}

/** One marker per diagnostic, on the characters it is about. */
export function toMarkers(diagnostics: readonly ZoneDiagnostic[]): MarkerData[] {
  return diagnostics.map((d) => ({
    severity: MARKER_SEVERITY[d.severity],
    message: d.message,
    code: d.code,
    source: MARKER_OWNER,
    startLineNumber: d.line,
    startColumn: d.column,
    endLineNumber: d.line,
    endColumn: Math.max(d.endColumn, d.column + 1),
  }));
}

/** A diagnostic as one line of the list: `Line 8, column 15: error: … [spf-pass-all]`. */
export function describeDiagnostic(d: ZoneDiagnostic): string {
  return `Line ${d.line}, column ${d.column}: ${d.severity}: ${d.message} [${d.code}]`;
}

/** "No problems", "1 error", "2 errors and 1 warning". */
export function summarizeDiagnostics(diagnostics: readonly ZoneDiagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts = [
    ...(errors > 0 ? [`${errors} ${errors === 1 ? 'error' : 'errors'}`] : []),
    ...(warnings > 0 ? [`${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`] : []),
  ];
  return parts.length === 0 ? 'No problems' : parts.join(' and ');
}

/** A place in the text: 1-based, end exclusive. */
export interface TextRange {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A fix offered at a place: what it is called, the diagnostic it fixes, its edits. */
export interface QuickFix {
  readonly title: string;
  readonly diagnostic: ZoneDiagnostic;
  readonly edits: readonly ZoneEdit[];
  /** The first fix of each diagnostic is the one Monaco applies with "Auto Fix". */
  readonly preferred: boolean;
}

function touches(d: ZoneDiagnostic, r: TextRange): boolean {
  if (d.line < r.startLine || d.line > r.endLine) return false;
  const from = d.line === r.startLine ? r.startColumn : 1;
  const to = d.line === r.endLine ? r.endColumn : Number.POSITIVE_INFINITY;
  // A caret (an empty range) just after the diagnostic still touches it.
  return d.column <= to && from <= Math.max(d.endColumn, d.column + 1);
}

/** The fixes of the diagnostics that touch `range`, in diagnostic order. */
export function quickFixesAt(diagnostics: readonly ZoneDiagnostic[], range: TextRange): QuickFix[] {
  return diagnostics
    .filter((d) => touches(d, range))
    .flatMap((d) =>
      (d.fixes ?? []).map((f, i) => ({ title: f.title, diagnostic: d, edits: f.edits, preferred: i === 0 })),
    );
}
