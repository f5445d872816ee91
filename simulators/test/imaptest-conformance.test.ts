/**
 * Dovecot imaptest's scripted tests (shared/conformance/imap/imaptest-tests,
 * README §4a; format: shared/conformance/imap/scripted_test.md) run against
 * Mailroom's IMAP server session, fed by hand as server-session.test.ts does.
 *
 * Per script: a fresh store with one account; the test mailbox `$mailbox`
 * (`imaptest`, imaptest's default for scripted tests) is created and filled
 * from the script's mbox (default.mbox when it has none; `messages:` of
 * them, wrapping round) according to `state:`; every connection logs in
 * (`a LOGIN $user $password`) and selects it as that state requires. Then
 * each command goes to its connection and the replies are matched:
 * untagged ones in any order (one reply may satisfy several expected lines,
 * as in imaptest), `!` lines must not come, `?` lines may; the tagged status
 * and its text prefix must match. Scripts that need a capability the server
 * does not announce (greeting plus post-login CAPABILITY) are skipped, as
 * imaptest skips them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { DEFAULT_IMAP_SERVER_CONFIG } from '../imap/server-config.ts';
import { ImapServerSession } from '../imap/server-session.ts';
import { Scheduler } from '../net/scheduler.ts';
import { MailStore } from '../store/mail-store.ts';
import {
  matchPrefix,
  matchReply,
  parseScript,
  SeqTracker,
  splitReplies,
  substitute,
  tokenizeReply,
  type ParsedScript,
  type ScriptCommand,
  type Vars,
} from './imaptest-script.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const suiteDir = resolve(repoRoot, '../shared/conformance/imap/imaptest-tests');

/** Scripts not run although the server announces what they need, with the reason. */
const SKIP: Readonly<Record<string, string>> = {};

/**
 * Scripts that fail because of a server bug: the script lines that fail and
 * the difference. The test asserts that exactly these lines fail, so a fix
 * (or a new failure in the same script) shows up here.
 */
const KNOWN_FAILURES: Readonly<
  Record<string, { readonly lines: readonly number[]; readonly reason: string }>
> = {};

const USER = 'imaptest@example.org';
const PASSWORD = 'swordfish';
const MAILBOX = 'imaptest';
const EPOCH = 1_796_000_000_000;

/**
 * The date of an mbox From line, `Fri Feb 22 23:00:00 2008 +0200` (ctime,
 * then an optional zone, as imaptest reads it): epoch ms, or undefined.
 */
function fromLineDate(text: string): number | undefined {
  const m = /^(.*?)(?:\s+([+-])(\d\d)(\d\d))?\s*$/.exec(text)!;
  const local = Date.parse(`${m[1]} UTC`);
  if (Number.isNaN(local)) return undefined;
  const offset = m[2] === undefined ? 0 : (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  return local - offset * 60_000;
}

/** The messages of an mbox, LF turned into CRLF (imaptest APPENDs them so), with their From-line dates. */
function loadMbox(file: string): { raw: Uint8Array; date: number }[] {
  const text = readFileSync(resolve(suiteDir, file), 'latin1');
  const out: { raw: Uint8Array; date: number }[] = [];
  const re = /^From \S+\s+(.*)\n/gm;
  const heads = [...text.matchAll(re)];
  heads.forEach((m, n) => {
    const start = m.index + m[0].length;
    const end = heads[n + 1]?.index ?? text.length;
    const parsed = fromLineDate(m[1]!);
    out.push({
      raw: latin1Bytes(text.slice(start, end).replace(/\r?\n/g, '\r\n')),
      date: parsed ?? EPOCH,
    });
  });
  return out;
}

/** One hand-fed server connection. */
class Connection {
  readonly session: ImapServerSession;
  #wire = '';
  closed = false;

  constructor(store: MailStore, clock: Scheduler) {
    this.session = new ImapServerSession(
      {
        config: { ...DEFAULT_IMAP_SERVER_CONFIG, hostname: 'imap.example.org' },
        store,
        nonce: () => '1896.697170952',
        now: () => EPOCH + clock.now,
      },
      clock,
    );
    this.session.setWaker(() => this.drain());
  }

  drain(): void {
    for (let out = this.session.poll(); out; out = this.session.poll()) {
      if (out.kind === 'transmit') this.#wire += bytesToLatin1(out.bytes);
      if (out.kind === 'close') this.closed = true;
    }
  }

  send(text: string): void {
    if (this.closed) throw new Error('connection is closed');
    this.session.receive(latin1Bytes(text));
    this.drain();
  }

  /** Complete replies received so far (continuation requests dropped). */
  take(): string[] {
    this.drain();
    const { replies, rest } = splitReplies(this.#wire);
    this.#wire = rest;
    return replies.filter((r) => !r.startsWith('+'));
  }

  /** Sends one command and returns its replies, ending with the tagged one. */
  command(tag: string, text: string): string[] {
    this.send(`${tag} ${text}\r\n`);
    const replies = this.take();
    if (!replies.some((r) => r.startsWith(`${tag} `))) throw new Error(`no tagged reply to ${tag} ${text}`);
    return replies;
  }
}

/** What the server announces: the greeting's capabilities plus CAPABILITY after login. */
function serverCapabilities(): Set<string> {
  const store = new MailStore(1_700_000_000);
  store.createAccount(USER, PASSWORD);
  const conn = new Connection(store, new Scheduler());
  const lines = [
    ...conn.take(),
    ...conn.command('a', `LOGIN ${USER} ${PASSWORD}`),
    ...conn.command('b', 'CAPABILITY'),
  ];
  const caps = new Set<string>();
  for (const line of lines)
    for (const m of line.matchAll(/(?:\[CAPABILITY |^\* CAPABILITY )([^\]]*)/gi))
      for (const c of m[1]!.split(' ')) if (c !== '') caps.add(c.toUpperCase());
  return caps;
}

/** A difference: the script line (command or expected reply) and what happened. */
interface Failure {
  readonly line: number;
  readonly text: string;
}

/** The differences of one script (none: it passes), or the error that stopped it. */
interface Outcome {
  readonly failures: readonly Failure[];
  readonly error?: string;
}

/** Runs one script; the outcome lists every difference (a missing variable or closed connection stops it). */
function runScript(name: string, text?: string): Outcome {
  try {
    return runScriptUnguarded(name, text ?? readFileSync(resolve(suiteDir, name), 'latin1'));
  } catch (e) {
    return { failures: [], error: (e as Error).message };
  }
}

function runScriptUnguarded(name: string, text: string): Outcome {
  const script = parseScript(text);
  const mboxFile = existsSync(resolve(suiteDir, `${name}.mbox`)) ? `${name}.mbox` : 'default.mbox';
  const source = loadMbox(mboxFile);
  const clock = new Scheduler();
  const store = new MailStore(1_700_000_000);
  const account = store.createAccount(USER, PASSWORD);
  const states = ['nonauth', 'auth', 'created', 'appended', 'selected'];
  const reached = (s: ParsedScript['state']) => states.indexOf(script.state) >= states.indexOf(s);
  let next = 0;
  const nextMessage = () => source[next++ % source.length]!;
  if (reached('created')) {
    const box = account.createMailbox(MAILBOX)!;
    if (reached('appended')) {
      const count = script.messages ?? source.length;
      for (let n = 0; n < count; n++) {
        const m = nextMessage();
        box.append(m.raw, { internalDate: m.date });
      }
    }
  }
  const conns = Array.from({ length: script.connections }, () => new Connection(store, clock));
  for (const conn of conns) {
    conn.take();
    if (reached('auth')) expectOk(conn.command('a', `LOGIN ${USER} ${PASSWORD}`), 'a', 'LOGIN');
    if (reached('selected')) expectOk(conn.command('s', `SELECT ${MAILBOX}`), 's', 'SELECT');
    conn.take();
  }

  const vars: Vars = new Map([
    ['user', USER],
    ['username', USER.split('@')[0]!],
    ['domain', USER.split('@')[1]!],
    ['password', PASSWORD],
    ['mailbox', MAILBOX],
  ]);
  let tagCounter = 0;
  const failures: Failure[] = [];
  for (const step of script.steps) {
    const conn = conns[step.conn - 1]!;
    const where = `line ${step.commands[0]!.line}`;
    const sent: { command: ScriptCommand; tag: string; wire: string }[] = [];
    let wire = '';
    try {
      for (const command of step.commands) {
        const tag = command.tag ?? `t${++tagCounter}`;
        const text = commandWire(command.text, vars, script, nextMessage);
        sent.push({ command, tag, wire: text });
        wire += `${tag} ${text}\r\n`;
      }
    } catch (e) {
      return { failures, error: `${where}: ${(e as Error).message}` };
    }
    if (conn.closed) return { failures, error: `${where}: connection ${step.conn} was closed` };
    conn.send(wire);
    // `$tag` is the tag of the command being checked (imaptest's ESEARCH scripts: `(tag $tag)`).
    if (sent.length === 1) vars.set('tag', sent[0]!.tag);
    else vars.delete('tag');
    const seq = new SeqTracker();
    const replies = conn.take().map((r) => seq.reply(r));
    const untagged = replies.filter((r) => r.text.startsWith('*'));
    const context = () =>
      `${where}, connection ${step.conn}: ${sent.map((s) => `${s.tag} ${shorten(s.wire)}`).join(' / ')}\n` +
      `  server: ${replies.map((r) => shorten(r.text)).join('\n          ')}`;

    // Untagged replies, in any order; one reply may satisfy several lines.
    const fail = (line: number, what: string) =>
      failures.push({ line, text: `line ${line}: ${what}\n${context()}` });
    const wanted = step.expected.filter((e) => e.kind === '*');
    const matched = new Set<number>();
    for (const reply of untagged)
      wanted.forEach((e, n) => {
        if (!matched.has(n) && matchReply(tokenizeReply(e.text, script.literals), reply, vars))
          matched.add(n);
      });
    wanted.forEach((e, n) => {
      if (!matched.has(n)) fail(e.line, `expected "${shorten(e.text)}", not received`);
    });
    for (const banned of step.expected.filter((e) => e.kind === '!')) {
      const exp = tokenizeReply(banned.text, script.literals);
      const hit = untagged.find((r) => matchReply(exp, r, new Map(vars)));
      if (hit) fail(banned.line, `"${shorten(banned.text)}" must not be sent, got "${shorten(hit.text)}"`);
    }
    if (!script.ignoreExtraUntagged) {
      const all = step.expected.map((e) => tokenizeReply(e.text, script.literals));
      const extra = untagged.find((r) => !all.some((exp) => matchReply(exp, r, new Map(vars))));
      if (extra) fail(step.commands[0]!.line, `unexpected untagged reply "${shorten(extra.text)}"`);
    }

    for (const { command, tag } of sent) {
      const reply = replies.find((r) => r.text.startsWith(`${tag} `));
      if (!reply) {
        fail(command.line, `no tagged reply for ${tag}`);
        continue;
      }
      const status = reply.tokens[1]?.t === 'atom' ? reply.tokens[1].v.toLowerCase() : '';
      if (command.status !== 'any' && status !== command.status)
        fail(command.line, `expected ${command.status?.toUpperCase()}, got "${shorten(reply.text)}"`);
      else if (command.prefix !== '' && !matchPrefix(command.prefix, reply.tokens.slice(2), vars))
        fail(command.line, `tagged reply should start "${command.prefix}", got "${shorten(reply.text)}"`);
    }
  }
  for (const conn of conns) if (!conn.closed) conn.session.stop();
  return { failures };
}

function expectOk(replies: string[], tag: string, what: string): void {
  const done = replies.find((r) => r.startsWith(`${tag} `));
  if (!done?.startsWith(`${tag} OK`)) throw new Error(`setup ${what} failed: ${replies.join(' | ')}`);
}

/** The command as sent: variables filled in, script literals as `{n+}`, a bare APPEND given the next mbox message. */
function commandWire(
  text: string,
  vars: Vars,
  script: ParsedScript,
  nextMessage: () => { raw: Uint8Array; date: number },
): string {
  let line = substitute(text, vars);
  // imaptest supplies the message of an APPEND that has no literal: `append [mailbox] [(flags)] ["date"]`.
  const append = /^append(?: (.*))?$/i.exec(line);
  if (append && !line.includes('\0')) {
    let args = (append[1] ?? '').trim();
    if (args === '' || args.startsWith('(')) args = `${MAILBOX} ${args}`.trim();
    const raw = bytesToLatin1(nextMessage().raw);
    line = `APPEND ${args} {${raw.length}+}\r\n${raw}`;
  }
  return line.replace(/\0(\d+)\0/g, (_m, n: string) => {
    const lit = script.literals[Number(n)]!;
    return `${lit.binary ? '~' : ''}{${lit.text.length}+}\r\n${lit.text}`;
  });
}

const shorten = (s: string) => {
  const flat = s.replace(/\r\n/g, '⏎');
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
};

const available = existsSync(suiteDir);

describe('imaptest scripted tests (shared/conformance/imap/imaptest-tests)', () => {
  it('finds the suite', () => {
    expect(
      available,
      `imaptest scripts not found at ${suiteDir}. The repository expects shared/ beside it ` +
        '(shared/conformance/imap/imaptest-tests); see shared/conformance/README.md §4a.',
    ).toBe(true);
  });
  if (!available) return;

  const scripts = readdirSync(suiteDir, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.endsWith('.mbox'))
    .map((d) => d.name)
    .sort();
  const caps = serverCapabilities();
  const skipped = new Map<string, string>();
  for (const name of scripts) {
    if (SKIP[name] !== undefined) {
      skipped.set(name, SKIP[name]);
      continue;
    }
    const needs = parseScript(readFileSync(resolve(suiteDir, name), 'latin1')).capabilities;
    const lacking = needs.filter((c) => !caps.has(c.toUpperCase()));
    if (lacking.length > 0)
      skipped.set(name, `server does not announce ${lacking.map((c) => c.toUpperCase()).join(' ')}`);
  }
  const runnable = scripts.filter((s) => !skipped.has(s));
  const outcomes = new Map(runnable.map((s) => [s, runScript(s)] as const));
  const passes = (o: Outcome) => o.error === undefined && o.failures.length === 0;
  const passed = [...outcomes.values()].filter(passes).length;
  const skipList = [...skipped].map(([s, why]) => `${s} (${why})`).join(', ');
  const known = Object.keys(KNOWN_FAILURES);
  console.log(
    `imaptest: ${passed}/${runnable.length} scripts pass (${skipped.size} skipped: ${skipList})` +
      (known.length > 0 ? `; known failures: ${known.join(', ')}` : ''),
  );
  const describeOutcome = (o: Outcome) =>
    [...(o.error === undefined ? [] : [`stopped: ${o.error}`]), ...o.failures.map((f) => f.text)].join(
      '\n',
    ) || 'pass';

  it('skips only for a capability the server does not announce, or a listed reason', () => {
    expect(runnable.length + skipped.size).toBe(scripts.length);
    for (const name of Object.keys(SKIP)) expect(scripts).toContain(name);
    for (const name of known) expect(runnable).toContain(name);
  });

  for (const name of runnable) {
    const knownFailure = KNOWN_FAILURES[name];
    it(`${name}${knownFailure === undefined ? '' : ' (known failure)'}`, () => {
      const outcome = outcomes.get(name)!;
      if (knownFailure === undefined) expect(describeOutcome(outcome)).toBe('pass');
      else {
        expect(outcome.error, describeOutcome(outcome)).toBeUndefined();
        const lines = [...new Set(outcome.failures.map((f) => f.line))].sort((a, b) => a - b);
        expect(
          lines,
          `${describeOutcome(outcome)}\n(KNOWN_FAILURES lists lines ${knownFailure.lines.join(', ')})`,
        ).toEqual(knownFailure.lines);
      }
    });
  }
  it('reports differences (negative control: a script with wrong expectations fails on exactly those lines)', () => {
    const script = [
      'messages: 3',
      '',
      'ok fetch 1:3 uid', // 3
      '* 1 fetch (uid $uid1)',
      '* 2 fetch (uid $uid1)', // 5: $uid1 is bound to message 1's UID
      'ok store 1 flags \\seen', // 6
      '* 1 fetch (flags (\\answered))', // 7
      '* 1 fetch (flags (\\seen \\recent))',
      'ok search all', // 9
      '* search 1 2', // 10: there are 3
      '! search 1 2 3', // 11
      'no noop', // 12
      'ok fetch 1 body.peek[header.fields (nothing)]', // 13
      '* 1 fetch (body[header.fields (nothing)] {{{',
      'x',
      '}}})', // 14 (the reply's line)
      'ok store 1,3 +flags \\deleted', // 17
      'ok expunge', // 18
      '* $1 expunge',
      '* $2 expunge', // 20: message 3 went, not 2
      '',
    ].join('\n');
    const outcome = runScript('fetch', script);
    expect(outcome.error).toBeUndefined();
    expect([...new Set(outcome.failures.map((f) => f.line))]).toEqual([5, 7, 10, 11, 12, 14, 20]);
  });

  for (const [name, why] of skipped) it.skip(`${name}: ${why}`, () => {});
});
