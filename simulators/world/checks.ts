/**
 * Checks: small declarative conditions on a world's trace, written as data
 * so that presets and lessons can carry them and the app can tell a learner
 * when a scenario is fixed. For example "the last message from
 * alice@example.com to bob@example.net has SPF pass and DMARC pass":
 *
 *     { type: 'auth', message: { from: 'alice@example.com', to: 'bob@example.net' },
 *       spf: 'pass', dmarc: 'pass' }
 *
 * Theory of operation. A check names the facts it looks at (trace-facts.ts:
 * auth verdicts, deliveries into mailboxes, SMTP replies) through a filter,
 * and what must hold of them. `which` says which of the matching facts
 * count: `last` (the default: the most recent one, so a fix shows as soon
 * as the next message passes), `any` (at least one) or `every` (all of
 * them, and there is at least one). With no matching fact yet, a check does
 * not pass. `all`, `any` and `not` combine checks.
 *
 * Evaluation reads only the trace (DESIGN.md: the trace is the truth), is
 * pure, and says in `seen` what it found, for the learner.
 */
import type { DkimVerdict } from '../auth/dkim/verify.ts';
import type { DmarcPolicy } from '../auth/dmarc/record.ts';
import type { DmarcResultCode } from '../auth/dmarc/types.ts';
import type { SpfResultCode } from '../auth/spf/evaluate.ts';
import type { TraceEvent } from '../trace/events.ts';
import { TraceFacts, type AuthFact, type DeliveryFact, type SmtpExchange } from './trace-facts.ts';

/** One value, or any of several. */
export type OneOf<T> = T | readonly T[];

/** Which of the matching facts must satisfy the check. */
export type Which = 'last' | 'any' | 'every';

/** Picks messages; every field given must match (addresses and hosts case-insensitively). */
export interface MessageMatch {
  /** The envelope sender (MAIL FROM); `<>` for the null sender of bounces. */
  readonly from?: string;
  /** One of the envelope recipients. */
  readonly to?: string;
  /** The host that checked or delivered it. */
  readonly at?: string;
  /** The client it came from, by host id or address (auth verdicts only). */
  readonly client?: string;
}

/** The receiving MTA's SPF, DKIM and DMARC verdicts and DMARC disposition on a message. */
export interface AuthCheck {
  readonly type: 'auth';
  readonly message?: MessageMatch;
  readonly which?: Which;
  readonly spf?: OneOf<SpfResultCode>;
  /** Holds when some signature has one of these results (`none`: the message had none). */
  readonly dkim?: OneOf<DkimVerdict>;
  readonly dmarc?: OneOf<DmarcResultCode>;
  /** What the receiver did by DMARC: `none` delivers, `quarantine` files as Junk, `reject` refuses. */
  readonly disposition?: OneOf<DmarcPolicy>;
}

/** A message delivered into a mailbox. */
export interface DeliveredCheck {
  readonly type: 'delivered';
  readonly message?: MessageMatch;
  readonly which?: Which;
  /** The mailbox's name (`INBOX`, `Junk`); any when absent. */
  readonly mailbox?: string;
}

/** A bounce (a message from the null sender, RFC 5321 §4.5.5) delivered to `to`. */
export interface BounceCheck {
  readonly type: 'bounce';
  readonly to: string;
}

/** A reply class: `5xx` is any permanent failure. */
export type ReplyClass = '2xx' | '3xx' | '4xx' | '5xx';

/** The reply an SMTP server gave to a command. */
export interface ReplyCheck {
  readonly type: 'reply';
  /** The verb (`RCPT`), or `greeting`, or `end-of-data` (the final dot). */
  readonly command: string;
  readonly code: OneOf<number | ReplyClass>;
  /** The server's host. */
  readonly at?: string;
  /** The client, by host id or address. */
  readonly client?: string;
  readonly which?: Which;
}

/** Every one of `of` holds. */
export interface AllCheck {
  readonly type: 'all';
  readonly of: readonly Check[];
}

/** At least one of `of` holds. */
export interface AnyCheck {
  readonly type: 'any';
  readonly of: readonly Check[];
}

/** `check` does not hold. */
export interface NotCheck {
  readonly type: 'not';
  readonly check: Check;
}

/** A condition on the trace. */
export type Check = AuthCheck | DeliveredCheck | BounceCheck | ReplyCheck | AllCheck | AnyCheck | NotCheck;

/** Whether a check holds, and what it saw, in words. */
export interface CheckOutcome {
  readonly pass: boolean;
  readonly seen: readonly string[];
}

/** Evaluates `check` on a trace (pass a `TraceFacts` to share the reading among several checks). */
export function evaluateCheck(check: Check, trace: readonly TraceEvent[] | TraceFacts): CheckOutcome {
  const facts = trace instanceof TraceFacts ? trace : new TraceFacts(trace);
  switch (check.type) {
    case 'all':
    case 'any': {
      const parts = check.of.map((c) => evaluateCheck(c, facts));
      const pass = check.type === 'all' ? parts.every((p) => p.pass) : parts.some((p) => p.pass);
      return { pass, seen: parts.flatMap((p) => p.seen) };
    }
    case 'not': {
      const inner = evaluateCheck(check.check, facts);
      return { pass: !inner.pass, seen: inner.seen };
    }
    case 'auth':
      return quantify(
        facts.auth.filter((f) => matches(check.message, f, facts)),
        check.which,
        (f) => authHolds(check, f),
        describeAuth,
        `no message${messageWords(check.message)} has been checked yet`,
      );
    case 'delivered':
      return quantify(
        facts.deliveries.filter((f) => matches(check.message, f, facts)),
        check.which,
        (f) => check.mailbox === undefined || sameMailbox(f.mailbox, check.mailbox),
        describeDelivery,
        `no message${messageWords(check.message)} has been delivered yet`,
      );
    case 'bounce':
      return quantify(
        facts.deliveries.filter((f) => matches({ from: '<>', to: check.to }, f, facts)),
        'any',
        () => true,
        describeDelivery,
        `no bounce has reached ${check.to} yet`,
      );
    case 'reply':
      return quantify(
        facts.smtp.filter(
          (x) =>
            x.command.toLowerCase() === check.command.toLowerCase() &&
            (check.at === undefined || same(x.at, check.at)) &&
            (check.client === undefined || isClient(check.client, x.client, x.clientHost)),
        ),
        check.which,
        (x) => oneOf(check.code).some((code) => codeMatches(x.code, code)),
        describeExchange,
        `no server has answered ${check.command}${check.at ? ` on ${check.at}` : ''} yet`,
      );
  }
}

/** The check in words, as a goal ("the last message from … has spf=pass and dmarc=pass"). */
export function describeCheck(check: Check): string {
  switch (check.type) {
    case 'all':
      return check.of.map(describeCheck).join('; and ');
    case 'any':
      return `one of: ${check.of.map(describeCheck).join('; or ')}`;
    case 'not':
      return `not (${describeCheck(check.check)})`;
    case 'auth': {
      const wanted = (['spf', 'dkim', 'dmarc', 'disposition'] as const).flatMap((k) => {
        const v = check[k];
        return v === undefined ? [] : [`${k}=${oneOf<string>(v).join(' or ')}`];
      });
      return `${whichWords(check.which)} message${messageWords(check.message)} has ${wanted.join(', ') || 'been checked'}`;
    }
    case 'delivered':
      return `${whichWords(check.which)} message${messageWords(check.message)} is delivered${check.mailbox ? ` into ${check.mailbox}` : ''}`;
    case 'bounce':
      return `a bounce reaches ${check.to}`;
    case 'reply':
      return `${check.which === 'any' ? 'a' : check.which === 'every' ? 'every' : 'the last'} reply to ${check.command}${check.at ? ` on ${check.at}` : ''}${check.client ? ` from ${check.client}` : ''} is ${oneOf<number | string>(check.code).join(' or ')}`;
  }
}

function quantify<F>(
  found: readonly F[],
  which: Which = 'last',
  holds: (f: F) => boolean,
  describe: (f: F) => string,
  nothing: string,
): CheckOutcome {
  const last = found.at(-1);
  if (last === undefined) return { pass: false, seen: [nothing] };
  if (which === 'last') return { pass: holds(last), seen: [describe(last)] };
  if (which === 'any') {
    const hit = found.find(holds);
    return { pass: hit !== undefined, seen: [describe(hit ?? last)] };
  }
  const miss = found.find((f) => !holds(f));
  return { pass: miss === undefined, seen: [describe(miss ?? last)] };
}

function authHolds(check: AuthCheck, f: AuthFact): boolean {
  return (
    (check.spf === undefined || oneOf<string>(check.spf).includes(f.spf)) &&
    (check.dkim === undefined || oneOf<string>(check.dkim).some((v) => f.dkim.includes(v))) &&
    (check.dmarc === undefined || oneOf<string>(check.dmarc).includes(f.dmarc)) &&
    (check.disposition === undefined || oneOf<string>(check.disposition).includes(f.disposition))
  );
}

function matches(m: MessageMatch | undefined, f: AuthFact | DeliveryFact, facts: TraceFacts): boolean {
  if (m === undefined) return true;
  if (m.from !== undefined && !same(f.from, m.from)) return false;
  if (m.to !== undefined && !(typeof f.to === 'string' ? [f.to] : f.to).some((t) => same(t, m.to!)))
    return false;
  if (m.at !== undefined && !same(f.at, m.at)) return false;
  if (m.client !== undefined) {
    if (!('client' in f)) return false;
    if (!isClient(m.client, f.client, f.clientHost ?? facts.hostOf(f.client))) return false;
  }
  return true;
}

function isClient(wanted: string, address: string, host: string | undefined): boolean {
  return same(address, wanted) || (host !== undefined && same(host, wanted));
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const sameMailbox = (a: string, b: string) => (a.toUpperCase() === 'INBOX' ? same(a, b) : a === b);

function oneOf<T>(v: T | readonly T[]): readonly T[] {
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function codeMatches(code: number, wanted: number | ReplyClass): boolean {
  return typeof wanted === 'number' ? code === wanted : String(code)[0] === wanted[0];
}

function whichWords(which: Which = 'last'): string {
  return which === 'last' ? 'the last' : which === 'any' ? 'a' : 'every';
}

function messageWords(m: MessageMatch | undefined): string {
  if (m === undefined) return '';
  return [
    m.from === undefined ? '' : ` from ${m.from}`,
    m.to === undefined ? '' : ` to ${m.to}`,
    m.client === undefined ? '' : ` sent by ${m.client}`,
    m.at === undefined ? '' : ` at ${m.at}`,
  ].join('');
}

function describeAuth(f: AuthFact): string {
  const verdicts = `spf=${f.spf} dkim=${f.dkim.join(',')} dmarc=${f.dmarc}`;
  const action =
    f.disposition === 'reject' ? 'refused' : f.disposition === 'quarantine' ? 'sent to Junk' : 'accepted';
  return `${f.at} checked ${f.from} → ${f.to.join(', ')} from ${f.clientHost ?? f.client}: ${verdicts}; ${action}`;
}

function describeDelivery(f: DeliveryFact): string {
  return `${f.at} delivered ${f.from} → ${f.to} into ${f.mailbox}`;
}

function describeExchange(x: SmtpExchange): string {
  return `${x.at} answered ${x.command || 'nothing'} from ${x.clientHost ?? x.client}: ${x.code} ${x.text}`;
}
