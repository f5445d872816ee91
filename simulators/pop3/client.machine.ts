/**
 * The POP3 client of a MUA (bob's mail program), one machine per connection
 * (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).
 *
 * Theory of operation. The machine sees whole responses, never bytes: the
 * session (client-session.ts) assembles lines into responses — multi-line
 * ones when the state carries the tag `codec:multiline` (the awaited answer
 * to CAPA, LIST, UIDL or RETR) — and sends one event per response, typed by
 * its status: `reply.ok`, `reply.err`, or `reply.continue` for a SASL `+ `.
 * Each state is named for the response it awaits and holds a `replyTimeout`.
 *
 * The run is: greeting (its `<…@…>` timestamp kept for APOP) → CAPA → STLS
 * and CAPA again when offered and configured (RFC 2595 §4: capabilities
 * learnt before TLS are void) → log in: AUTH PLAIN if CAPA lists `SASL …
 * PLAIN`, else APOP when the config prefers it and the greeting had a
 * timestamp, else USER/PASS → LIST (and UIDL) → a plan of RETR and DELE steps
 * for the configured mode → QUIT. `capabilitiesKnown` and `choosingStep` are
 * decisions, with only eventless transitions.
 *
 * - `download-and-delete`: RETR n, DELE n for every message (fetchmail's
 *   default order, so a drop after RETR leaves the message on the server).
 * - `download-and-keep`: UIDL, RETR only the unique-ids not in `known`; with
 *   `deleteAfterMs`, DELE those whose `downloadedAt` (this run counts as
 *   now) is at least that old (Thunderbird's "leave messages on server … for
 *   at most N days").
 *
 * Invariants: a `deleted` event is emitted only after the server's `+OK` to
 * QUIT, because only UPDATE removes anything (RFC 1939 §6) — a connection
 * lost before that deletes nothing, and the owner hears nothing deleted.
 * `done` and `failed` are exclusive and final. Credentials never go out
 * before TLS when `tls` is `'required'`.
 *
 * SIMPLIFICATION: no pipelining (RFC 2449 §6.6) — one command at a time; on
 * a server without UIDL, `download-and-delete` names messages by number
 * (not stable across sessions), and `download-and-keep` fails.
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import { toHex, utf8Bytes } from '../core/bytes.ts';
import type { TlsInfo } from '../core/session.ts';
import { encodeClientResponse, plainResponse } from '../auth/sasl.ts';
import { md5 } from '../auth/md5.ts';
import { bodyLines, MAX_COMMAND_LINE, type Pop3Command, type Pop3StatusResponse } from './codec.ts';

/** How one POP3 client connection behaves. */
export interface Pop3ClientConfig {
  /** The mailbox name (here the address) and its password. */
  readonly username: string;
  readonly password: string;
  /**
   * `'required'`: fail unless TLS is up before credentials are sent (RFC 8314
   * spirit); `'opportunistic'`: STLS when offered; `'none'`. Ignored with `implicitTls`.
   */
  readonly tls: 'required' | 'opportunistic' | 'none';
  /** Port 995: TLS from the first byte (RFC 8314 §3). */
  readonly implicitTls: boolean;
  /** Use APOP (RFC 1939 §7) when the greeting has a timestamp and AUTH PLAIN is not offered. */
  readonly preferApop: boolean;
  readonly mode: 'download-and-delete' | 'download-and-keep';
  /** Unique-ids already downloaded (download-and-keep). */
  readonly known?: ReadonlySet<string>;
  /** Delete kept messages once they were downloaded this long ago (download-and-keep). */
  readonly deleteAfterMs?: number;
  /** When each unique-id was downloaded, epoch ms (download-and-keep with `deleteAfterMs`). */
  readonly downloadedAt?: ReadonlyMap<string, number>;
  /** How long to wait for any response. */
  readonly replyTimeoutMs: number;
}

/** Input of one client machine. */
export interface Pop3ClientInput {
  readonly config: Pop3ClientConfig;
  /** Virtual wall-clock time, epoch ms (for `deleteAfterMs`). */
  readonly now: () => number;
}

/** What a run did. */
export interface Pop3ClientStats {
  /** Messages in the maildrop at login. */
  readonly messages: number;
  readonly retrieved: number;
  /** Octets retrieved, as the server counts them (before un-stuffing). */
  readonly octets: number;
  /** Messages removed at QUIT. */
  readonly deleted: number;
}

/** Events the session feeds the machine. */
export type Pop3ClientEvent =
  | { type: 'reply.ok' | 'reply.err'; response: Pop3StatusResponse }
  | { type: 'reply.continue'; text: string }
  /** A line that is no response (RFC 1939 §3): the stream can no longer be trusted. */
  | { type: 'reply.malformed'; line: string; reason: string }
  | { type: 'tls.established'; info: TlsInfo }
  | { type: 'net.closed' };

/** What the machine asks for. */
export type Pop3ClientEmitted =
  | { type: 'out.command'; command: Pop3Command }
  /** A SASL continuation line (RFC 5034 §4): base64, or `*` to cancel. */
  | { type: 'out.saslResponse'; text: string }
  | { type: 'out.startTls' }
  | { type: 'out.close' }
  | { type: 'out.violation'; rule: string; message: string }
  | { type: 'out.message'; uid: string; bytes: Uint8Array }
  | { type: 'out.deleted'; uid: string }
  | { type: 'out.done'; stats: Pop3ClientStats }
  | { type: 'out.failed'; reason: string; permanent: boolean };

/** One message of LIST, with its unique-id once UIDL has answered. */
interface Listed {
  readonly msg: number;
  readonly size: number;
  readonly uidl?: string;
}

/** One step of the plan. */
interface Step {
  readonly op: 'RETR' | 'DELE';
  readonly msg: number;
}

interface Context {
  readonly config: Pop3ClientConfig;
  readonly now: () => number;
  /** The greeting's timestamp, the APOP salt. */
  timestamp: string | undefined;
  /** CAPA keywords (upper case) → parameters; empty before CAPA or when the server has none. */
  capabilities: ReadonlyMap<string, readonly string[]>;
  tls: TlsInfo | undefined;
  listing: readonly Listed[];
  plan: readonly Step[];
  /** Unique-ids marked by DELE; gone for good only after QUIT's +OK. */
  marked: readonly string[];
  retrieved: number;
  octets: number;
}

const NO_CAPABILITIES: ReadonlyMap<string, readonly string[]> = new Map();

const responseOf = (event: Pop3ClientEvent): Pop3StatusResponse | undefined =>
  'response' in event ? event.response : undefined;

/** RFC 1939 §7: the timestamp is a msg-id, `<…@…>`, somewhere in the greeting. */
function timestampOf(text: string): string | undefined {
  return /<[^<>\s]*@[^<>\s]*>/.exec(text)?.[0];
}

/** The name a message goes by: its unique-id, or its number on a server without UIDL. */
const uidOf = (listed: Listed | undefined, msg: number): string => listed?.uidl ?? String(msg);

/** RFC 2449 §8 codes that say "try again later" rather than "this will never work". */
const TRANSIENT_CODES = ['IN-USE', 'LOGIN-DELAY', 'SYS/TEMP'];

/** The RETR/DELE steps of the configured mode. */
function makePlan(context: Context): Step[] {
  const { config, listing } = context;
  if (config.mode === 'download-and-delete')
    return listing.flatMap((m): Step[] => [
      { op: 'RETR', msg: m.msg },
      { op: 'DELE', msg: m.msg },
    ]);
  const known = config.known ?? new Set<string>();
  const fresh = listing.filter((m) => m.uidl !== undefined && !known.has(m.uidl));
  const steps: Step[] = fresh.map((m) => ({ op: 'RETR', msg: m.msg }));
  const after = config.deleteAfterMs;
  if (after !== undefined) {
    const now = context.now();
    for (const m of listing) {
      if (m.uidl === undefined) continue;
      const at = config.downloadedAt?.get(m.uidl) ?? (fresh.includes(m) ? now : undefined);
      if (at !== undefined && now - at >= after) steps.push({ op: 'DELE', msg: m.msg });
    }
  }
  return steps;
}

/** Leaves for closed on a timeout (the session is dead; a QUIT would wait for nothing). */
const onTimeout = {
  replyTimeout: {
    target: '#pop3Client.closed',
    actions: { type: 'fail', params: { reason: 'timed out waiting for a response', permanent: false } },
  },
} as const;

/** A refusal that ends the run: report it, then QUIT politely. */
const abandonOn = (reason: string) =>
  ({
    target: '#pop3Client.abandoning',
    actions: { type: 'fail', params: { reason, useResponse: true } },
  }) as const;

export const pop3ClientMachine = setup({
  types: {
    context: {} as Context,
    events: {} as Pop3ClientEvent,
    emitted: {} as Pop3ClientEmitted,
    input: {} as Pop3ClientInput,
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
      context.capabilities.has('STLS'),
    tlsMissing: ({ context }) =>
      !context.config.implicitTls && context.tls === undefined && context.config.tls === 'required',
    tlsRequired: ({ context }) => context.config.tls === 'required',
    saslPlainOffered: ({ context }) => (context.capabilities.get('SASL') ?? []).includes('PLAIN'),
    // RFC 5034 §4: the AUTH line with its initial response may not pass 255 octets.
    initialResponseFits: ({ context }) =>
      `AUTH PLAIN ${plainInitial(context.config)}\r\n`.length <= MAX_COMMAND_LINE,
    apopPreferred: ({ context }) => context.config.preferApop && context.timestamp !== undefined,
    keepMode: ({ context }) => context.config.mode === 'download-and-keep',
    uidlOffered: ({ context }) => context.capabilities.has('UIDL'),
    nextIsRetr: ({ context }) => context.plan[0]?.op === 'RETR',
    nextIsDele: ({ context }) => context.plan[0]?.op === 'DELE',
  },
  actions: {
    send: emit((_, command: Pop3Command) => ({ type: 'out.command' as const, command })),
    close: emit({ type: 'out.close' as const }),
    startTls: emit({ type: 'out.startTls' as const }),
    rememberTimestamp: assign({
      timestamp: ({ event }) => {
        const response = responseOf(event);
        return response ? timestampOf(response.text) : undefined;
      },
    }),
    rememberCapabilities: assign({
      capabilities: ({ event }) => {
        const body = responseOf(event)?.body;
        if (!body) return NO_CAPABILITIES;
        // RFC 2449 §5: one capability per line, a keyword and its parameters.
        return new Map(
          bodyLines(body).map((line) => {
            const [keyword = '', ...params] = line.split(' ').filter(Boolean);
            return [keyword.toUpperCase(), params.map((p) => p.toUpperCase())] as const;
          }),
        );
      },
    }),
    forgetCapabilities: assign({ capabilities: NO_CAPABILITIES }),
    // RFC 2595 §4: what was learnt before TLS is void.
    rememberTls: assign({
      tls: ({ event }) => (event.type === 'tls.established' ? event.info : undefined),
      capabilities: NO_CAPABILITIES,
    }),
    forgetStls: assign({
      capabilities: ({ context }) => new Map([...context.capabilities].filter(([k]) => k !== 'STLS')),
    }),
    sendAuthPlain: emit(({ context }) => ({
      type: 'out.command' as const,
      command: { verb: 'AUTH' as const, mechanism: 'PLAIN', initialResponse: plainInitial(context.config) },
    })),
    sendPlainResponse: emit(({ context }) => ({
      type: 'out.saslResponse' as const,
      text: encodeClientResponse(plainResponse(context.config.username, context.config.password)),
    })),
    cancelSasl: emit({ type: 'out.saslResponse' as const, text: '*' }),
    sendApop: emit(({ context }) => ({
      type: 'out.command' as const,
      command: {
        verb: 'APOP' as const,
        name: context.config.username,
        // RFC 1939 §7: MD5 of the timestamp followed by the shared secret, in lower-case hex.
        digest: toHex(md5(utf8Bytes(`${context.timestamp ?? ''}${context.config.password}`))),
      },
    })),
    sendUser: emit(({ context }) => ({
      type: 'out.command' as const,
      command: { verb: 'USER' as const, name: context.config.username },
    })),
    sendPass: emit(({ context }) => ({
      type: 'out.command' as const,
      command: { verb: 'PASS' as const, password: context.config.password },
    })),
    rememberListing: assign({
      listing: ({ event }) => {
        const body = responseOf(event)?.body;
        if (!body) return [];
        return bodyLines(body).flatMap((line): Listed[] => {
          const m = /^(\d+) (\d+)/.exec(line);
          return m ? [{ msg: Number(m[1]), size: Number(m[2]) }] : [];
        });
      },
    }),
    rememberUidls: assign({
      listing: ({ context, event }) => {
        const body = responseOf(event)?.body;
        if (!body) return context.listing;
        const uidls = new Map(
          bodyLines(body).flatMap((line): [number, string][] => {
            const m = /^(\d+) ([\x21-\x7e]{1,70})$/.exec(line);
            return m ? [[Number(m[1]), m[2]!]] : [];
          }),
        );
        return context.listing.map((l) => {
          const uidl = uidls.get(l.msg);
          return uidl === undefined ? l : { ...l, uidl };
        });
      },
    }),
    makePlan: assign({ plan: ({ context }) => makePlan(context) }),
    sendStep: emit(({ context }) => {
      const step = context.plan[0];
      return {
        type: 'out.command' as const,
        command: step ? { verb: step.op, msg: step.msg } : { verb: 'NOOP' as const },
      };
    }),
    deliverMessage: enqueueActions(({ context, event, enqueue }) => {
      const [step, ...rest] = context.plan;
      const response = responseOf(event);
      if (!step || !response) return;
      const listed = context.listing.find((l) => l.msg === step.msg);
      enqueue.emit({
        type: 'out.message',
        uid: uidOf(listed, step.msg),
        bytes: response.body ?? new Uint8Array(0),
      });
      enqueue.assign({
        plan: rest,
        retrieved: context.retrieved + 1,
        octets: context.octets + (listed?.size ?? 0),
      });
    }),
    // A message that cannot be read is not deleted either.
    skipMessage: assign({
      plan: ({ context }) => {
        const [step, ...rest] = context.plan;
        return step ? rest.filter((s) => s.msg !== step.msg) : rest;
      },
    }),
    markDeleted: assign({
      marked: ({ context }) => {
        const step = context.plan[0];
        if (!step) return context.marked;
        return [
          ...context.marked,
          uidOf(
            context.listing.find((l) => l.msg === step.msg),
            step.msg,
          ),
        ];
      },
      plan: ({ context }) => context.plan.slice(1),
    }),
    dropStep: assign({ plan: ({ context }) => context.plan.slice(1) }),
    /** QUIT's +OK: UPDATE removed the marked messages (RFC 1939 §6). */
    reportDone: enqueueActions(({ context, enqueue }) => {
      for (const uid of context.marked) enqueue.emit({ type: 'out.deleted', uid });
      enqueue.emit({
        type: 'out.done',
        stats: {
          messages: context.listing.length,
          retrieved: context.retrieved,
          octets: context.octets,
          deleted: context.marked.length,
        },
      });
    }),
    fail: emit(({ event }, params: { reason: string; permanent?: boolean; useResponse?: boolean }) => {
      const response = params.useResponse === true ? responseOf(event) : undefined;
      const code = response?.status === '-ERR' ? response.code : undefined;
      const because = response ? ` (${response.status}${code ? ` [${code}]` : ''} ${response.text})` : '';
      return {
        type: 'out.failed' as const,
        reason: `${params.reason}${because}`,
        permanent: params.permanent ?? (response !== undefined && !TRANSIENT_CODES.includes(code ?? '')),
      };
    }),
    unexpectedReply: emit(({ event }) => ({
      type: 'out.violation' as const,
      rule: 'RFC 1939 §3',
      message:
        event.type === 'reply.malformed'
          ? `${event.reason}: ${JSON.stringify(event.line)}`
          : `${event.type} is not a valid answer here`,
    })),
  },
}).createMachine({
  id: 'pop3Client',
  initial: 'awaitingGreeting',
  context: ({ input }) => ({
    config: input.config,
    now: input.now,
    timestamp: undefined,
    capabilities: NO_CAPABILITIES,
    tls: undefined,
    listing: [],
    plan: [],
    marked: [],
    retrieved: 0,
    octets: 0,
  }),
  on: {
    'reply.malformed': {
      target: '.closed',
      actions: [
        'unexpectedReply',
        { type: 'fail', params: { reason: 'unreadable response', permanent: false } },
      ],
    },
    // A SASL continuation outside AUTH: the peer is confused.
    'reply.continue': {
      target: '.closed',
      actions: [
        'unexpectedReply',
        { type: 'fail', params: { reason: 'unexpected response', permanent: false } },
      ],
    },
    'net.closed': {
      target: '.closed',
      actions: { type: 'fail', params: { reason: 'connection lost', permanent: false } },
    },
  },
  states: {
    awaitingGreeting: {
      after: onTimeout,
      on: {
        'tls.established': { guard: 'implicitTls', actions: 'rememberTls' },
        'reply.ok': {
          target: 'awaitingCapa',
          actions: ['rememberTimestamp', { type: 'send', params: { verb: 'CAPA' } }],
        },
        'reply.err': abandonOn('server refused the session'),
      },
    },
    awaitingCapa: {
      tags: ['codec:multiline'],
      after: onTimeout,
      on: {
        'reply.ok': { target: 'capabilitiesKnown', actions: 'rememberCapabilities' },
        // RFC 2449 §5: a server without CAPA answers -ERR; assume RFC 1939 alone.
        'reply.err': { target: 'capabilitiesKnown', actions: 'forgetCapabilities' },
      },
    },
    /** A decision: secure the channel, then pick the login method. */
    capabilitiesKnown: {
      always: [
        {
          guard: 'shouldStartTls',
          target: 'awaitingStlsReply',
          actions: { type: 'send', params: { verb: 'STLS' } },
        },
        {
          guard: 'tlsMissing',
          target: 'abandoning',
          actions: {
            type: 'fail',
            params: { reason: 'TLS is required but STLS is not offered', permanent: true },
          },
        },
        {
          guard: and(['saslPlainOffered', 'initialResponseFits']),
          target: 'authenticating',
          actions: 'sendAuthPlain',
        },
        {
          guard: 'saslPlainOffered',
          target: 'awaitingAuthChallenge',
          actions: { type: 'send', params: { verb: 'AUTH', mechanism: 'PLAIN' } },
        },
        { guard: 'apopPreferred', target: 'awaitingApopReply', actions: 'sendApop' },
        { target: 'awaitingUserReply', actions: 'sendUser' },
      ],
    },
    awaitingStlsReply: {
      after: onTimeout,
      on: {
        'reply.ok': { target: 'tlsHandshake', actions: 'startTls' },
        'reply.err': [
          { guard: 'tlsRequired', ...abandonOn('STLS refused') },
          { target: 'capabilitiesKnown', actions: 'forgetStls' },
        ],
      },
    },
    tlsHandshake: {
      tags: ['codec:paused'],
      after: onTimeout,
      on: {
        'tls.established': {
          target: 'awaitingCapa',
          actions: ['rememberTls', { type: 'send', params: { verb: 'CAPA' } }],
        },
      },
    },
    /** AUTH PLAIN went without its response (too long for the line): the server's `+ ` asks for it. */
    awaitingAuthChallenge: {
      after: onTimeout,
      on: {
        'reply.continue': { target: 'authenticating', actions: 'sendPlainResponse' },
        'reply.ok': { target: 'transaction' },
        'reply.err': abandonOn('authentication failed'),
      },
    },
    authenticating: {
      after: onTimeout,
      on: {
        // The response went with the AUTH line; a challenge after it is not part of RFC 4616.
        'reply.continue': { target: 'authenticating', reenter: true, actions: 'cancelSasl' },
        'reply.ok': { target: 'transaction' },
        'reply.err': abandonOn('authentication failed'),
      },
    },
    awaitingApopReply: {
      after: onTimeout,
      on: {
        'reply.ok': { target: 'transaction' },
        'reply.err': abandonOn('authentication failed'),
      },
    },
    awaitingUserReply: {
      after: onTimeout,
      on: {
        'reply.ok': { target: 'awaitingPassReply', actions: 'sendPass' },
        'reply.err': abandonOn('user refused'),
      },
    },
    awaitingPassReply: {
      after: onTimeout,
      on: {
        'reply.ok': { target: 'transaction' },
        'reply.err': abandonOn('authentication failed'),
      },
    },
    transaction: {
      initial: 'awaitingList',
      states: {
        awaitingList: {
          tags: ['codec:multiline'],
          entry: { type: 'send', params: { verb: 'LIST' } },
          after: onTimeout,
          on: {
            'reply.ok': [
              { guard: 'keepMode', target: 'awaitingUidl', actions: 'rememberListing' },
              { guard: 'uidlOffered', target: 'awaitingUidl', actions: 'rememberListing' },
              { target: 'choosingStep', actions: ['rememberListing', 'makePlan'] },
            ],
            'reply.err': abandonOn('LIST refused'),
          },
        },
        awaitingUidl: {
          tags: ['codec:multiline'],
          entry: { type: 'send', params: { verb: 'UIDL' } },
          after: onTimeout,
          on: {
            'reply.ok': { target: 'choosingStep', actions: ['rememberUidls', 'makePlan'] },
            'reply.err': [
              {
                guard: 'keepMode',
                target: '#pop3Client.abandoning',
                actions: {
                  type: 'fail',
                  params: {
                    reason: 'leaving mail on the server needs UIDL',
                    useResponse: true,
                    permanent: true,
                  },
                },
              },
              { target: 'choosingStep', actions: 'makePlan' },
            ],
          },
        },
        /** A decision: the next step of the plan, or QUIT when it is done. */
        choosingStep: {
          always: [
            { guard: 'nextIsRetr', target: 'awaitingRetr' },
            { guard: 'nextIsDele', target: 'awaitingDele' },
            { target: '#pop3Client.quitting' },
          ],
        },
        awaitingRetr: {
          tags: ['codec:multiline'],
          entry: 'sendStep',
          after: onTimeout,
          on: {
            'reply.ok': { target: 'choosingStep', actions: 'deliverMessage' },
            'reply.err': { target: 'choosingStep', actions: 'skipMessage' },
          },
        },
        awaitingDele: {
          entry: 'sendStep',
          after: onTimeout,
          on: {
            'reply.ok': { target: 'choosingStep', actions: 'markDeleted' },
            'reply.err': { target: 'choosingStep', actions: 'dropStep' },
          },
        },
      },
    },
    quitting: {
      entry: { type: 'send', params: { verb: 'QUIT' } },
      after: onTimeout,
      on: {
        'reply.ok': { target: 'closed', actions: 'reportDone' },
        // RFC 1939 §6: -ERR to QUIT in UPDATE means some deletions failed; nothing can be counted on.
        'reply.err': {
          target: 'closed',
          actions: { type: 'fail', params: { reason: 'QUIT failed', useResponse: true, permanent: false } },
        },
      },
    },
    /** The run failed (already reported): say QUIT and go, whatever the answer. */
    abandoning: {
      entry: { type: 'send', params: { verb: 'QUIT' } },
      after: { replyTimeout: { target: 'closed' } },
      on: {
        'reply.ok': { target: 'closed' },
        'reply.err': { target: 'closed' },
        'reply.continue': { target: 'closed' },
        'net.closed': { target: 'closed' },
      },
    },
    closed: { type: 'final', entry: 'close' },
  },
});

/** The PLAIN initial response (RFC 4616 §2), base64. */
function plainInitial(config: Pop3ClientConfig): string {
  return encodeClientResponse(plainResponse(config.username, config.password), true);
}
