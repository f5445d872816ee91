/**
 * Tab completion for the terminal's command line, the way a shell completes:
 * the verb being typed (SMTP's or POP3's, by the port the terminal is
 * connected to), then for SMTP `FROM:<` after MAIL and `TO:<` after RCPT.
 * It only ever completes at the end of the line, which is where a learner
 * types; with the cursor elsewhere, Tab does nothing here and moves focus on.
 */
import { POP3_VERBS, SMTP_VERBS } from '../../../simulators/index.ts';

/** Whose commands the terminal completes. */
export type CommandProtocol = 'smtp' | 'pop3';

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
};

const VERBS: Readonly<Record<CommandProtocol, readonly string[]>> = {
  smtp: SMTP_VERBS,
  pop3: POP3_VERBS,
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
): Completion | undefined {
  if (cursor !== text.length || text.trim() === '') return undefined;
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

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
