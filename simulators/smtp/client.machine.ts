/**
 * The SMTP client, one machine per connection (RFC 5321 with RFC 1870 SIZE,
 * RFC 2920 PIPELINING, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 6152 8BITMIME,
 * RFC 6531 SMTPUTF8). It serves both a MUA submitting to its MSA (port 587
 * with STARTTLS or 465 with implicit TLS, RFC 8314, with AUTH) and an MTA
 * relaying to an MX on port 25.
 *
 * Theory of operation. The machine sees whole replies, never bytes: the
 * session (client-session.ts) assembles reply lines (RFC 5321 §4.2.1) and
 * sends one event per reply, typed by the reply's first digit —
 * `reply.2xx`, `reply.3xx`, `reply.4xx`, `reply.5xx` — because §4.2.1 asks a
 * client to act on the first digit, not on the text. `421` has its own event,
 * `reply.421`: the server is shutting the channel down (§3.8) whatever it
 * was asked, so the root handles it in every state. Each state is named for
 * the reply it awaits and holds a `replyTimeout` (§4.5.3.2).
 *
 * The session runs greeting → EHLO (HELO when EHLO is refused with 5xx,
 * §3.2) → STARTTLS and EHLO again (RFC 3207 §4.2: what was learnt before TLS
 * is forgotten) → AUTH → `ready`. `extensionsKnown` is a decision point with
 * only eventless transitions: after every EHLO/HELO or AUTH success it picks
 * the next step from what the server offers and what the config demands.
 * `ready` starts the next queued message, or QUIT once the owner asked for it
 * and the queue is empty.
 *
 * A transaction is MAIL, RCPT × n, DATA. With PIPELINING (RFC 2920) all of
 * them leave in one batch; without it one at a time. Either way the replies
 * awaited are a queue in context (`awaiting`), matched in order (RFC 2920
 * §3.1: replies come in the order of the commands). The body goes only after
 * `354` (never pipelined), dot-stuffed by the session. If the server still
 * holds a transaction that failed before the final dot, RSET clears it
 * (RFC 5321 §4.1.1.5) before the next message.
 *
 * Invariants: every message handed to the machine is reported exactly once,
 * in an `out.result` — by the transaction, by a local refusal (SIZE,
 * SMTPUTF8), or with a synthetic 4xx when the session fails — and the
 * results of a failure come before its `out.failed`. `transaction` is set
 * exactly in the `transaction` states. Credentials are never sent before TLS
 * when `config.tls` is `'required'`.
 *
 * SIMPLIFICATION: one timeout value for every reply (§4.5.3.2 gives 5 minutes
 * for most, 2 for the greeting… 10 for the final dot); no DSN (RFC 3461), no
 * CHUNKING (RFC 3030); 8-bit data goes out unchanged to a server without
 * 8BITMIME (RFC 6152 §3 would have the client convert it to 7 bits, e.g.
 * quoted-printable; we don't); recipients refused with 452 "too many
 * recipients" are reported, not retried in a second transaction (§4.5.3.1.10):
 * the owner's queue retries them.
 */
import { and, assign, emit, enqueueActions, not, setup } from 'xstate';
import { base64Decode } from '../core/bytes.ts';
import type { TlsInfo } from '../core/session.ts';
import {
  cramMd5Response,
  encodeClientResponse,
  loginResponse,
  plainResponse,
  xoauth2Response,
} from '../auth/sasl.ts';
import type { MailParams, SmtpCommand } from './commands.ts';
import { normalisedLength } from './data.ts';
import { parseEhloKeywords } from './replies.ts';
import type { Reply } from './server.machine.ts';
// Type-only: the session owns the public types; the machine is its implementation.
import type { OutgoingMessage, RecipientResult, SmtpClientAuth, SmtpClientConfig } from './client-session.ts';

/** Input of one client machine. */
export interface SmtpClientInput {
  readonly config: SmtpClientConfig;
}

/** Events the session feeds the machine. */
export type SmtpClientEvent =
  | { type: 'reply.2xx' | 'reply.3xx' | 'reply.4xx' | 'reply.5xx' | 'reply.421'; reply: Reply }
  /** Reply lines that could not be read (RFC 5321 §4.2): the stream can no longer be trusted. */
  | { type: 'reply.malformed'; line: string; reason: string }
  | { type: 'tls.established'; info: TlsInfo }
  | { type: 'app.send'; message: OutgoingMessage }
  | { type: 'app.quit' }
  | { type: 'net.closed' };

/** What the machine asks for. */
export type SmtpClientEmitted =
  /** Commands to write in one go (one command, or a PIPELINING batch). */
  | { type: 'out.commands'; commands: readonly SmtpCommand[] }
  /** A message body to dot-stuff and write after 354; empty for the lone "." of RFC 2920 §3.1. */
  | { type: 'out.body'; data: Uint8Array }
  /** A SASL continuation line (RFC 4954 §4): base64, `*` to cancel, or empty. */
  | { type: 'out.saslResponse'; text: string }
  | { type: 'out.startTls' }
  | { type: 'out.close' }
  | { type: 'out.violation'; rule: string; message: string }
  | {
      type: 'out.ready';
      extensions: ReadonlyMap<string, readonly string[]>;
      tls: boolean;
      authenticated: boolean;
    }
  | { type: 'out.result'; messageId: string; recipients: readonly RecipientResult[] }
  | { type: 'out.failed'; reason: string; reply?: Reply; permanent: boolean };

/** What a reply in the `awaiting` queue answers. */
type Awaited = 'MAIL' | 'RCPT' | 'DATA';

/** The transaction in progress: the message, what is unsent and unanswered, and the replies so far. */
interface Transaction {
  readonly message: OutgoingMessage;
  /** Commands still to send; only without PIPELINING, where each waits for the previous reply. */
  readonly unsent: readonly SmtpCommand[];
  /** Replies still due, in command order (RFC 2920 §3.1). */
  readonly awaiting: readonly Awaited[];
  readonly mailReply?: Reply;
  readonly rcptReplies: readonly Reply[];
  readonly dataReply?: Reply;
  readonly finalReply?: Reply;
}

/** A SASL exchange in progress: the mechanism and how many challenges it has answered. */
interface SaslExchange {
  readonly mechanism: string;
  readonly step: number;
}

interface Context {
  readonly config: SmtpClientConfig;
  /** Messages not yet started, in the order the owner gave them. */
  queue: readonly OutgoingMessage[];
  /** The owner called quit(): QUIT once the queue is empty. Owner's intent, not protocol state. */
  quitRequested: boolean;
  /** EHLO keywords (upper case) → parameters; empty after HELO or before any EHLO. */
  extensions: ReadonlyMap<string, readonly string[]>;
  tls: TlsInfo | undefined;
  authenticatedAs: string | undefined;
  sasl: SaslExchange | undefined;
  transaction: Transaction | undefined;
}

const NO_EXTENSIONS: ReadonlyMap<string, readonly string[]> = new Map();

/** A reply the client makes up for a message the server never answered. */
export function syntheticReply(code: number, enhanced: string, text: string): Reply {
  return { code, enhanced, text };
}

const CONNECTION_LOST = syntheticReply(451, '4.4.2', 'connection lost');

/** The reply's class, its first digit (RFC 5321 §4.2.1). */
const replyClass = (reply: Reply): number => Math.floor(reply.code / 100);
const positive = (reply: Reply | undefined): boolean => reply !== undefined && replyClass(reply) === 2;

function replyOf(event: SmtpClientEvent): Reply | undefined {
  return 'reply' in event ? event.reply : undefined;
}

function linesOf(reply: Reply): readonly string[] {
  return typeof reply.text === 'string' ? [reply.text] : reply.text;
}

const acceptedCount = (tx: Transaction): number => tx.rcptReplies.filter(positive).length;

/**
 * Each recipient's outcome: its RCPT reply if that was not 2xx, else the
 * reply to the final dot; DATA's reply if DATA failed, MAIL's if MAIL
 * failed. `fallback` stands in for replies that never came.
 */
function recipientResults(tx: Transaction, fallback: Reply): RecipientResult[] {
  return tx.message.rcptTo.map((address, i) => {
    const rcpt = tx.rcptReplies[i];
    let reply: Reply;
    if (tx.mailReply === undefined) reply = fallback;
    else if (!positive(tx.mailReply)) reply = tx.mailReply;
    else if (rcpt === undefined) reply = fallback;
    else if (!positive(rcpt)) reply = rcpt;
    else if (tx.dataReply === undefined) reply = fallback;
    else if (replyClass(tx.dataReply) !== 3) reply = tx.dataReply;
    else reply = tx.finalReply ?? fallback;
    return { address, reply };
  });
}

/** RFC 1870 §3: the size is counted with CRLF line ends, without dot-stuffing or the final dot. */
function messageSize(message: OutgoingMessage): number {
  return normalisedLength(message.data);
}

function hasEightBit(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! >= 0x80) return true;
  return false;
}

/** RFC 1870 §4: `SIZE` with a limit; absent or 0 means no fixed limit. */
function sizeLimit(extensions: ReadonlyMap<string, readonly string[]>): number | undefined {
  const limit = Number(extensions.get('SIZE')?.[0] ?? '0');
  return Number.isInteger(limit) && limit > 0 ? limit : undefined;
}

function mailParams(context: Context, message: OutgoingMessage): MailParams {
  const ext = context.extensions;
  // RFC 6152 §3: BODY=8BITMIME announces octets ≥ 0x80; SIMPLIFICATION: without 8BITMIME we send them anyway.
  const eightBit = ext.has('8BITMIME') && hasEightBit(message.data);
  return {
    ...(ext.has('SIZE') ? { size: messageSize(message) } : {}),
    ...(eightBit ? { body: '8BITMIME' as const } : {}),
    ...(message.utf8 === true && ext.has('SMTPUTF8') ? { smtputf8: true as const } : {}),
  };
}

/** The first preferred mechanism the server offers and the credentials can serve (RFC 4954 §4). */
function chooseMechanism(context: Context): string | undefined {
  const auth = context.config.auth;
  if (auth === undefined) return undefined;
  const offered = (context.extensions.get('AUTH') ?? []).map((m) => m.toUpperCase());
  const preferred =
    auth.mechanisms ?? (auth.token !== undefined ? ['XOAUTH2'] : ['CRAM-MD5', 'PLAIN', 'LOGIN']);
  return preferred
    .map((m) => m.toUpperCase())
    .find(
      (m) =>
        offered.includes(m) &&
        (m === 'XOAUTH2' ? auth.token !== undefined : auth.password !== undefined) &&
        ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'].includes(m),
    );
}

/** RFC 4954 §4: PLAIN and XOAUTH2 send their response on the AUTH line; LOGIN and CRAM-MD5 wait for 334. */
function initialResponse(mechanism: string, auth: SmtpClientAuth): string | undefined {
  if (mechanism === 'PLAIN')
    return encodeClientResponse(plainResponse(auth.username, auth.password ?? ''), true);
  if (mechanism === 'XOAUTH2')
    return encodeClientResponse(xoauth2Response(auth.username, auth.token ?? ''), true);
  return undefined;
}

/**
 * The answer to a 334 challenge, or `*` to cancel (RFC 4954 §4) when the
 * challenge makes no sense for the mechanism. XOAUTH2's only challenge is its
 * error JSON, answered with an empty line so the server can send 535.
 */
function challengeResponse(sasl: SaslExchange, challengeText: string, auth: SmtpClientAuth): string {
  const challenge = base64Decode(challengeText.trim());
  if (challenge === undefined) return '*';
  const password = auth.password ?? '';
  switch (sasl.mechanism) {
    case 'LOGIN': {
      const answer = sasl.step < 2 ? loginResponse(challenge, auth.username, password) : undefined;
      return answer === undefined ? '*' : encodeClientResponse(answer);
    }
    case 'CRAM-MD5':
      return sasl.step === 0
        ? encodeClientResponse(cramMd5Response(challenge, auth.username, password))
        : '*';
    case 'XOAUTH2':
      return sasl.step === 0 ? '' : '*';
    default:
      // PLAIN went out with the AUTH line; a challenge after it is not part of RFC 4616.
      return '*';
  }
}

/** Leaves for closed on a timeout, reporting what was pending (RFC 5321 §4.5.3.2). */
const onTimeout = {
  replyTimeout: {
    target: '#smtpClient.closed',
    actions: { type: 'fail', params: { reason: 'timed out waiting for a reply', enhanced: '4.4.2' } },
  },
} as const;

/** A refusal that ends the session politely: report, then QUIT (RFC 5321 §4.1.1.10). */
const quitOn = (reason: string, enhanced = '4.4.0') =>
  ({
    target: '#smtpClient.quitting',
    actions: { type: 'fail', params: { reason, enhanced, useReply: true } },
  }) as const;

export const smtpClientMachine = setup({
  types: {
    context: {} as Context,
    events: {} as SmtpClientEvent,
    emitted: {} as SmtpClientEmitted,
    input: {} as SmtpClientInput,
  },
  delays: {
    replyTimeout: ({ context }) => context.config.replyTimeoutMs,
  },
  guards: {
    implicitTls: ({ context }) => context.config.implicitTls,
    shouldStartTls: ({ context }) =>
      !context.config.implicitTls &&
      context.tls === undefined &&
      context.config.tls !== 'none' &&
      context.extensions.has('STARTTLS'),
    tlsMissing: ({ context }) =>
      !context.config.implicitTls && context.tls === undefined && context.config.tls === 'required',
    tlsRequired: ({ context }) => context.config.tls === 'required',
    shouldAuthenticate: ({ context }) =>
      context.authenticatedAs === undefined &&
      chooseMechanism(context) !== undefined &&
      // Never credentials in the clear when the config demands TLS (RFC 8314 §3, RFC 4954 §4).
      (context.tls !== undefined || context.config.implicitTls || context.config.tls !== 'required'),
    authUnavailable: ({ context }) =>
      context.config.auth !== undefined && context.authenticatedAs === undefined,
    nextTooBig: ({ context }) => {
      const next = context.queue[0];
      const limit = sizeLimit(context.extensions);
      return next !== undefined && limit !== undefined && messageSize(next) > limit;
    },
    nextNeedsSmtputf8: ({ context }) => {
      const next = context.queue[0];
      return next?.utf8 === true && !context.extensions.has('SMTPUTF8');
    },
    hasQueued: ({ context }) => context.queue.length > 0,
    quitRequested: ({ context }) => context.quitRequested,
    awaitingData: ({ context }) => context.transaction?.awaiting[0] === 'DATA',
    envelopeSettled: ({ context }) =>
      context.transaction !== undefined &&
      context.transaction.awaiting.length === 0 &&
      context.transaction.unsent.length === 0,
    serverHoldsTransaction: ({ context }) => positive(context.transaction?.mailReply),
  },
  actions: {
    close: emit({ type: 'out.close' as const }),
    sendCommand: emit((_, command: SmtpCommand) => ({ type: 'out.commands' as const, commands: [command] })),
    sendHello: emit(({ context }, verb: 'EHLO' | 'HELO') => ({
      type: 'out.commands' as const,
      commands: [{ verb, domain: context.config.heloName, form: 'domain' as const }],
    })),
    startTls: emit({ type: 'out.startTls' as const }),
    enqueue: assign({
      queue: ({ context, event }) =>
        event.type === 'app.send' ? [...context.queue, event.message] : context.queue,
    }),
    requestQuit: assign({ quitRequested: true }),
    rememberExtensions: assign({
      extensions: ({ event }) => {
        const reply = replyOf(event);
        return reply ? parseEhloKeywords(linesOf(reply)) : NO_EXTENSIONS;
      },
    }),
    forgetExtensions: assign({ extensions: NO_EXTENSIONS }),
    // RFC 3207 §4.2: the server may offer other extensions once TLS is up; what STARTTLS answered is void.
    rememberTls: assign({
      tls: ({ event }) => (event.type === 'tls.established' ? event.info : undefined),
      extensions: NO_EXTENSIONS,
    }),
    // RFC 3207 §4: after 454 an opportunistic client goes on in the clear; STARTTLS is not tried again.
    forgetStartTls: assign({
      extensions: ({ context }) => new Map([...context.extensions].filter(([k]) => k !== 'STARTTLS')),
    }),
    announceReady: emit(({ context }) => ({
      type: 'out.ready' as const,
      extensions: context.extensions,
      tls: context.tls !== undefined || context.config.implicitTls,
      authenticated: context.authenticatedAs !== undefined,
    })),
    startAuth: enqueueActions(({ context, enqueue }) => {
      const mechanism = chooseMechanism(context);
      const auth = context.config.auth;
      if (mechanism === undefined || auth === undefined) return;
      const response = initialResponse(mechanism, auth);
      enqueue.assign({ sasl: { mechanism, step: 0 } });
      enqueue.emit({
        type: 'out.commands',
        commands: [
          { verb: 'AUTH', mechanism, ...(response !== undefined ? { initialResponse: response } : {}) },
        ],
      });
    }),
    answerChallenge: enqueueActions(({ context, event, enqueue }) => {
      const reply = replyOf(event);
      const { sasl, config } = context;
      if (!reply || !sasl || !config.auth) return;
      enqueue.emit({
        type: 'out.saslResponse',
        text: challengeResponse(sasl, linesOf(reply)[0] ?? '', config.auth),
      });
      enqueue.assign({ sasl: { ...sasl, step: sasl.step + 1 } });
    }),
    rememberAuthentication: assign({
      authenticatedAs: ({ context }) => context.config.auth?.username,
      sasl: undefined,
    }),
    /** Reports the next queued message as refused without sending it (SIZE, SMTPUTF8). */
    refuseNext: enqueueActions(({ context, enqueue }, reply: Reply) => {
      const [message, ...rest] = context.queue;
      if (!message) return;
      enqueue.emit({
        type: 'out.result',
        messageId: message.id,
        recipients: message.rcptTo.map((address) => ({ address, reply })),
      });
      enqueue.assign({ queue: rest });
    }),
    startTransaction: enqueueActions(({ context, enqueue }) => {
      const [message, ...rest] = context.queue;
      if (!message) return;
      const commands: SmtpCommand[] = [
        { verb: 'MAIL', from: message.mailFrom, utf8: false, params: mailParams(context, message) },
        ...message.rcptTo.map((to): SmtpCommand => ({ verb: 'RCPT', to, utf8: false, params: {} })),
        { verb: 'DATA' },
      ];
      const awaited = commands.map((c) => c.verb as Awaited);
      // RFC 2920 §3.1: MAIL, RCPTs and DATA may share one batch; DATA is the last command of a group.
      const batch = context.extensions.has('PIPELINING') ? commands : commands.slice(0, 1);
      enqueue.assign({
        queue: rest,
        transaction: {
          message,
          unsent: commands.slice(batch.length),
          awaiting: awaited.slice(0, batch.length),
          rcptReplies: [],
        },
      });
      enqueue.emit({ type: 'out.commands', commands: batch });
    }),
    takeEnvelopeReply: enqueueActions(({ context, event, enqueue }) => {
      const tx = context.transaction;
      const reply = replyOf(event);
      if (!tx || !reply) return;
      const [head, ...awaiting] = tx.awaiting;
      let next: Transaction =
        head === 'MAIL'
          ? { ...tx, awaiting, mailReply: reply }
          : head === 'RCPT'
            ? { ...tx, awaiting, rcptReplies: [...tx.rcptReplies, reply] }
            : { ...tx, awaiting, dataReply: reply };
      const [command, ...later] = next.unsent;
      if (next.awaiting.length === 0 && command !== undefined) {
        // Without PIPELINING: no RCPT after a refused MAIL, no DATA without an accepted recipient (§3.3).
        const pointless = !positive(next.mailReply) || (command.verb === 'DATA' && acceptedCount(next) === 0);
        if (pointless) next = { ...next, unsent: [] };
        else {
          next = { ...next, unsent: later, awaiting: [command.verb as Awaited] };
          enqueue.emit({ type: 'out.commands', commands: [command] });
        }
      }
      enqueue.assign({ transaction: next });
    }),
    // RFC 2920 §3.1: if DATA got 354 though no RCPT succeeded, end the data at once with a lone ".".
    sendBody: emit(({ context }) => {
      const tx = context.transaction;
      const data = tx && acceptedCount(tx) > 0 ? tx.message.data : new Uint8Array(0);
      return { type: 'out.body' as const, data };
    }),
    recordFinalReply: assign({
      transaction: ({ context, event }) => {
        const reply = replyOf(event);
        return context.transaction && reply
          ? { ...context.transaction, finalReply: reply }
          : context.transaction;
      },
    }),
    // Clears the transaction too: exit actions run before transition actions, so no exit action may do it.
    reportResult: enqueueActions(({ context, enqueue }) => {
      const tx = context.transaction;
      if (!tx) return;
      enqueue.emit({
        type: 'out.result',
        messageId: tx.message.id,
        recipients: recipientResults(tx, CONNECTION_LOST),
      });
      enqueue.assign({ transaction: undefined });
    }),
    sendRset: emit({ type: 'out.commands' as const, commands: [{ verb: 'RSET' as const }] }),
    sendQuit: emit({ type: 'out.commands' as const, commands: [{ verb: 'QUIT' as const }] }),
    refuseLate: emit(({ event }) => {
      const message = event.type === 'app.send' ? event.message : undefined;
      const reply = syntheticReply(451, '4.3.0', 'not sent: the session is closing');
      return {
        type: 'out.result' as const,
        messageId: message?.id ?? '',
        recipients: (message?.rcptTo ?? []).map((address) => ({ address, reply })),
      };
    }),
    /**
     * Ends the session's work: every message not yet answered gets a
     * synthetic 4xx (so the owner can retry it), then `out.failed`. With
     * `useReply`, the event's reply is the cause and its class decides
     * permanence (RFC 5321 §4.2.1: 5yz permanent, 4yz transient).
     */
    fail: enqueueActions(
      (
        { context, event, enqueue },
        params: { reason: string; enhanced?: string; permanent?: boolean; useReply?: boolean },
      ) => {
        const cause = params.useReply === true ? replyOf(event) : undefined;
        // The cause goes into the text, so an owner that shows only the message's result still sees it.
        const because = cause
          ? ` (${cause.code}${cause.enhanced ? ` ${cause.enhanced}` : ''} ${linesOf(cause).join(' ')})`
          : '';
        const synthetic =
          event.type === 'net.closed'
            ? CONNECTION_LOST
            : syntheticReply(451, params.enhanced ?? '4.4.0', `not sent: ${params.reason}${because}`);
        const tx = context.transaction;
        if (tx)
          enqueue.emit({
            type: 'out.result',
            messageId: tx.message.id,
            recipients: recipientResults(tx, synthetic),
          });
        for (const message of context.queue)
          enqueue.emit({
            type: 'out.result',
            messageId: message.id,
            recipients: message.rcptTo.map((address) => ({ address, reply: synthetic })),
          });
        enqueue.assign({ transaction: undefined, queue: [], sasl: undefined });
        enqueue.emit({
          type: 'out.failed',
          reason: params.reason,
          ...(cause ? { reply: cause } : {}),
          permanent: params.permanent ?? (cause !== undefined && replyClass(cause) === 5),
        });
      },
    ),
    violation: emit((_, v: { rule: string; message: string }) => ({ type: 'out.violation' as const, ...v })),
    unexpectedReply: emit(({ event }) => ({
      type: 'out.violation' as const,
      rule: 'RFC 5321 §4.3.2',
      message: `reply ${replyOf(event)?.code ?? '?'} is not a valid answer here`,
    })),
    malformedReply: emit(({ event }) => ({
      type: 'out.violation' as const,
      rule: 'RFC 5321 §4.2',
      message:
        event.type === 'reply.malformed'
          ? `${event.reason}: ${JSON.stringify(event.line)}`
          : 'malformed reply',
    })),
  },
}).createMachine({
  id: 'smtpClient',
  initial: 'awaitingGreeting',
  context: ({ input }) => ({
    config: input.config,
    queue: [],
    quitRequested: false,
    extensions: NO_EXTENSIONS,
    tls: undefined,
    authenticatedAs: undefined,
    sasl: undefined,
    transaction: undefined,
  }),
  on: {
    'app.send': { actions: 'enqueue' },
    'app.quit': { actions: 'requestQuit' },
    // RFC 5321 §3.8: 421 may answer any command; the server closes the channel after it.
    'reply.421': {
      target: '.closed',
      actions: { type: 'fail', params: { reason: 'service not available', useReply: true } },
    },
    'reply.malformed': {
      target: '.closed',
      actions: [
        'malformedReply',
        { type: 'fail', params: { reason: 'unreadable reply', enhanced: '4.5.0' } },
      ],
    },
    // A reply of a class the state does not expect (e.g. 354 to MAIL): the peer is confused.
    'reply.*': {
      target: '.closed',
      actions: [
        'unexpectedReply',
        { type: 'fail', params: { reason: 'unexpected reply', enhanced: '4.5.0' } },
      ],
    },
    'net.closed': { target: '.closed', actions: { type: 'fail', params: { reason: 'connection lost' } } },
  },
  states: {
    awaitingGreeting: {
      after: onTimeout,
      on: {
        // Implicit TLS (RFC 8314 §3): the handshake completes before the greeting.
        'tls.established': { guard: 'implicitTls', actions: 'rememberTls' },
        'reply.2xx': { target: 'awaitingEhloReply', actions: { type: 'sendHello', params: 'EHLO' } },
        // RFC 5321 §3.1: after a 554 greeting the server waits for QUIT.
        'reply.4xx': quitOn('server refused the session'),
        'reply.5xx': quitOn('server refused the session'),
      },
    },
    awaitingEhloReply: {
      after: onTimeout,
      on: {
        'reply.2xx': { target: 'extensionsKnown', actions: 'rememberExtensions' },
        // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; fall back to HELO.
        'reply.5xx': { target: 'awaitingHeloReply', actions: { type: 'sendHello', params: 'HELO' } },
        'reply.4xx': quitOn('EHLO refused'),
      },
    },
    awaitingHeloReply: {
      after: onTimeout,
      on: {
        'reply.2xx': { target: 'extensionsKnown', actions: 'forgetExtensions' },
        'reply.4xx': quitOn('HELO refused'),
        'reply.5xx': quitOn('HELO refused'),
      },
    },
    /** A decision, not a wait: what the last EHLO/HELO or AUTH opened up. */
    extensionsKnown: {
      always: [
        {
          guard: 'shouldStartTls',
          target: 'awaitingTlsReady',
          actions: { type: 'sendCommand', params: { verb: 'STARTTLS' } },
        },
        {
          guard: 'tlsMissing',
          target: 'quitting',
          // Like MTA-STS (RFC 8461 §5) and DANE (RFC 7672 §2.2): a TLS policy failure defers, it does not bounce.
          actions: {
            type: 'fail',
            params: {
              reason: 'TLS is required but STARTTLS is not offered',
              enhanced: '4.7.0',
              permanent: false,
            },
          },
        },
        { guard: 'shouldAuthenticate', target: 'authenticating', actions: 'startAuth' },
        {
          guard: 'authUnavailable',
          target: 'quitting',
          actions: {
            type: 'fail',
            params: { reason: 'no usable AUTH mechanism offered', enhanced: '4.7.0', permanent: true },
          },
        },
        { target: 'ready', actions: 'announceReady' },
      ],
    },
    awaitingTlsReady: {
      after: onTimeout,
      on: {
        'reply.2xx': { target: 'tlsHandshake', actions: 'startTls' },
        // RFC 3207 §4: after a refusal the client decides; only an opportunistic one goes on in the clear.
        'reply.4xx': [
          { guard: 'tlsRequired', ...quitOn('STARTTLS refused', '4.7.0') },
          { target: 'extensionsKnown', actions: 'forgetStartTls' },
        ],
        'reply.5xx': [
          { guard: 'tlsRequired', ...quitOn('STARTTLS refused', '4.7.0') },
          { target: 'extensionsKnown', actions: 'forgetStartTls' },
        ],
      },
    },
    tlsHandshake: {
      // The session reads nothing until the handshake is over (RFC 3207 §4.2).
      tags: ['codec:paused'],
      after: onTimeout,
      on: {
        'tls.established': {
          target: 'awaitingEhloReply',
          actions: ['rememberTls', { type: 'sendHello', params: 'EHLO' }],
        },
      },
    },
    authenticating: {
      after: onTimeout,
      on: {
        // Re-entered on each challenge, so the reply timer restarts.
        'reply.3xx': { target: 'authenticating', reenter: true, actions: 'answerChallenge' },
        'reply.2xx': { target: 'extensionsKnown', actions: 'rememberAuthentication' },
        'reply.4xx': quitOn('authentication failed', '4.7.0'),
        'reply.5xx': quitOn('authentication failed', '4.7.0'),
      },
    },
    ready: {
      always: [
        // RFC 1870 §5: a client SHOULD NOT send a message the server declared too large.
        {
          guard: 'nextTooBig',
          actions: {
            type: 'refuseNext',
            params: syntheticReply(552, '5.3.4', 'message size exceeds the limit the server announced'),
          },
        },
        // RFC 6531 §3.2: without SMTPUTF8 the message must not be sent (SIMPLIFICATION: no downgrade).
        {
          guard: 'nextNeedsSmtputf8',
          actions: {
            type: 'refuseNext',
            params: syntheticReply(553, '5.6.7', 'the server does not offer SMTPUTF8'),
          },
        },
        { guard: 'hasQueued', target: 'transaction' },
        { guard: 'quitRequested', target: 'quitting' },
      ],
    },
    transaction: {
      initial: 'awaitingEnvelopeReplies',
      entry: 'startTransaction',
      states: {
        awaitingEnvelopeReplies: {
          after: onTimeout,
          // Every reply is in and no 354 came: report, and RSET if the server still holds the transaction.
          always: [
            {
              guard: and(['envelopeSettled', 'serverHoldsTransaction']),
              target: '#smtpClient.awaitingRsetReply',
              actions: 'reportResult',
            },
            { guard: 'envelopeSettled', target: '#smtpClient.ready', actions: 'reportResult' },
          ],
          // Re-entered on each reply, so the reply timer restarts.
          on: {
            'reply.2xx': {
              guard: not('awaitingData'),
              target: 'awaitingEnvelopeReplies',
              reenter: true,
              actions: 'takeEnvelopeReply',
            },
            'reply.3xx': {
              guard: 'awaitingData',
              target: 'awaitingFinalReply',
              actions: 'takeEnvelopeReply',
            },
            'reply.4xx': { target: 'awaitingEnvelopeReplies', reenter: true, actions: 'takeEnvelopeReply' },
            'reply.5xx': { target: 'awaitingEnvelopeReplies', reenter: true, actions: 'takeEnvelopeReply' },
          },
        },
        awaitingFinalReply: {
          entry: 'sendBody',
          after: onTimeout,
          on: {
            'reply.2xx': { target: '#smtpClient.ready', actions: ['recordFinalReply', 'reportResult'] },
            'reply.4xx': { target: '#smtpClient.ready', actions: ['recordFinalReply', 'reportResult'] },
            'reply.5xx': { target: '#smtpClient.ready', actions: ['recordFinalReply', 'reportResult'] },
          },
        },
      },
    },
    /** RFC 5321 §4.1.1.5: clears a transaction the server still holds after a failure before the final dot. */
    awaitingRsetReply: {
      entry: 'sendRset',
      after: onTimeout,
      on: {
        'reply.2xx': { target: 'ready' },
        'reply.4xx': quitOn('RSET refused', '4.5.0'),
        'reply.5xx': quitOn('RSET refused', '4.5.0'),
      },
    },
    quitting: {
      entry: 'sendQuit',
      after: { replyTimeout: { target: 'closed' } },
      on: {
        'app.send': { actions: 'refuseLate' },
        // RFC 5321 §4.1.1.10: the answer to QUIT is 221, but whatever comes, the session is over.
        'reply.*': { target: 'closed' },
        'net.closed': { target: 'closed' },
      },
    },
    closed: { type: 'final', entry: 'close' },
  },
});
