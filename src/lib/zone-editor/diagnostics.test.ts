import { describe, expect, it } from 'vitest';
import type { ZoneDiagnostic } from '../../../simulators/index.ts';
import {
  describeDiagnostic,
  MARKER_SEVERITY,
  quickFixesAt,
  summarizeDiagnostics,
  toMarkers,
} from './diagnostics.ts';

const PASS_ALL: ZoneDiagnostic = {
  severity: 'error',
  line: 4,
  column: 20,
  endColumn: 24,
  code: 'spf-pass-all',
  message: "'+all' gives pass to every host",
  fixes: [
    {
      title: 'Replace with ~all (softfail)',
      edits: [{ line: 4, column: 20, endLine: 4, endColumn: 24, text: '~all' }],
    },
    {
      title: 'Replace with -all (fail)',
      edits: [{ line: 4, column: 20, endLine: 4, endColumn: 24, text: '-all' }],
    },
  ],
};
const VOID: ZoneDiagnostic = {
  severity: 'warning',
  line: 4,
  column: 8,
  endColumn: 8,
  code: 'spf-void-lookup',
  message: 'a void lookup',
};

describe('zone editor diagnostics', () => {
  it('become Monaco markers, an empty range widened to one character', () => {
    expect(toMarkers([PASS_ALL, VOID])).toEqual([
      {
        severity: MARKER_SEVERITY.error,
        message: PASS_ALL.message,
        code: 'spf-pass-all',
        source: 'mailroom',
        startLineNumber: 4,
        startColumn: 20,
        endLineNumber: 4,
        endColumn: 24,
      },
      {
        severity: MARKER_SEVERITY.warning,
        message: 'a void lookup',
        code: 'spf-void-lookup',
        source: 'mailroom',
        startLineNumber: 4,
        startColumn: 8,
        endLineNumber: 4,
        endColumn: 9,
      },
    ]);
    expect(MARKER_SEVERITY).toEqual({ error: 8, warning: 4 });
  });

  it('read as lines of text and a summary', () => {
    expect(describeDiagnostic(PASS_ALL)).toBe(
      "Line 4, column 20: error: '+all' gives pass to every host [spf-pass-all]",
    );
    expect(summarizeDiagnostics([])).toBe('No problems');
    expect(summarizeDiagnostics([PASS_ALL])).toBe('1 error');
    expect(summarizeDiagnostics([PASS_ALL, PASS_ALL, VOID])).toBe('2 errors and 1 warning');
    expect(summarizeDiagnostics([VOID, VOID])).toBe('2 warnings');
  });

  it('offer the fixes of the diagnostics under the caret or selection, the first preferred', () => {
    const caret = (column: number) => ({ startLine: 4, startColumn: column, endLine: 4, endColumn: column });
    expect(quickFixesAt([VOID, PASS_ALL], caret(22)).map((f) => [f.title, f.preferred])).toEqual([
      ['Replace with ~all (softfail)', true],
      ['Replace with -all (fail)', false],
    ]);
    expect(quickFixesAt([PASS_ALL], caret(24))).toHaveLength(2);
    expect(quickFixesAt([PASS_ALL], caret(26))).toEqual([]);
    expect(quickFixesAt([PASS_ALL], { startLine: 1, startColumn: 1, endLine: 9, endColumn: 1 })).toHaveLength(
      2,
    );
    expect(quickFixesAt([PASS_ALL], { startLine: 5, startColumn: 1, endLine: 6, endColumn: 1 })).toEqual([]);
  });
});
