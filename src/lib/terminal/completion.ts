/**
 * Tab completion for the terminal's command line, the way a shell completes:
 * the SMTP verb being typed, then `FROM:<` after MAIL and `TO:<` after RCPT.
 * It only ever completes at the end of the line, which is where a learner
 * types; with the cursor elsewhere, Tab does nothing here and moves focus on.
 */
import { SMTP_VERBS } from '../../../simulators/index.ts';

/** What pressing Tab does to the line. */
export type Completion =
  /** The line becomes `text` (cursor at its end). */
  | { readonly kind: 'replace'; readonly text: string }
  /** Several verbs fit and none is longer than what is typed: show them, as a shell lists choices. */
  | { readonly kind: 'options'; readonly options: readonly string[] };

/** Verbs that take no argument (RFC 5321 §4.1.1.4, §4.1.1.5, §4.1.1.10; RFC 3207 §4): no space after them. */
const BARE_VERBS: ReadonlySet<string> = new Set(['DATA', 'RSET', 'QUIT', 'STARTTLS']);

/** Verbs whose argument may be left out (RFC 5321 §4.1.1.8, §4.1.1.9): no space either. */
const OPTIONAL_ARGUMENT_VERBS: ReadonlySet<string> = new Set(['HELP', 'NOOP']);

/** The fixed start of the argument of MAIL and RCPT (RFC 5321 §4.1.1.2, §4.1.1.3). */
const PATH_PREFIX: Readonly<Record<string, string>> = { MAIL: 'FROM:<', RCPT: 'TO:<' };

/**
 * Completes `text` with the cursor at `cursor`; undefined when there is
 * nothing to complete (empty line, cursor not at the end, an unknown word,
 * or an argument past its fixed start).
 */
export function completeCommand(text: string, cursor: number): Completion | undefined {
  if (cursor !== text.length || text.trim() === '') return undefined;
  const lead = /^\s*/.exec(text)![0];
  const rest = text.slice(lead.length);
  const space = rest.indexOf(' ');
  if (space === -1) return completeVerb(lead, rest);
  const verb = rest.slice(0, space).toUpperCase();
  const prefix = PATH_PREFIX[verb];
  if (prefix === undefined) return undefined;
  const argument = rest.slice(space + 1).replace(/^ +/, '');
  if (argument.length >= prefix.length || !prefix.startsWith(argument.toUpperCase())) return undefined;
  return { kind: 'replace', text: `${lead}${rest.slice(0, space).toUpperCase()} ${prefix}` };
}

function completeVerb(lead: string, word: string): Completion | undefined {
  const upper = word.toUpperCase();
  const matches = SMTP_VERBS.filter((v) => v.startsWith(upper));
  if (matches.length === 0) return undefined;
  if (matches.length === 1) {
    const verb = matches[0]!;
    const bare = BARE_VERBS.has(verb) || OPTIONAL_ARGUMENT_VERBS.has(verb);
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
