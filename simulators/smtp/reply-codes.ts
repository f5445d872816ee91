/**
 * The reply catalogue: what each SMTP reply code (RFC 5321 §4.2) and
 * enhanced status code (RFC 3463, registered at IANA "SMTP Enhanced Status
 * Codes") means, once in the RFC's words and once for a learner. The
 * terminal shows these on hover, so each explanation says what happened and
 * what a sender does next.
 */

/** One entry of the catalogue. */
export interface CodeInfo {
  /** The code, e.g. `550` or `5.1.1`. */
  readonly code: string;
  /** The RFC's meaning, in one line. */
  readonly meaning: string;
  /** A plain-language explanation for a learner. */
  readonly explanation: string;
  /** Where the code is defined, e.g. `RFC 5321 §4.2.3`. */
  readonly rfc: string;
}

const entry = (code: string, meaning: string, explanation: string, rfc: string): CodeInfo => ({
  code,
  meaning,
  explanation,
  rfc,
});

const R = 'RFC 5321 §4.2.3';

/** Basic reply codes (RFC 5321 §4.2.3 and the extensions that add codes). */
export const REPLY_CODES: ReadonlyMap<number, CodeInfo> = new Map(
  [
    entry(
      '211',
      'System status, or system help reply',
      'Status information about the server, sent in answer to a request for it.',
      R,
    ),
    entry(
      '214',
      'Help message',
      'Human-readable help, usually the answer to HELP. Programs ignore the text.',
      R,
    ),
    entry(
      '220',
      '<domain> Service ready',
      'The server greets you and is ready for commands; also the go-ahead to start TLS after STARTTLS (RFC 3207).',
      R,
    ),
    entry(
      '221',
      '<domain> Service closing transmission channel',
      'Goodbye: the server will close the connection, usually after QUIT.',
      R,
    ),
    entry(
      '235',
      'Authentication successful',
      'AUTH worked: you are logged in for the rest of this connection.',
      'RFC 4954 §6',
    ),
    entry(
      '250',
      'Requested mail action okay, completed',
      'Yes, done. The command succeeded — after the final "." this means the server has taken responsibility for the message.',
      R,
    ),
    entry(
      '251',
      'User not local; will forward to <forward-path>',
      'The recipient is accepted but lives elsewhere; this server will forward the message.',
      R,
    ),
    entry(
      '252',
      'Cannot VRFY user, but will accept message and attempt delivery',
      'The server will not confirm whether the address exists (to stop address harvesting), but it will try to deliver.',
      R,
    ),
    entry(
      '334',
      'Server challenge (AUTH continuation)',
      'The server wants the next step of the login: the text is base64, and you answer with a base64 line (or "*" to give up).',
      'RFC 4954 §4',
    ),
    entry(
      '354',
      'Start mail input; end with <CRLF>.<CRLF>',
      'Send the message now — headers, a blank line, the body — and finish with a line holding only a dot.',
      R,
    ),
    entry(
      '421',
      '<domain> Service not available, closing transmission channel',
      'The server is shutting this connection down (overload, timeout, too many errors). Try again later.',
      R,
    ),
    entry(
      '450',
      'Requested mail action not taken: mailbox unavailable',
      'Temporary failure for this mailbox (busy, or greylisted by policy). The sender should retry later.',
      R,
    ),
    entry(
      '451',
      'Requested action aborted: local error in processing',
      'Something went wrong on the server side (often a failed DNS lookup). Temporary: retry later.',
      R,
    ),
    entry(
      '452',
      'Requested action not taken: insufficient system storage',
      'The server is out of space, or you hit a per-message recipient limit. Temporary: retry later.',
      R,
    ),
    entry(
      '454',
      'TLS not available / temporary authentication failure',
      'STARTTLS or AUTH cannot be done right now (RFC 3207 §4, RFC 4954 §6). Temporary: retry later.',
      'RFC 3207 §4, RFC 4954 §6',
    ),
    entry(
      '455',
      'Server unable to accommodate parameters',
      'The server understood the MAIL or RCPT parameters but cannot honour them right now.',
      R,
    ),
    entry(
      '500',
      'Syntax error, command unrecognized',
      'The server could not make sense of the line: unknown command, a line that is too long, or garbage.',
      R,
    ),
    entry(
      '501',
      'Syntax error in parameters or arguments',
      'The command is known but its arguments are wrong, e.g. a malformed address or missing FROM:.',
      R,
    ),
    entry(
      '502',
      'Command not implemented',
      'The server knows this command exists but does not support it.',
      R,
    ),
    entry(
      '503',
      'Bad sequence of commands',
      'Right command, wrong moment: e.g. RCPT before MAIL, DATA before RCPT, or MAIL before EHLO.',
      R,
    ),
    entry(
      '504',
      'Command parameter not implemented',
      'The command is supported but not with that parameter — e.g. an AUTH mechanism the server does not offer.',
      R,
    ),
    entry(
      '530',
      'Authentication required',
      'This server only accepts the command after you log in with AUTH — or after STARTTLS (RFC 3207).',
      'RFC 4954 §6, RFC 3207 §4',
    ),
    entry(
      '534',
      'Authentication mechanism is too weak',
      'The server wants a stronger login method than the one you chose.',
      'RFC 4954 §6',
    ),
    entry(
      '535',
      'Authentication credentials invalid',
      'Login failed: wrong user name or password (or token).',
      'RFC 4954 §6',
    ),
    entry(
      '538',
      'Encryption required for requested authentication mechanism',
      'This login method is only allowed over TLS: run STARTTLS first.',
      'RFC 4954 §6',
    ),
    entry(
      '550',
      'Requested action not taken: mailbox unavailable',
      'Permanent refusal: no such mailbox, or the server refuses it by policy (e.g. relaying denied, failed SPF/DMARC). Do not retry.',
      R,
    ),
    entry(
      '551',
      'User not local; please try <forward-path>',
      'This server will not forward to that recipient; the text may say where to send instead.',
      R,
    ),
    entry(
      '552',
      'Requested mail action aborted: exceeded storage allocation',
      'Too big: the message exceeds the size limit or the mailbox is full.',
      R,
    ),
    entry(
      '553',
      'Requested action not taken: mailbox name not allowed',
      'The address itself is not acceptable (bad syntax, or not allowed for this sender).',
      R,
    ),
    entry(
      '554',
      'Transaction failed (or "No SMTP service here" as a greeting)',
      'Permanent failure of the whole transaction, e.g. the message was rejected as spam or no valid recipients.',
      R,
    ),
    entry(
      '555',
      'MAIL FROM/RCPT TO parameters not recognized or not implemented',
      'The server does not know one of the KEY=value parameters after the address.',
      R,
    ),
  ].map((e) => [Number(e.code), e]),
);

/** Subjects of enhanced codes (RFC 3463 §3.1–3.8): the middle number. */
const SUBJECTS: ReadonlyMap<string, string> = new Map([
  ['0', 'other or undefined status'],
  ['1', 'addressing'],
  ['2', 'the mailbox'],
  ['3', 'the mail system'],
  ['4', 'the network or routing'],
  ['5', 'the mail delivery protocol'],
  ['6', 'the message content or media'],
  ['7', 'security or policy'],
]);

/** Classes of enhanced codes (RFC 3463 §3.1): the first number. */
const CLASSES: ReadonlyMap<string, string> = new Map([
  ['2', 'Success'],
  ['4', 'Persistent transient failure: retrying later may work'],
  ['5', 'Permanent failure: retrying the same thing will fail again'],
]);

const X = 'RFC 3463';

/**
 * Enhanced status codes by "subject.detail"; the class (2, 4, 5) adds
 * whether it is a success, a temporary or a permanent failure.
 */
const DETAILS: ReadonlyMap<string, Omit<CodeInfo, 'code'>> = new Map(
  [
    entry(
      '0.0',
      'Other undefined status',
      'Nothing more specific to say; read the reply code and text.',
      `${X} §3.1`,
    ),
    entry(
      '1.0',
      'Other address status',
      'Something about an address; used on success for MAIL FROM ("sender ok").',
      `${X} §3.2`,
    ),
    entry(
      '1.1',
      'Bad destination mailbox address',
      'The recipient mailbox does not exist at that domain ("user unknown").',
      `${X} §3.2`,
    ),
    entry(
      '1.2',
      'Bad destination system address',
      'The recipient domain does not exist or does not accept mail.',
      `${X} §3.2`,
    ),
    entry(
      '1.3',
      'Bad destination mailbox address syntax',
      'The recipient address is not written correctly.',
      `${X} §3.2`,
    ),
    entry(
      '1.5',
      'Destination address valid',
      'The recipient is accepted; used on success for RCPT TO.',
      `${X} §3.2`,
    ),
    entry(
      '1.6',
      'Destination mailbox has moved, no forwarding address',
      'The mailbox existed but has moved away.',
      `${X} §3.2`,
    ),
    entry(
      '1.7',
      "Bad sender's mailbox address syntax",
      'The MAIL FROM address is not written correctly.',
      `${X} §3.2`,
    ),
    entry(
      '1.8',
      "Bad sender's system address",
      'The sender domain does not exist or cannot receive replies (bounces).',
      `${X} §3.2`,
    ),
    entry(
      '1.10',
      'Recipient address has null MX',
      'The recipient domain publishes a "null MX": it never accepts mail.',
      'RFC 7505',
    ),
    entry(
      '2.0',
      'Other or undefined mailbox status',
      'Something about the mailbox; see the text.',
      `${X} §3.3`,
    ),
    entry(
      '2.1',
      'Mailbox disabled, not accepting messages',
      'The mailbox exists but is switched off.',
      `${X} §3.3`,
    ),
    entry('2.2', 'Mailbox full', 'The recipient is over quota.', `${X} §3.3`),
    entry(
      '2.3',
      'Message length exceeds administrative limit',
      'The message is bigger than this mailbox allows.',
      `${X} §3.3`,
    ),
    entry(
      '3.0',
      'Other or undefined mail system status',
      'A problem in the receiving mail system; often temporary.',
      `${X} §3.4`,
    ),
    entry(
      '3.4',
      'Message too big for system',
      'The message is larger than the server accepts (its SIZE limit).',
      `${X} §3.4`,
    ),
    entry(
      '4.1',
      'No answer from host',
      'The next server did not answer the connection attempt.',
      `${X} §3.5`,
    ),
    entry(
      '4.2',
      'Bad connection',
      'The connection broke or timed out in the middle of the exchange.',
      `${X} §3.5`,
    ),
    entry('4.3', 'Directory server failure', 'A lookup (usually DNS) failed.', `${X} §3.5`),
    entry(
      '4.4',
      'Unable to route',
      'No route to the destination: e.g. no MX or address records.',
      `${X} §3.5`,
    ),
    entry(
      '4.6',
      'Routing loop detected',
      'The message came back to a server it already passed (too many Received: headers): mail is going in circles.',
      `${X} §3.5`,
    ),
    entry('4.7', 'Delivery time expired', 'The sender gave up after retrying for too long.', `${X} §3.5`),
    entry(
      '5.0',
      'Other or undefined protocol status',
      'An SMTP protocol problem; see the text.',
      `${X} §3.6`,
    ),
    entry(
      '5.1',
      'Invalid command',
      'The command is not valid here: unknown, or sent at the wrong moment.',
      `${X} §3.6`,
    ),
    entry('5.2', 'Syntax error', 'The line could not be parsed.', `${X} §3.6`),
    entry(
      '5.3',
      'Too many recipients',
      'More RCPT TO commands than the server accepts for one message; send the rest in another transaction.',
      `${X} §3.6`,
    ),
    entry(
      '5.4',
      'Invalid command arguments',
      'The command is fine, its arguments are not (e.g. missing FROM:, unknown parameter, or arguments where none are allowed).',
      `${X} §3.6`,
    ),
    entry('5.5', 'Wrong protocol version', 'The server does not speak this protocol version.', `${X} §3.6`),
    entry(
      '5.6',
      'Authentication exchange line is too long',
      'An AUTH response line was longer than the server accepts.',
      'RFC 4954 §6',
    ),
    entry(
      '6.0',
      'Other or undefined media error',
      'Something about the message content; see the text.',
      `${X} §3.7`,
    ),
    entry(
      '6.7',
      'Non-ASCII addresses not permitted for that sender/recipient',
      'The address has non-ASCII characters but SMTPUTF8 was not requested on MAIL FROM.',
      'RFC 6531',
    ),
    entry(
      '7.0',
      'Other or undefined security status',
      'A security or policy problem; also "authentication required" (RFC 4954).',
      `${X} §3.8`,
    ),
    entry(
      '7.1',
      'Delivery not authorized, message refused',
      'Policy says no: e.g. relaying denied, sender blocked, or a failed DMARC check.',
      `${X} §3.8`,
    ),
    entry(
      '7.8',
      'Authentication credentials invalid',
      'AUTH failed: wrong user name or password.',
      'RFC 4954 §6',
    ),
    entry('7.9', 'Authentication mechanism is too weak', 'Choose a stronger AUTH mechanism.', 'RFC 4954 §6'),
    entry(
      '7.11',
      'Encryption required for requested authentication mechanism',
      'Use STARTTLS before this AUTH mechanism.',
      'RFC 4954 §6',
    ),
    entry(
      '7.20',
      'No passing DKIM signature found',
      'The message had no valid DKIM signature and the receiver required one.',
      'RFC 7372',
    ),
    entry(
      '7.23',
      'SPF validation failed',
      "The sending server's IP is not allowed by the sender domain's SPF record.",
      'RFC 7372',
    ),
    entry(
      '7.25',
      'Reverse DNS validation failed',
      "The sending IP's reverse DNS name does not match.",
      'RFC 7372',
    ),
    entry(
      '7.26',
      'Multiple authentication checks failed',
      'Several checks (SPF, DKIM, DMARC) failed together.',
      'RFC 7372',
    ),
    entry(
      '7.27',
      'Sender address has null MX',
      'The sender domain publishes a "null MX", so bounces could never be returned.',
      'RFC 7505',
    ),
  ].map((e) => [e.code, { meaning: e.meaning, explanation: e.explanation, rfc: e.rfc }]),
);

/**
 * Full codes whose use differs from the generic subject.detail meaning
 * (RFC 4954 §6 and RFC 3207 give their own sense to some class-specific codes).
 */
const FULL: ReadonlyMap<string, CodeInfo> = new Map(
  [
    entry(
      '2.0.0',
      'Other undefined status (success)',
      'Success, with nothing more specific to say (e.g. "250 2.0.0 Ok: queued").',
      `${X} §3.1`,
    ),
    entry(
      '2.6.0',
      'Other or undefined media status (success)',
      'Success on the message content: used by some servers when the message is queued.',
      `${X} §3.7`,
    ),
    entry(
      '2.7.0',
      'Other or undefined security status (success)',
      'A security step succeeded, e.g. "235 2.7.0 Authentication successful".',
      'RFC 4954 §6',
    ),
    entry(
      '4.3.0',
      'Other or undefined mail system status (temporary)',
      'A temporary problem on the receiving system; retry later.',
      `${X} §3.4`,
    ),
    entry(
      '4.5.3',
      'Too many recipients (temporary)',
      'No more recipients for this message now; send the rest in another transaction.',
      `${X} §3.6`,
    ),
    entry(
      '4.7.0',
      'Temporary authentication failure',
      'Authentication could not be checked right now (or TLS is unavailable); retry later.',
      'RFC 4954 §6',
    ),
    entry(
      '4.7.1',
      'Delivery not authorized (temporary)',
      'Refused by policy for now — greylisting often uses this: retry in a few minutes.',
      `${X} §3.8`,
    ),
    entry(
      '5.7.0',
      'Authentication required',
      'Log in with AUTH (or start TLS) before this command.',
      'RFC 4954 §6',
    ),
  ].map((e) => [e.code, e]),
);

/** RFC 5321 §4.2.1: what the first two digits of a reply code say. */
function explainDigits(code: number): CodeInfo {
  const first = Math.floor(code / 100);
  const second = Math.floor(code / 10) % 10;
  const kinds: Record<number, string> = {
    2: 'Positive completion: the action succeeded',
    3: 'Positive intermediate: send more to continue',
    4: 'Transient negative: not done, but trying again later may work',
    5: 'Permanent negative: not done, and repeating it will fail',
  };
  const areas: Record<number, string> = {
    0: 'syntax',
    1: 'information',
    2: 'the connection',
    3: 'unspecified',
    4: 'unspecified',
    5: 'the mail system',
  };
  const kind = kinds[first] ?? 'Not an SMTP reply code';
  return entry(
    String(code),
    kind,
    `${kind}; the second digit says it is about ${areas[second] ?? 'something unknown'}.`,
    'RFC 5321 §4.2.1',
  );
}

/** Looks up an enhanced code: the full code first, then its subject.detail, then its class and subject alone. */
export function explainEnhanced(enhanced: string): CodeInfo | undefined {
  const m = /^([245])\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(enhanced);
  if (m === null) return undefined;
  const full = FULL.get(enhanced);
  if (full !== undefined) return full;
  const [, cls, subject, detail] = m as unknown as [string, string, string, string];
  const classText = CLASSES.get(cls)!;
  const known = DETAILS.get(`${subject}.${detail}`);
  if (known !== undefined)
    return { code: enhanced, ...known, explanation: `${known.explanation} (${classText}.)` };
  const subjectText = SUBJECTS.get(subject) ?? 'an unregistered subject';
  return entry(
    enhanced,
    `${classText}; about ${subjectText}`,
    `${classText}. The problem concerns ${subjectText}.`,
    `${X} §3`,
  );
}

/** The explanation of a reply for the terminal's hover. */
export interface ReplyExplanation {
  /** The basic code: a catalogue entry, or what its digits mean. */
  readonly reply: CodeInfo;
  /** The enhanced code, when one was given and is well-formed. */
  readonly enhanced?: CodeInfo;
  /** `true` when the basic code is in the catalogue (not derived from its digits). */
  readonly known: boolean;
}

/** Explains a reply code and its optional enhanced code (RFC 5321 §4.2, RFC 3463). */
export function explainReply(code: number, enhanced?: string): ReplyExplanation {
  const known = REPLY_CODES.get(code);
  const e = enhanced === undefined ? undefined : explainEnhanced(enhanced);
  return {
    reply: known ?? explainDigits(code),
    ...(e === undefined ? {} : { enhanced: e }),
    known: known !== undefined,
  };
}

/** Whether an enhanced code has its own catalogue entry (not just a class and subject). */
export function isCatalogued(enhanced: string): boolean {
  const m = /^[245]\.([0-9]{1,3}\.[0-9]{1,3})$/.exec(enhanced);
  return m !== null && (FULL.has(enhanced) || DETAILS.has(m[1]!));
}
