/**
 * Tab completion for the terminal's command line, the way a shell completes:
 * the verb being typed (SMTP's, POP3's or IMAP's, by the port the terminal is
 * connected to), then for SMTP `FROM:<` after MAIL and `TO:<` after RCPT.
 * IMAP commands start with a tag (RFC 3501 §2.2.1): a command typed without
 * one gets the next tag put in front (`LOGIN bob pw` → `a1 LOGIN bob pw`),
 * and after `UID` the commands that have a UID form complete.
 * It only ever completes at the end of the line, which is where a learner
 * types; with the cursor elsewhere, Tab does nothing here and moves focus on.
 */
import { IMAP_UID_VERBS, IMAP_VERBS, POP3_VERBS, SMTP_VERBS } from '../../../simulators/index.ts';

/** Whose commands the terminal completes. */
export type CommandProtocol = 'smtp' | 'pop3' | 'imap';

/** What IMAP completion needs to know of the conversation. */
export interface ImapCompletionContext {
  /** The tag to put in front of a command typed without one. */
  readonly nextTag: string;
  /** What the line is: a new command, IDLE's DONE, or something else (literal data, a SASL response). */
  readonly expecting: 'command' | 'done' | 'other';
}

/** What pressing Tab does to the line. */
export type Completion =
  /** The line becomes `text` (cursor at its end). */
  | { readonly kind: 'replace'; readonly text: string }
  /** Several verbs fit and none is longer than what is typed: show them, as a shell lists choices. */
  | { readonly kind: 'options'; readonly options: readonly string[] };

/**
 * Verbs completed without a space after them: those that take no argument
 * (SMTP: RFC 5321 §4.1.1.4, §4.1.1.5, §4.1.1.10, RFC 3207 §4; POP3: RFC 1939
 * §5, §6, RFC 2449 §5, RFC 2595 §4) and those whose argument may be left out
 * (SMTP HELP and NOOP, RFC 5321 §4.1.1.8, §4.1.1.9; POP3 LIST and UIDL,
 * RFC 1939 §5, §7).
 */
const NO_SPACE: Readonly<Record<CommandProtocol, ReadonlySet<string>>> = {
  smtp: new Set(['DATA', 'RSET', 'QUIT', 'STARTTLS', 'HELP', 'NOOP']),
  pop3: new Set(['STAT', 'NOOP', 'RSET', 'QUIT', 'CAPA', 'STLS', 'LIST', 'UIDL']),
  // RFC 3501 §6.1, §6.2.1, §6.4.1–3, RFC 2177, RFC 2342, RFC 3691.
  imap: new Set([
    'CAPABILITY',
    'NOOP',
    'LOGOUT',
    'STARTTLS',
    'CHECK',
    'CLOSE',
    'EXPUNGE',
    'IDLE',
    'NAMESPACE',
    'UNSELECT',
  ]),
};

const VERBS: Readonly<Record<CommandProtocol, readonly string[]>> = {
  smtp: SMTP_VERBS,
  pop3: POP3_VERBS,
  imap: [...IMAP_VERBS, 'UID'],
};

/** The fixed start of the argument of MAIL and RCPT (RFC 5321 §4.1.1.2, §4.1.1.3). */
const PATH_PREFIX: Readonly<Record<string, string>> = { MAIL: 'FROM:<', RCPT: 'TO:<' };

/**
 * Completes `text` with the cursor at `cursor`, as a command of `protocol`;
 * undefined when there is nothing to complete (empty line, cursor not at the
 * end, an unknown word, or an argument past its fixed start).
 */
export function completeCommand(
  text: string,
  cursor: number,
  protocol: CommandProtocol = 'smtp',
  imap: ImapCompletionContext = { nextTag: 'a1', expecting: 'command' },
): Completion | undefined {
  if (cursor !== text.length || text.trim() === '') return undefined;
  if (protocol === 'imap') return completeImap(text, imap);
  const lead = /^\s*/.exec(text)![0];
  const rest = text.slice(lead.length);
  const space = rest.indexOf(' ');
  if (space === -1) return completeVerb(lead, rest, protocol);
  if (protocol !== 'smtp') return undefined;
  const verb = rest.slice(0, space).toUpperCase();
  const prefix = PATH_PREFIX[verb];
  if (prefix === undefined) return undefined;
  const argument = rest.slice(space + 1).replace(/^ +/, '');
  if (argument.length >= prefix.length || !prefix.startsWith(argument.toUpperCase())) return undefined;
  return { kind: 'replace', text: `${lead}${rest.slice(0, space).toUpperCase()} ${prefix}` };
}

function completeVerb(lead: string, word: string, protocol: CommandProtocol): Completion | undefined {
  const upper = word.toUpperCase();
  const matches = VERBS[protocol].filter((v) => v.startsWith(upper));
  if (matches.length === 0) return undefined;
  if (matches.length === 1) {
    const verb = matches[0]!;
    const bare = NO_SPACE[protocol].has(verb);
    // A verb typed in full that takes no argument is already complete.
    if (bare && verb === upper) return word === verb ? undefined : { kind: 'replace', text: lead + verb };
    return { kind: 'replace', text: lead + verb + (bare ? '' : ' ') };
  }
  const common = commonPrefix(matches);
  if (common.length > upper.length) return { kind: 'replace', text: lead + common };
  return { kind: 'options', options: matches };
}

const isImapVerb = (word: string) => VERBS.imap.includes(word.toUpperCase());

/**
 * IMAP: `[tag] verb [UID verb] …`. A first word that is (or begins) a verb
 * means the tag is missing, and it is put in front; otherwise the first
 * word is the tag and the verb after it completes.
 */
function completeImap(text: string, context: ImapCompletionContext): Completion | undefined {
  if (context.expecting === 'done')
    return 'DONE'.startsWith(text.trim().toUpperCase()) && text.trim() !== 'DONE'
      ? { kind: 'replace', text: 'DONE' }
      : undefined;
  if (context.expecting !== 'command') return undefined;
  const words = text.trimStart().split(' ');
  const [first = '', ...rest] = words;
  if (rest.length === 0) {
    // One word: a verb begun without a tag, or a tag being typed.
    const done =
      completeVerb('', first, 'imap') ??
      (isImapVerb(first) ? ({ kind: 'replace', text: first.toUpperCase() } as const) : undefined);
    if (done === undefined) return undefined;
    const tagged = (t: string) => `${context.nextTag} ${t}`;
    return done.kind === 'replace' ? { kind: 'replace', text: tagged(done.text) } : done;
  }
  // A whole verb first: the learner left the tag out.
  if (isImapVerb(first)) return { kind: 'replace', text: `${context.nextTag} ${text.trimStart()}` };
  const [verb = '', ...after] = rest;
  const head = `${first} `;
  if (after.length === 0) {
    const done = completeVerb('', verb, 'imap');
    return done?.kind === 'replace' ? { kind: 'replace', text: head + done.text } : done;
  }
  if (verb.toUpperCase() === 'UID' && after.length === 1) {
    const typed = after[0]!.toUpperCase();
    const matches = IMAP_UID_VERBS.filter((v) => v.startsWith(typed));
    if (matches.length === 1 && matches[0] !== typed)
      return { kind: 'replace', text: `${head}UID ${matches[0]!} ` };
    if (matches.length > 1) {
      const common = commonPrefix(matches);
      return common.length > typed.length
        ? { kind: 'replace', text: `${head}UID ${common}` }
        : { kind: 'options', options: matches };
    }
  }
  return undefined;
}

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
