import { describe, expect, it } from 'vitest';
import { RR_TYPES } from '../../../simulators/index.ts';
import { pragmaCompletions } from './pragma-completion.ts';

const NAMES = ['example.com', '_spf.example.com'];

describe('pragma completion', () => {
  it('offers both pragmas as snippets once a line starts with ;', () => {
    expect(
      pragmaCompletions('  ;', NAMES).map((c) => [c.label, c.insertText, c.startColumn, c.endColumn]),
    ).toEqual([
      [';@timeout', ';@timeout ${1:example.com.} ${2:TXT}', 3, 4],
      [';@servfail', ';@servfail ${1:example.com.} ${2:TXT}', 3, 4],
    ]);
    expect(pragmaCompletions(';@ti', NAMES)).toHaveLength(2);
  });

  it('offers the zone’s names, absolute, after the keyword', () => {
    expect(
      pragmaCompletions(';@servfail _s', NAMES).map((c) => [
        c.label,
        c.insertText,
        c.startColumn,
        c.endColumn,
      ]),
    ).toEqual([
      ['example.com.', 'example.com. ', 12, 14],
      ['_spf.example.com.', '_spf.example.com. ', 12, 14],
    ]);
  });

  it('offers the record types after the name, and after each type', () => {
    expect(pragmaCompletions(';@timeout example.com. ', NAMES).map((c) => c.label)).toEqual([...RR_TYPES]);
    const after = pragmaCompletions(';@timeout example.com. TXT M', NAMES);
    expect(after.map((c) => c.label)).toEqual([...RR_TYPES]);
    expect([after[0]!.startColumn, after[0]!.endColumn]).toEqual([28, 29]);
  });

  it('offers nothing on records, in other comments or on an empty line', () => {
    expect(pragmaCompletions('@ IN TXT "v=spf1', NAMES)).toEqual([]);
    expect(pragmaCompletions('; serial ', NAMES)).toEqual([]);
    expect(pragmaCompletions('', NAMES)).toEqual([]);
    expect(pragmaCompletions('    ', NAMES)).toEqual([]);
  });
});
