/**
 * The terminal's command line, as a pure state and the input that changes
 * it: what xterm.js hands over in `onData` (printable text, control
 * characters and the escape sequences of the arrow and editing keys). A
 * telnet client in line mode works like this: the line is edited and echoed
 * locally and sent only on Enter, so the server sees whole lines.
 *
 * The cursor counts UTF-16 code units of `text`; rendering counts code points.
 * SIMPLIFICATION: wide (CJK, emoji) characters are taken to be one column.
 */

/** The line being edited and the lines sent before. */
export interface EditorState {
  readonly text: string;
  /** Position in `text`, 0…text.length. */
  readonly cursor: number;
  /** Lines sent, oldest first (blank lines and repeats left out). */
  readonly history: readonly string[];
  /** The history entry shown; `history.length` when editing a new line. */
  readonly historyIndex: number;
  /** The new line, kept while browsing the history. */
  readonly draft: string;
}

/** An empty line with no history. */
export const EMPTY_EDITOR: EditorState = { text: '', cursor: 0, history: [], historyIndex: 0, draft: '' };

/** The most lines the history keeps. */
export const HISTORY_LIMIT = 200;

/** The outcome of some input: the new state and the lines submitted with Enter, in order. */
export interface EditorResult {
  readonly state: EditorState;
  readonly submitted: readonly string[];
}

/** Escape sequences of the keys the editor knows (xterm's normal and application cursor modes). */
const KEYS: Readonly<Record<string, (s: EditorState) => EditorState>> = {
  '\x1b[A': historyUp,
  '\x1bOA': historyUp,
  '\x1b[B': historyDown,
  '\x1bOB': historyDown,
  '\x1b[C': (s) => moveTo(s, s.cursor + charLength(s.text, s.cursor)),
  '\x1bOC': (s) => moveTo(s, s.cursor + charLength(s.text, s.cursor)),
  '\x1b[D': (s) => moveTo(s, s.cursor - charLengthBefore(s.text, s.cursor)),
  '\x1bOD': (s) => moveTo(s, s.cursor - charLengthBefore(s.text, s.cursor)),
  '\x1b[H': (s) => moveTo(s, 0),
  '\x1bOH': (s) => moveTo(s, 0),
  '\x1b[1~': (s) => moveTo(s, 0),
  '\x1b[F': (s) => moveTo(s, s.text.length),
  '\x1bOF': (s) => moveTo(s, s.text.length),
  '\x1b[4~': (s) => moveTo(s, s.text.length),
  '\x1b[3~': deleteForward,
};

/** Control characters: Backspace (DEL and BS), Ctrl+A/E (home, end), Ctrl+U and Ctrl+C (clear the line). */
const CONTROLS: Readonly<Record<string, (s: EditorState) => EditorState>> = {
  '\x7f': backspace,
  '\b': backspace,
  '\x01': (s) => moveTo(s, 0),
  '\x05': (s) => moveTo(s, s.text.length),
  '\x15': (s) => setText(s, ''),
  '\x03': (s) => setText(s, ''),
};

/** A CSI or SS3 escape sequence: ESC [ params final, or ESC O final. */
// eslint-disable-next-line no-control-regex -- ESC starts the sequences this matches
const ESCAPE = /^\x1b(?:\[[0-9;?]*[\x40-\x7e]|O[\x40-\x7e])?/;

/** Applies what the terminal typed. Unknown escape sequences and other control characters are ignored. */
export function applyInput(state: EditorState, data: string): EditorResult {
  const submitted: string[] = [];
  let s = state;
  let i = 0;
  while (i < data.length) {
    const ch = data[i]!;
    if (ch === '\x1b') {
      const seq = ESCAPE.exec(data.slice(i))![0];
      s = KEYS[seq]?.(s) ?? s;
      i += seq.length;
    } else if (ch === '\r' || ch === '\n') {
      submitted.push(s.text);
      s = commit(s);
      // A pasted CRLF is one line end.
      i += ch === '\r' && data[i + 1] === '\n' ? 2 : 1;
    } else if (CONTROLS[ch] !== undefined) {
      s = CONTROLS[ch](s);
      i++;
    } else if (ch < ' ') {
      i++;
    } else {
      // Insert the run of printable text up to the next control character at once.
      let j = i + 1;
      while (j < data.length && data[j]! >= ' ' && data[j] !== '\x7f') j++;
      s = insert(s, data.slice(i, j));
      i = j;
    }
  }
  return { state: s, submitted };
}

/** Inserts text at the cursor. */
export function insert(state: EditorState, text: string): EditorState {
  const t = state.text.slice(0, state.cursor) + text + state.text.slice(state.cursor);
  return { ...state, text: t, cursor: state.cursor + text.length, historyIndex: state.history.length };
}

/** Replaces the whole line (a completion, a helper's insert, a plain text field), cursor at `cursor` or the end. */
export function setText(state: EditorState, text: string, cursor = text.length): EditorState {
  return {
    ...state,
    text,
    cursor: Math.min(Math.max(0, cursor), text.length),
    historyIndex: state.history.length,
  };
}

/** Moves the cursor, within the line. */
export function moveTo(state: EditorState, cursor: number): EditorState {
  return { ...state, cursor: Math.min(Math.max(0, cursor), state.text.length) };
}

/** Enter: the line goes into the history (unless blank or a repeat) and a new, empty line starts. */
export function commit(state: EditorState): EditorState {
  const line = state.text;
  const repeat = state.history.at(-1) === line;
  const history =
    line.trim() === '' || repeat ? state.history : [...state.history, line].slice(-HISTORY_LIMIT);
  return { text: '', cursor: 0, history, historyIndex: history.length, draft: '' };
}

/** Up: the previous history entry (the new line is kept as the draft). */
export function historyUp(state: EditorState): EditorState {
  if (state.historyIndex === 0) return state;
  const draft = state.historyIndex === state.history.length ? state.text : state.draft;
  const index = state.historyIndex - 1;
  const text = state.history[index]!;
  return { ...state, text, cursor: text.length, historyIndex: index, draft };
}

/** Down: the next history entry, or back to the draft. */
export function historyDown(state: EditorState): EditorState {
  if (state.historyIndex >= state.history.length) return state;
  const index = state.historyIndex + 1;
  const text = index === state.history.length ? state.draft : state.history[index]!;
  return { ...state, text, cursor: text.length, historyIndex: index };
}

function backspace(state: EditorState): EditorState {
  if (state.cursor === 0) return state;
  const n = charLengthBefore(state.text, state.cursor);
  const text = state.text.slice(0, state.cursor - n) + state.text.slice(state.cursor);
  return { ...state, text, cursor: state.cursor - n, historyIndex: state.history.length };
}

function deleteForward(state: EditorState): EditorState {
  if (state.cursor >= state.text.length) return state;
  const n = charLength(state.text, state.cursor);
  const text = state.text.slice(0, state.cursor) + state.text.slice(state.cursor + n);
  return { ...state, text, historyIndex: state.history.length };
}

/** Code units of the character starting at `i` (2 for a surrogate pair). */
function charLength(text: string, i: number): number {
  const code = text.codePointAt(i);
  return code !== undefined && code > 0xffff ? 2 : 1;
}

/** Code units of the character ending at `i`. */
function charLengthBefore(text: string, i: number): number {
  const low = text.charCodeAt(i - 1);
  const high = text.charCodeAt(i - 2);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
}

/**
 * What to write to the terminal to redraw the line: back to column 0, clear
 * the row, the prompt and text, then the cursor back to its place (ECMA-48
 * CR, EL 2 and CUB).
 */
export function renderLine(state: EditorState, prompt: string): string {
  const back = [...state.text.slice(state.cursor)].length;
  return `\r\x1b[2K${prompt}${state.text}${back > 0 ? `\x1b[${back}D` : ''}`;
}
