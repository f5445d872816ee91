/**
 * Dovecot's imaptest scripts (shared/conformance/imap/imaptest-tests) as
 * test vectors for ENVELOPE, BODY, BODY[section]<partial> and BINARY
 * (STYLE.md §S5.7). The loader reads each script's `.mbox`, splits it at
 * `From ` lines and turns LF into CRLF (imaptest APPENDs messages that way),
 * then checks every FETCH reply item it can compute from the message alone.
 *
 * Script conventions handled here: `{{{`…`}}}` is a literal whose line
 * breaks stand for CRLF; `~{{{`…`}}}` is a literal8 holding the exact
 * octets (CRs written into the script); `! ` marks a reply that must
 * NOT be sent; `$var` binds to the server's output and cannot be checked
 * from the script; string and atom comparison is case-insensitive, as
 * imaptest's is.
 */
// Test files may read the suite from disk (the engine itself never does).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { formatImap } from './fixtures/imap-format.ts';
import {
  binarySection,
  binarySize,
  bodyStructure,
  envelope,
  messageSize,
  sectionBytes,
  type ByteRange,
  type Section,
  type SectionKind,
} from './imap-structures.ts';
import { parseMessage } from './message.ts';

const suiteDir = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/conformance/imap/imaptest-tests',
);

/** The scripts whose FETCH replies depend only on the message. */
const SCRIPTS = [
  'fetch-envelope',
  'fetch-bodystructure',
  'fetch-body',
  'fetch-body-mime',
  'fetch-body-message-rfc822',
  'fetch-body-message-rfc822-mime',
  'fetch-body-message-rfc822-x2',
  'fetch-binary-mime',
  'fetch-binary-mime-base64',
  'fetch-binary-mime-qp',
];

function loadMbox(name: string): Uint8Array[] {
  const text = readFileSync(resolve(suiteDir, `${name}.mbox`), 'latin1');
  return text
    .split(/^From .*\n/m)
    .filter((m) => m !== '')
    .map((m) => latin1Bytes(m.replace(/\r?\n/g, '\r\n')));
}

/** One `name value` item of an expected FETCH reply. */
interface ReplyItem {
  readonly name: string;
  readonly value: string;
  readonly kind: 'literal' | 'literal8' | 'quoted' | 'other';
}

interface Expectation {
  readonly seq: number;
  readonly negated: boolean;
  readonly command: string;
  readonly items: readonly ReplyItem[];
}

/** Reads `name value` pairs from the text after `fetch (`. */
function readItems(text: string): ReplyItem[] {
  const items: ReplyItem[] = [];
  let i = 0;
  const skipSpace = () => {
    while (text[i] === ' ') i++;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length || text[i] === ')') return items;
    let name = '';
    let depth = 0;
    while (i < text.length && (depth > 0 || (text[i] !== ' ' && text[i] !== ')'))) {
      if (text[i] === '[') depth++;
      if (text[i] === ']') depth--;
      name += text[i++];
    }
    skipSpace();
    if (text.startsWith('{{{\n', i) || text.startsWith('~{{{\n', i)) {
      const start = text.indexOf('{{{\n', i) + 4;
      const end = text.indexOf('\n}}}', start - 1);
      items.push({ name, value: text.slice(start, end), kind: text[i] === '~' ? 'literal8' : 'literal' });
      i = end + 4;
    } else if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      items.push({ name, value: text.slice(i + 1, end), kind: 'quoted' });
      i = end + 1;
    } else {
      const start = i;
      depth = 0;
      while (i < text.length && (depth > 0 || (text[i] !== ' ' && text[i] !== ')'))) {
        if (text[i] === '(') depth++;
        if (text[i] === ')') depth--;
        i++;
      }
      items.push({ name, value: text.slice(start, i), kind: 'other' });
    }
  }
}

function loadScript(name: string): Expectation[] {
  const text = readFileSync(resolve(suiteDir, name), 'latin1');
  const out: Expectation[] = [];
  let command = '';
  const re = /^(ok .*)$|^([*!]) (\d+) fetch \(/gim;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) {
      command = m[1];
      continue;
    }
    out.push({
      seq: Number(m[3]),
      negated: m[2] === '!',
      command,
      items: readItems(text.slice(re.lastIndex)),
    });
  }
  return out;
}

/** `body[2.header.fields (from subject)]<5>` → section; undefined for items we do not model. */
function parseSection(spec: string): Section | undefined {
  const m = /^([\d.]*?)\.?(header\.fields\.not|header\.fields|header|text|mime)?(?: \((.*)\))?$/i.exec(spec);
  if (!m) return undefined;
  const part = m[1] ? m[1].split('.').map(Number) : [];
  const kind = (m[2]?.toLowerCase() ?? 'full') as SectionKind;
  return m[3] === undefined ? { part, kind } : { part, kind, fields: m[3].split(' ') };
}

/** The `<start.length>` the command asked for the item whose reply name is `replyName`. */
function partialFor(command: string, replyName: string): ByteRange | undefined {
  const base = replyName.replace(/<\d+>$/, '').toLowerCase();
  const re = /(body|binary)(?:\.peek)?(\[[^\]]*\])<(\d+)\.(\d+)>/gi;
  for (const m of command.matchAll(re)) {
    if (`${m[1]}${m[2]}`.toLowerCase() === base) return { start: Number(m[3]), length: Number(m[4]) };
  }
  return undefined;
}

/** What we send for one reply item, as text; undefined when the item is not checkable. */
function actual(raw: Uint8Array, item: ReplyItem, command: string): string | undefined {
  const name = item.name.toLowerCase();
  const root = parseMessage(raw);
  const bytes = (b: Uint8Array | undefined) => (b === undefined ? 'NIL' : bytesToLatin1(b));
  if (name === 'envelope') return formatImap(envelope(root));
  if (name === 'body') return formatImap(bodyStructure(root, false));
  if (name === 'bodystructure') return formatImap(bodyStructure(root, true));
  if (name === 'rfc822.size') return String(messageSize(raw));
  if (name === 'rfc822') return bytes(raw);
  if (name === 'rfc822.header') return bytes(sectionBytes(raw, { part: [], kind: 'header' }));
  if (name === 'rfc822.text') return bytes(sectionBytes(raw, { part: [], kind: 'text' }));
  const m = /^(body|binary|binary\.size)\[(.*)\](?:<\d+>)?$/.exec(name);
  if (!m) return undefined;
  const section = parseSection(item.name.slice(item.name.indexOf('[') + 1, item.name.lastIndexOf(']')));
  if (!section) return undefined;
  const partial = partialFor(command, item.name);
  if (m[1] === 'body') return bytes(sectionBytes(raw, section, partial));
  if (m[1] === 'binary.size') return String(binarySize(raw, section.part));
  const result = binarySection(raw, section.part, partial);
  return result.ok ? bytesToLatin1(result.bytes) : 'NIL';
}

function matches(item: ReplyItem, got: string): boolean {
  // A literal's line breaks stand for CRLF; a literal8 holds the exact octets.
  if (item.kind === 'literal') return got === item.value.replace(/\r?\n/g, '\r\n');
  if (item.kind === 'literal8') return got === item.value;
  // The scripts write BODY in upper case ("TEXT" "PLAIN"); imaptest compares
  // those case-insensitively. Dovecot (and we) keep the header's case.
  const name = item.name.toLowerCase();
  if (name === 'body' || name === 'bodystructure') return got.toLowerCase() === item.value.toLowerCase();
  return got === item.value;
}

const available = existsSync(suiteDir);

describe.skipIf(!available)('imaptest FETCH vectors (shared/conformance/imap)', () => {
  // `$var` items: the first occurrence binds our own output, later ones must equal it.
  let bindings = 0;
  const rows = SCRIPTS.flatMap((script) => {
    const messages = loadMbox(script);
    const vars = new Map<string, string | undefined>();
    return loadScript(script).flatMap((exp, n) =>
      exp.items
        .filter((item) => item.name.toLowerCase() !== 'flags')
        .flatMap((item) => {
          const raw = messages[exp.seq - 1]!;
          if (!item.value.startsWith('$')) return [{ script, n, exp, item, raw }];
          const got = actual(raw, item, exp.command);
          if (!vars.has(item.value)) {
            vars.set(item.value, got);
            bindings++;
            return [];
          }
          const bound: ReplyItem = { name: item.name, value: vars.get(item.value) ?? '', kind: 'literal8' };
          return [{ script, n, exp, item: bound, raw }];
        }),
    );
  });

  it('finds every FETCH item of the scripts it reads', () => {
    expect({ checked: rows.length, bound: bindings }).toEqual({ checked: 108, bound: 4 });
  });

  it.each(rows.map((r) => [`${r.script} #${r.n} ${r.exp.negated ? 'NOT ' : ''}${r.item.name}`, r] as const))(
    '%s',
    (_label, { exp, item, raw }) => {
      const got = actual(raw, item, exp.command);
      expect(got, 'item not modelled').toBeDefined();
      expect(matches(item, got!)).toBe(!exp.negated);
    },
  );
});
