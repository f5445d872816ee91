/**
 * Dovecot imaptest scripted tests (shared/conformance/imap/imaptest-tests,
 * format in shared/conformance/imap/scripted_test.md): the script parser, a
 * small IMAP tokenizer used for both the expected lines and the server's
 * replies, and the matcher (variables, `$N` sequence tracking, list
 * directives and their per-reply defaults). Test-only; the runner is
 * imaptest-conformance.test.ts.
 */

/** A tagged status in a script: `""` stands for any. */
export type ScriptStatus = 'ok' | 'no' | 'bad' | 'any';

/** One command of a step. */
export interface ScriptCommand {
  /** The script's own tag (method 3, pipelining), else undefined. */
  readonly tag: string | undefined;
  /** The command text, with `\0n\0` standing for the script literal n. */
  readonly text: string;
  status: ScriptStatus | undefined;
  /** Expected text after the status (methods 2 and 3), e.g. `[read-write]`. */
  prefix: string;
  readonly line: number;
}

/** An expected untagged reply: `*` must come, `!` must not, `?` may. */
export interface ScriptExpectation {
  readonly kind: '*' | '!' | '?';
  readonly text: string;
  readonly line: number;
}

/** Commands sent together on one connection, with the replies expected for them. */
export interface ScriptStep {
  readonly conn: number;
  readonly commands: ScriptCommand[];
  readonly expected: ScriptExpectation[];
  /** Method 3: the commands carry their own tags and are pipelined. */
  readonly pipelined: boolean;
}

/** A `{{{`…`}}}` (or `~{{{` literal8) block of the script. */
export interface ScriptLiteral {
  readonly text: string;
  readonly binary: boolean;
}

export interface ParsedScript {
  readonly headers: Readonly<Record<string, string>>;
  readonly capabilities: readonly string[];
  readonly connections: number;
  /** undefined: all messages. */
  readonly messages: number | undefined;
  readonly state: 'nonauth' | 'auth' | 'created' | 'appended' | 'selected';
  readonly ignoreExtraUntagged: boolean;
  readonly steps: ScriptStep[];
  readonly literals: ScriptLiteral[];
}

const STATUS_WORDS = new Set(['ok', 'no', 'bad', '""']);
const toStatus = (w: string): ScriptStatus => (w === '""' ? 'any' : (w as ScriptStatus));

/** Splits a script into its header and its logical lines (literals folded into placeholders). */
export function parseScript(source: string, env: ReadonlySet<string> = new Set()): ParsedScript {
  const raw = source.split('\n');
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < raw.length; i++) {
    const line = raw[i]!.replace(/\r$/, '');
    if (line === '') break;
    if (line.startsWith('#')) continue;
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`bad header line ${i + 1}: ${line}`);
    headers[m[1]!.trim().toLowerCase()] = m[2]!.trim();
  }
  const literals: ScriptLiteral[] = [];
  // Logical lines: a line ending in `{{{` runs on to the line starting `}}}`.
  const lines: { text: string; line: number }[] = [];
  for (i++; i < raw.length; i++) {
    const lineNo = i + 1;
    let text = raw[i]!;
    if (!text.endsWith('{{{')) text = text.replace(/\r$/, '');
    while (text.endsWith('{{{')) {
      const binary = text.endsWith('~{{{');
      const head = text.slice(0, text.length - (binary ? 4 : 3));
      const body: string[] = [];
      for (i++; i < raw.length && !raw[i]!.startsWith('}}}'); i++) body.push(raw[i]!);
      if (i >= raw.length) throw new Error(`unterminated literal at line ${lineNo}`);
      const joined = body.join('\n');
      // `{{{`: line breaks stand for CRLF; `~{{{`: the exact octets (the file holds any CRs).
      literals.push({ text: binary ? joined : joined.replace(/\r?\n/g, '\r\n'), binary });
      text = `${head}\0${literals.length - 1}\0${raw[i]!.slice(3).replace(/\r$/, '')}`;
    }
    lines.push({ text, line: lineNo });
  }

  // Preprocessor: !ifenv / !ifnenv / !else / !endif.
  const active: boolean[] = [];
  const kept = lines.filter(({ text }) => {
    const m = /^!(ifenv|ifnenv|else|endif)\b\s*(\S*)/.exec(text);
    if (m) {
      if (m[1] === 'ifenv') active.push(env.has(m[2]!));
      else if (m[1] === 'ifnenv') active.push(!env.has(m[2]!));
      else if (m[1] === 'else') active.push(!active.pop());
      else active.pop();
      return false;
    }
    return active.every(Boolean) && text.trim() !== '' && !text.startsWith('#');
  });

  const connections = Number(headers['connections'] ?? '1');
  const steps: ScriptStep[] = [];
  const lastStep = () => steps[steps.length - 1];
  kept.forEach(({ text, line }, index) => {
    const expectation = /^([*!?])(?: (.*))?$/.exec(text);
    if (expectation) {
      const step = lastStep();
      if (!step) throw new Error(`line ${line}: reply before any command`);
      step.expected.push({
        kind: expectation[1] as '*' | '!' | '?',
        text: `* ${expectation[2] ?? ''}`.trimEnd(),
        line,
      });
      return;
    }
    let conn = 1;
    let rest = text;
    const prefixed = /^(\d+) (.*)$/.exec(text);
    if (prefixed && Number(prefixed[1]) >= 1 && Number(prefixed[1]) <= connections) {
      conn = Number(prefixed[1]);
      rest = prefixed[2]!;
    } else if (connections > 1) throw new Error(`line ${line}: no connection number: ${text}`);
    const [w1 = '', w2 = ''] = rest.split(' ');
    const afterWord = (n: number) => rest.split(' ').slice(n).join(' ');
    const step = lastStep();
    // Method 2: the status that closes the connection's open untagged-status command.
    if (STATUS_WORDS.has(w1.toLowerCase())) {
      const open =
        step?.conn === conn && !step.pipelined
          ? step.commands.find((c) => c.status === undefined)
          : undefined;
      if (open) {
        open.status = toStatus(w1.toLowerCase());
        open.prefix = afterWord(1);
      } else {
        const command = {
          tag: undefined,
          text: afterWord(1),
          status: toStatus(w1.toLowerCase()),
          prefix: '',
          line,
        };
        steps.push({ conn, commands: [command], expected: [], pipelined: false });
      }
      return;
    }
    // Method 3: `<tag> ok …` closes a pipelined command.
    if (STATUS_WORDS.has(w2.toLowerCase())) {
      const open =
        step?.conn === conn ? step.commands.find((c) => c.tag === w1 && c.status === undefined) : undefined;
      if (open) {
        open.status = toStatus(w2.toLowerCase());
        open.prefix = afterWord(2);
        return;
      }
    }
    // Method 3 command: a later line closes `<tag>`.
    const closer = new RegExp(`^(?:${conn} )?${escapeRegExp(w1)} (?:ok|no|bad|"")(?: |$)`, 'i');
    const isTagged = kept.slice(index + 1).some((l) => closer.test(l.text));
    if (isTagged) {
      const command = { tag: w1, text: afterWord(1), status: undefined, prefix: '', line };
      const open = step?.pipelined === true && step.conn === conn && step.expected.length === 0;
      if (open && step.commands.every((c) => c.status === undefined)) step.commands.push(command);
      else steps.push({ conn, commands: [command], expected: [], pipelined: true });
      return;
    }
    // Method 2 command: its status follows its replies.
    steps.push({
      conn,
      commands: [{ tag: undefined, text: rest, status: undefined, prefix: '', line }],
      expected: [],
      pipelined: false,
    });
  });
  for (const step of steps)
    for (const c of step.commands)
      if (c.status === undefined) throw new Error(`line ${c.line}: command without a status: ${c.text}`);

  const messages = headers['messages'];
  return {
    headers,
    capabilities: (headers['capabilities'] ?? '').split(/\s+/).filter((c) => c !== ''),
    connections,
    messages: messages === undefined || messages.toLowerCase() === 'all' ? undefined : Number(messages),
    state: (headers['state'] ?? 'selected').toLowerCase() as ParsedScript['state'],
    ignoreExtraUntagged: (headers['ignore_extra_untagged'] ?? 'yes').toLowerCase() !== 'no',
    steps,
    literals,
  };
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ───────────────────────────── tokens ─────────────────────────────

/** A parsed IMAP argument. `str` is a quoted string or a literal; `code` is a `[…]` response code. */
export type Tok =
  | { readonly t: 'atom'; readonly v: string }
  | { readonly t: 'str'; readonly v: string; readonly form: 'quoted' | 'literal' | 'literal8' }
  | { readonly t: 'list'; readonly items: Tok[] }
  | { readonly t: 'code'; readonly items: Tok[] };

/**
 * Reads IMAP arguments from `s`. Server text carries `{n}CRLF` literals;
 * script text carries `\0n\0` placeholders for its `{{{` literals. An atom
 * keeps a `[…]` section with its spaces (`BODY[HEADER.FIELDS (FROM)]<0>`).
 */
export function tokenize(s: string, literals: readonly ScriptLiteral[] = []): Tok[] {
  let i = 0;
  const read = (close: string | undefined): Tok[] => {
    const out: Tok[] = [];
    for (;;) {
      while (s[i] === ' ') i++;
      if (i >= s.length) {
        if (close !== undefined) throw new Error(`missing ${close} in: ${s.slice(0, 200)}`);
        return out;
      }
      const c = s[i]!;
      if (c === close) {
        i++;
        return out;
      }
      if (c === '(') {
        i++;
        out.push({ t: 'list', items: read(')') });
      } else if (c === '[') {
        i++;
        out.push({ t: 'code', items: read(']') });
      } else if (c === '"') {
        let v = '';
        for (i++; i < s.length && s[i] !== '"'; i++) v += s[i] === '\\' ? s[++i] : s[i];
        i++;
        out.push({ t: 'str', v, form: 'quoted' });
      } else if (c === '\0') {
        const end = s.indexOf('\0', i + 1);
        const lit = literals[Number(s.slice(i + 1, end))]!;
        out.push({ t: 'str', v: lit.text, form: lit.binary ? 'literal8' : 'literal' });
        i = end + 1;
      } else if (/^~?\{\d+\+?\}\r\n/.test(s.slice(i, i + 24))) {
        const m = /^(~?)\{(\d+)\+?\}\r\n/.exec(s.slice(i, i + 24))!;
        i += m[0].length;
        out.push({ t: 'str', v: s.slice(i, i + Number(m[2])), form: m[1] ? 'literal8' : 'literal' });
        i += Number(m[2]);
      } else {
        let v = '';
        let depth = 0;
        while (i < s.length) {
          const ch = s[i]!;
          if (depth === 0 && (ch === ' ' || ch === '(' || ch === ')' || ch === close)) break;
          if (ch === '[') depth++;
          if (ch === ']') depth--;
          v += ch;
          i++;
        }
        out.push({ t: 'atom', v });
      }
    }
  };
  return read(undefined);
}

const STATUS_REPLIES = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);

/** A reply (or an expected reply) as tokens; a status reply's text is split into words, not parsed. */
export function tokenizeReply(s: string, literals: readonly ScriptLiteral[] = []): Tok[] {
  const m = /^(\S+) (\S+)(?: (.*))?$/s.exec(s);
  if (m && STATUS_REPLIES.has(m[2]!.toUpperCase())) {
    const out: Tok[] = [
      { t: 'atom', v: m[1]! },
      { t: 'atom', v: m[2]! },
    ];
    let rest = m[3] ?? '';
    if (rest.startsWith('[')) {
      const end = codeEnd(rest);
      out.push(...tokenize(rest.slice(0, end), literals));
      rest = rest.slice(end);
    }
    for (const w of rest.split(' ')) if (w !== '') out.push({ t: 'atom', v: w });
    return out;
  }
  return tokenize(s, literals);
}

/** Index just after the `]` closing the response code at the start of `s`. */
function codeEnd(s: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i + 1;
  }
  return s.length;
}

// ───────────────────────────── server replies ─────────────────────────────

/** A server reply: its text (literals inline) and, for `n EXPUNGE` / `n FETCH`, the message's sequence number at the start of the command. */
export interface Reply {
  readonly text: string;
  readonly tokens: Tok[];
  readonly origSeq: number | undefined;
}

/** Takes complete replies (with their literals) off the front of `buf`; returns them and what is left. */
export function splitReplies(buf: string): { replies: string[]; rest: string } {
  const replies: string[] = [];
  let start = 0;
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) break;
    const lit = /~?\{(\d+)\+?\}$/.exec(buf.slice(pos, eol));
    if (lit) {
      const next = eol + 2 + Number(lit[1]);
      if (next > buf.length) break;
      pos = next;
      continue;
    }
    replies.push(buf.slice(start, eol));
    start = pos = eol + 2;
  }
  return { replies, rest: buf.slice(start) };
}

/** Tracks expunges so `$N` can name the message that was N when the command began. */
export class SeqTracker {
  readonly #expunged: number[] = [];

  /** The original number of the message now at `seq`. */
  original(seq: number): number {
    let orig = seq;
    for (const e of [...this.#expunged].sort((a, b) => a - b)) if (e <= orig) orig++;
    return orig;
  }

  /** Annotates one reply, updating the map on EXPUNGE. */
  reply(text: string): Reply {
    const tokens = tokenizeReply(text);
    let origSeq: number | undefined;
    const [star, n, kind] = tokens;
    if (star?.t === 'atom' && star.v === '*' && n?.t === 'atom' && /^\d+$/.test(n.v) && kind?.t === 'atom') {
      const verb = kind.v.toUpperCase();
      if (verb === 'EXPUNGE') {
        origSeq = this.original(Number(n.v));
        this.#expunged.push(origSeq);
      } else if (verb === 'FETCH') origSeq = this.original(Number(n.v));
    }
    return { text, tokens, origSeq };
  }
}

// ───────────────────────────── matching ─────────────────────────────

export type Vars = Map<string, string>;

type Segment =
  | { readonly k: 'text'; readonly v: string }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'any' }
  | { readonly k: 'case'; readonly v: string };

/** Splits a script word into text and `$variable` parts. */
export function segments(v: string): Segment[] {
  const out: Segment[] = [];
  const re = /\$\$|\$\{case:([^}]*)\}|\$\{([^}]*)\}|\$([A-Za-z0-9_]+)|\$/g;
  let last = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    if (m.index > last) out.push({ k: 'text', v: v.slice(last, m.index) });
    if (m[0] === '$$') out.push({ k: 'text', v: '$' });
    else if (m[1] !== undefined) out.push({ k: 'case', v: m[1] });
    else if (m[2] !== undefined) out.push({ k: 'var', name: m[2] });
    else if (m[3] !== undefined) out.push({ k: 'var', name: m[3] });
    else out.push({ k: 'any' });
    last = re.lastIndex;
  }
  if (last < v.length) out.push({ k: 'text', v: v.slice(last) });
  // Adjacent text parts (from `$$`) merge.
  return out.reduce<Segment[]>((acc, s) => {
    const prev = acc[acc.length - 1];
    if (prev?.k === 'text' && s.k === 'text') acc[acc.length - 1] = { k: 'text', v: prev.v + s.v };
    else acc.push(s);
    return acc;
  }, []);
}

/** Fills the variables into a command line; throws on one with no value. */
export function substitute(text: string, vars: Vars): string {
  return segments(text)
    .map((s) => {
      if (s.k === 'text' || s.k === 'case') return s.v;
      if (s.k === 'any') return '$';
      const v = vars.get(s.name.toLowerCase());
      if (v === undefined) throw new Error(`variable $${s.name} has no value`);
      return v;
    })
    .join('');
}

const stringValue = (t: Tok): string | undefined => (t.t === 'atom' || t.t === 'str' ? t.v : undefined);
const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Matches one script word (atom or string with variables) against a server token, binding unbound variables. */
function matchWord(exp: string, act: Tok, vars: Vars): boolean {
  const segs = segments(exp);
  if (segs.length === 1 && segs[0]!.k === 'any') return true;
  const value = stringValue(act);
  const only = segs.length === 1 ? segs[0] : undefined;
  if (only?.k === 'var') {
    const name = only.name.toLowerCase();
    const bound = vars.get(name);
    if (bound === undefined) {
      // Named variables bind to single arguments, not lists.
      if (value === undefined) return false;
      vars.set(name, value);
      return true;
    }
    return value !== undefined && eqi(bound, value);
  }
  if (value === undefined) return false;
  // Mixed text and variables: a regular expression, unbound variables as groups.
  const unbound: string[] = [];
  let pattern = '';
  for (const s of segs) {
    if (s.k === 'text') pattern += escapeRegExp(s.v);
    else if (s.k === 'case') pattern += `(?:${escapeRegExp(s.v)})`;
    else if (s.k === 'any') pattern += '[\\s\\S]*?';
    else {
      const bound = vars.get(s.name.toLowerCase());
      if (bound !== undefined) pattern += escapeRegExp(bound);
      else if (unbound.includes(s.name.toLowerCase()))
        pattern += `\\${unbound.indexOf(s.name.toLowerCase()) + 1}`;
      else {
        unbound.push(s.name.toLowerCase());
        pattern += '([\\s\\S]*?)';
      }
    }
  }
  const m = new RegExp(`^${pattern}$`, 'i').exec(value);
  if (!m) return false;
  // ${case:…} parts must match exactly.
  for (const s of segs) if (s.k === 'case' && !value.includes(s.v)) return false;
  unbound.forEach((name, n) => vars.set(name, m[n + 1]!));
  return true;
}

/** How a list is matched (scripted_test.md "Directives"). */
interface ListRules {
  unordered: boolean;
  chain: number;
  extra: boolean;
  ignore: string[];
  ban: string[];
}

type ListContext = 'plain' | 'fetch' | 'flags' | 'listFlags' | 'status';

function defaultRules(ctx: ListContext): ListRules {
  switch (ctx) {
    case 'fetch':
    case 'status':
      return { unordered: true, chain: 2, extra: true, ignore: [], ban: [] };
    case 'flags':
      return { unordered: true, chain: 1, extra: false, ignore: ['\\recent'], ban: [] };
    case 'listFlags':
      return { unordered: true, chain: 1, extra: true, ignore: [], ban: [] };
    case 'plain':
      return { unordered: false, chain: 1, extra: false, ignore: [], ban: [] };
  }
}

function rulesOf(items: readonly Tok[], ctx: ListContext): { rules: ListRules; rest: Tok[] } {
  let n = 0;
  const rules: ListRules = { unordered: false, chain: 1, extra: false, ignore: [], ban: [] };
  for (; n < items.length; n++) {
    const t = items[n]!;
    if (t.t !== 'atom' || !t.v.startsWith('$!')) break;
    const [name = '', arg] = t.v.slice(2).split('=');
    switch (name.toLowerCase()) {
      case 'ordered':
        rules.unordered = false;
        break;
      case 'unordered':
        rules.unordered = true;
        rules.extra = true;
        rules.chain = arg === undefined ? 1 : Number(arg);
        break;
      case 'noextra':
        rules.extra = false;
        break;
      case 'extra':
        rules.extra = true;
        break;
      case 'ignore':
        rules.ignore.push((arg ?? '').toLowerCase());
        break;
      case 'ban':
        rules.ban.push((arg ?? '').toLowerCase());
        break;
      default:
        throw new Error(`unknown directive ${t.v}`);
    }
  }
  return n === 0 ? { rules: defaultRules(ctx), rest: [...items] } : { rules, rest: items.slice(n) };
}

/** The context of the value at `index` of a FETCH list (the FLAGS value is a flags list). */
const childContext = (ctx: ListContext, chunk: readonly Tok[], index: number): ListContext => {
  const key = chunk[index - 1];
  return ctx === 'fetch' && index === 1 && key?.t === 'atom' && eqi(key.v, 'flags') ? 'flags' : 'plain';
};

function matchList(exp: readonly Tok[], act: readonly Tok[], ctx: ListContext, vars: Vars): boolean {
  const { rules, rest } = rulesOf(exp, ctx);
  if (!rules.unordered) {
    if (rest.length > act.length || (!rules.extra && rest.length !== act.length)) return false;
    return rest.every((e, n) => matchTok(e, act[n]!, 'plain', vars));
  }
  const chunk = (items: readonly Tok[]) => {
    const out: Tok[][] = [];
    for (let n = 0; n < items.length; n += rules.chain) out.push(items.slice(n, n + rules.chain));
    return out;
  };
  const expected = chunk(rest);
  const actual = chunk(act);
  const used = new Set<number>();
  for (const e of expected) {
    const found = actual.findIndex(
      (a, n) =>
        !used.has(n) &&
        a.length === e.length &&
        tryMatch(vars, (v) => e.every((et, k) => matchTok(et, a[k]!, childContext(ctx, e, k), v))),
    );
    if (found < 0) return false;
    used.add(found);
  }
  for (const [n, a] of actual.entries()) {
    if (used.has(n)) continue;
    const head = stringValue(a[0]!)?.toLowerCase() ?? '';
    if (rules.ban.includes(head)) return false;
    if (!rules.extra && !rules.ignore.includes(head)) return false;
  }
  return true;
}

/** Runs `fn` on a copy of the bindings and keeps them only if it succeeds. */
export function tryMatch(vars: Vars, fn: (v: Vars) => boolean): boolean {
  const copy = new Map(vars);
  if (!fn(copy)) return false;
  for (const [k, v] of copy) vars.set(k, v);
  return true;
}

function matchTok(exp: Tok, act: Tok, ctx: ListContext, vars: Vars): boolean {
  switch (exp.t) {
    case 'atom':
      return matchWord(exp.v, act, vars);
    case 'str':
      if (exp.form === 'quoted') return matchWord(exp.v, act, vars);
      // A script literal: compared like any string, ignoring case.
      return act.t === 'str' || act.t === 'atom' ? eqi(exp.v, act.v) : false;
    case 'list':
      if (act.t !== 'list') return false;
      return matchList(exp.items, act.items, ctx, vars);
    case 'code':
      if (act.t !== 'code') return false;
      return matchList(exp.items, act.items, 'plain', vars);
  }
}

/**
 * Matches an expected untagged reply (`* …`) against a server reply.
 * Status replies (OK/NO/BAD/BYE) match on a prefix; data replies on every
 * argument, with the list defaults of FETCH, LIST/LSUB and STATUS.
 */
export function matchReply(exp: readonly Tok[], act: Reply, vars: Vars): boolean {
  return tryMatch(vars, (v) => {
    const a = act.tokens;
    if (exp.length < 2 || a.length < 2) return false;
    const kind = exp[1]!;
    if (kind.t === 'atom' && STATUS_REPLIES.has(kind.v.toUpperCase()))
      return exp.length <= a.length && exp.every((e, n) => matchTok(e, a[n]!, 'plain', v));
    if (exp.length !== a.length) return false;
    const word = (t: Tok | undefined) => (t?.t === 'atom' ? t.v.toUpperCase() : '');
    return exp.every((e, n) => {
      if (n === 1 && e.t === 'atom' && /^\$\d+$/.test(e.v)) return act.origSeq === Number(e.v.slice(1));
      let ctx: ListContext = 'plain';
      if (n === 3 && word(exp[2]) === 'FETCH') ctx = 'fetch';
      if (n === 2 && (word(exp[1]) === 'LIST' || word(exp[1]) === 'LSUB')) ctx = 'listFlags';
      if (n === 3 && word(exp[1]) === 'STATUS') ctx = 'status';
      return matchTok(e, a[n]!, ctx, v);
    });
  });
}

/** Matches the expected text after a tagged status (`[read-write]`, `[appenduid $v $uid]`) as a prefix. */
export function matchPrefix(prefix: string, statusTokens: readonly Tok[], vars: Vars): boolean {
  const exp = tokenizeReply(`x ok ${prefix}`).slice(2);
  return tryMatch(
    vars,
    (v) =>
      exp.length <= statusTokens.length && exp.every((e, n) => matchTok(e, statusTokens[n]!, 'plain', v)),
  );
}
