import { describe, expect, it } from 'vitest';
import {
  applyInput,
  commit,
  EMPTY_EDITOR,
  HISTORY_LIMIT,
  historyDown,
  historyUp,
  renderLine,
  setText,
  type EditorState,
} from './line-editor.ts';

/** Types `data` into a fresh or given editor. */
function type(data: string, state: EditorState = EMPTY_EDITOR) {
  return applyInput(state, data);
}

describe('line editor', () => {
  it('inserts typed text and submits the line on Enter, keeping it in the history', () => {
    expect(type('EHLO a.example\r')).toEqual({
      state: { text: '', cursor: 0, history: ['EHLO a.example'], historyIndex: 1, draft: '' },
      submitted: ['EHLO a.example'],
    });
  });

  it('submits blank lines too (the line between header and body in DATA), without keeping them', () => {
    const r = type('Subject: hi\r\rHello\r');
    expect(r.submitted).toEqual(['Subject: hi', '', 'Hello']);
    expect(r.state.history).toEqual(['Subject: hi', 'Hello']);
  });

  it('splits a paste with CRLF or LF line ends into lines, leaving the unfinished tail on the line', () => {
    const r = type('MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\nDA');
    expect({ submitted: r.submitted, text: r.state.text }).toEqual({
      submitted: ['MAIL FROM:<a@b>', 'RCPT TO:<c@d>'],
      text: 'DA',
    });
  });

  it('moves with Left, Right, Home and End, inserting and deleting at the cursor', () => {
    let s = type('HELO x').state;
    s = type('\x1b[D\x1b[D\x7f', s).state; // left twice, backspace the O
    expect({ text: s.text, cursor: s.cursor }).toEqual({ text: 'HEL x', cursor: 3 });
    s = type('P\x1b[H\x1b[3~', s).state; // insert P, Home, Delete
    expect({ text: s.text, cursor: s.cursor }).toEqual({ text: 'ELP x', cursor: 0 });
    s = type('\x1b[F!\x1bOH\x1b[C', s).state; // End, !, Home (SS3), Right
    expect({ text: s.text, cursor: s.cursor }).toEqual({ text: 'ELP x!', cursor: 1 });
  });

  it('keeps the cursor inside the line and treats a surrogate pair as one character', () => {
    let s = type('\x1b[D\x7f\x1b[3~').state;
    expect(s).toEqual(EMPTY_EDITOR);
    s = type('a😀b\x1b[D\x1b[D', s).state;
    expect(s.cursor).toBe(1);
    s = type('\x1b[C\x7f', s).state;
    expect({ text: s.text, cursor: s.cursor }).toEqual({ text: 'ab', cursor: 1 });
  });

  it('clears the line with Ctrl+U and Ctrl+C, jumps with Ctrl+A and Ctrl+E, ignores other controls', () => {
    expect(type('abc\x15').state.text).toBe('');
    expect(type('abc\x03').state.text).toBe('');
    expect(type('abc\x01X').state.text).toBe('Xabc');
    expect(type('abc\x01\x05X').state.text).toBe('abcX');
    expect(type('a\tb\x07c\x1b[15~d').state.text).toBe('abcd');
  });

  it('browses the history with Up and Down and gives back the line being written', () => {
    let s = type('EHLO x\rMAIL FROM:<a@b>\rRC').state;
    s = type('\x1b[A', s).state;
    expect(s.text).toBe('MAIL FROM:<a@b>');
    s = historyUp(s);
    expect(s.text).toBe('EHLO x');
    expect(historyUp(s)).toBe(s);
    s = type('\x1b[B', s).state;
    expect(s.text).toBe('MAIL FROM:<a@b>');
    s = historyDown(s);
    expect({ text: s.text, cursor: s.cursor }).toEqual({ text: 'RC', cursor: 2 });
    expect(historyDown(s)).toBe(s);
  });

  it('keeps no repeats and at most HISTORY_LIMIT lines', () => {
    let s = commit(setText(EMPTY_EDITOR, 'NOOP'));
    s = commit(setText(s, 'NOOP'));
    expect(s.history).toEqual(['NOOP']);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) s = commit(setText(s, `line ${i}`));
    expect({ length: s.history.length, first: s.history[0] }).toEqual({
      length: HISTORY_LIMIT,
      first: 'line 5',
    });
  });

  it('sets the whole line with the cursor where asked, within bounds', () => {
    expect(setText(EMPTY_EDITOR, 'AUTH PLAIN x')).toMatchObject({ text: 'AUTH PLAIN x', cursor: 12 });
    expect(setText(EMPTY_EDITOR, 'abc', 1).cursor).toBe(1);
    expect(setText(EMPTY_EDITOR, 'abc', 9).cursor).toBe(3);
  });

  it('renders the line as CR, erase line, prompt, text and the cursor moved back (ECMA-48)', () => {
    expect(renderLine(setText(EMPTY_EDITOR, 'HELO'), '> ')).toBe('\r\x1b[2K> HELO');
    expect(renderLine(setText(EMPTY_EDITOR, 'HELO', 1), '> ')).toBe('\r\x1b[2K> HELO\x1b[3D');
    expect(renderLine(setText(EMPTY_EDITOR, 'a😀', 1), '')).toBe('\r\x1b[2Ka😀\x1b[1D');
  });
});
