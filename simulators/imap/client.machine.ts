/**
 * The IMAP client of a MUA (bob's mail program), one machine per connection
 * (RFC 3501 / RFC 9051, RFC 2177 IDLE, RFC 4959 SASL-IR, RFC 6851 MOVE,
 * RFC 4315 UIDPLUS, RFC 7888 LITERAL+, RFC 8314 implicit TLS).
 *
 * Theory of operation. The machine sees typed responses, never bytes: the
 * session (client-session.ts) frames the server's octets with the codec's
 * ResponseReader and turns each response into one event — `reply.ok`,
 * `reply.refused` (NO or BAD) for the tagged completion of the command in flight,
 * `reply.continue` for a `+`, and one `reply.<what>` per kind of untagged
 * response (`reply.exists`, `reply.fetch`, `reply.list`…). Continuations that
 * only ask for the rest of a literal never reach the machine: the session
 * answers them by sending the next segment (RFC 3501 §7.5), as the server
 * session answers `{n}` itself.
 *
 * The run: greeting (`awaitingGreeting`; its `[CAPABILITY …]` saves a round
 * trip) → `awaitingCapability` → STARTTLS when offered and configured
 * (`startingTls`, `tlsHandshake`; capabilities learnt before TLS are void,
 * RFC 3501 §6.2.1) → `authenticating`: AUTHENTICATE PLAIN, with its initial
 * response when SASL-IR is offered; LOGIN otherwise, unless LOGINDISABLED
 * (RFC 3501 §6.2.3) → `compressing` when configured and COMPRESS=DEFLATE
 * is offered (RFC 4978: the layer starts after the OK; refused, the session
 * goes on uncompressed) → `ready` (authenticated). The owner's *operations*
 * (list, select, fetchNew, fetchSummaries, fetchMessage, setFlags, move,
 * expunge, search, idle, logout) wait in `queue`; a `waiting` decision
 * takes the head as `current` and
 * enters the state named for the command it awaits. `selecting` builds the
 * mailbox view; `selected` holds it; `idling` runs IDLE and ends it with
 * DONE when the owner asks or another operation is queued (RFC 2177 §3),
 * and re-issues it every `idleRefreshMs` before the server's 30-minute
 * autologout. MOVE without the MOVE capability is COPY, STORE +FLAGS
 * \Deleted, then UID EXPUNGE (or EXPUNGE without UIDPLUS; RFC 6851 §3.3).
 *
 * Invariants: tags are `A001`, `A002`… in order; one command is in flight at
 * a time. `current` is set exactly in an operation's state and answered on
 * leaving it; every operation is answered exactly once — `done`, or
 * `failed` with the server's NO/BAD (never swallowed), or `failed` when the
 * session ends under it. `failed` without `op` means the session itself
 * failed. `mailbox` is set in `selecting`, `selected` and `idling` (and kept
 * through logout), never in `ready`.
 * Credentials never go out before TLS when `tls` is `'required'`.
 *
 * SIMPLIFICATION: no pipelining. Sequence numbers are mapped to UIDs only
 * for messages some FETCH named with a UID, so a `flags` or `expunge` event
 * for another message carries no `uid`. IDLE is used only with a mailbox
 * selected. LITERAL- (RFC 7888 §5) is not used.
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import { base64Encode } from '../core/bytes.ts';
import type { TlsInfo } from '../core/session.ts';
import { plainResponse } from '../auth/sasl.ts';
import type { ImapCommand } from './codec/index.ts';
import {
  afterExpunge,
  because,
  commandFor,
  isTransient,
  NEEDS_MAILBOX,
  newView,
  tagOf,
  withUid,
  type ImapClientAppEvent,
  type ImapClientConfig,
  type ImapClientEmitted,
  type ImapClientEvent,
  type ImapOperation,
  type MailboxEntry,
  type MailboxView,
  type Step,
} from './client-operations.ts';

export type { ImapClientEmitted, ImapClientEvent } from './client-operations.ts';

/** Input of one client machine. */
export interface ImapClientInput {
  readonly config: ImapClientConfig;
}

interface Context {
  readonly config: ImapClientConfig;
  /** Upper-cased; undefined until the server has said (again, after TLS or login). */
  capabilities: ReadonlySet<string> | undefined;
  tls: TlsInfo | undefined;
  tagCount: number;
  /** The operation whose command is in flight. */
  current: ImapOperation | undefined;
  /** Operations not started yet, in order. */
  queue: readonly ImapOperation[];
  mailbox: MailboxView | undefined;
  /** LIST answers of the command in flight. */
  listed: readonly MailboxEntry[];
  /** SEARCH answers of the command in flight. */
  found: readonly number[];
  /** The text of `* BYE`, for the failure when the connection then drops. */
  bye: string | undefined;
}

const has = (context: Context, capability: string): boolean => context.capabilities?.has(capability) === true;

const report = (event: ImapClientAppEvent) => ({ type: 'out.event' as const, event });

/** Leaves for closed on a timeout: the server is gone, a LOGOUT would wait for nothing. */
const onTimeout = {
  replyTimeout: {
    target: '#imapClient.closed',
    actions: { type: 'failSession', params: { reason: 'timed out waiting for the server' } },
  },
} as const;

/** A refusal that ends the session: report it, then LOGOUT politely. */
const abandonOn = (reason: string, useResponse = true) =>
  ({
    target: '#imapClient.loggingOut',
    actions: { type: 'failSession', params: { reason, permanent: true, useResponse } },
  }) as const;

/** The tagged completion of an operation's command: `ok` goes on, NO and BAD fail the operation. */
const completion = (ok: object, refused: string, target = 'waiting') =>
  ({
    'reply.ok': ok,
    'reply.refused': { target, actions: { type: 'failOp', params: refused } },
  }) as const;

/** A state awaiting the answer to the command of `step`, sent on entry. */
const awaiting = (step: Step, on: object) =>
  ({ entry: { type: 'send', params: step }, after: onTimeout, on }) as const;

/** An operation's state whose OK finishes it (after `actions`) and whose NO/BAD fails it. */
const operation = (step: Step, refused: string, on: object = {}, actions: readonly string[] = []) =>
  awaiting(step, { ...on, ...completion({ target: 'waiting', actions: [...actions, 'finishOp'] }, refused) });

/** LIST, valid in both `ready` and `selected` (RFC 3501 §6.3.8). */
const listing = {
  ...operation('LIST', 'LIST refused', { 'reply.list': { actions: 'collectListed' } }, ['reportListed']),
  entry: ['clearListed', { type: 'send', params: 'LIST' }],
} as const;

/** Takes the next operation when it is of `kind`, into `target`. */
const take = (kind: ImapOperation['kind'], target: string, extra: object = {}) =>
  ({ guard: { type: 'nextIs', params: kind }, target, actions: 'takeNext', ...extra }) as const;

export const imapClientMachine = setup({
  types: {
    context: {} as Context,
    events: {} as ImapClientEvent,
    emitted: {} as ImapClientEmitted,
    input: {} as ImapClientInput,
  },
  delays: {
    replyTimeout: ({ context }) => context.config.replyTimeoutMs,
    idleRefresh: ({ context }) => context.config.idleRefreshMs,
  },
  guards: {
    implicitTls: ({ context }) => context.config.implicitTls,
    greetingBye: ({ event }) => event.type === 'reply.status' && event.status === 'BYE',
    greetingPreauth: ({ event }) => event.type === 'reply.status' && event.status === 'PREAUTH',
    greetingOk: ({ event }) => event.type === 'reply.status' && event.status === 'OK',
    carriesCapabilities: ({ event }) =>
      (event.type === 'reply.status' || 'response' in event) &&
      ('response' in event ? event.response.code : event.code)?.code === 'CAPABILITY',
    capabilitiesUnknown: ({ context }) => context.capabilities === undefined,
    shouldStartTls: ({ context }) =>
      !context.config.implicitTls &&
      context.tls === undefined &&
      context.config.tls !== 'none' &&
      has(context, 'STARTTLS'),
    tlsMissing: ({ context }) =>
      !context.config.implicitTls && context.tls === undefined && context.config.tls === 'required',
    tlsRequired: ({ context }) => context.config.tls === 'required',
    shouldCompress: ({ context }) => context.config.compress === true && has(context, 'COMPRESS=DEFLATE'),
    plainOffered: ({ context }) => has(context, 'AUTH=PLAIN'),
    saslIrOffered: ({ context }) => has(context, 'SASL-IR'),
    loginDisabled: ({ context }) => has(context, 'LOGINDISABLED'),
    moveOffered: ({ context }) => has(context, 'MOVE'),
    idleOffered: ({ context }) => has(context, 'IDLE'),
    nextIs: ({ context }, kind: ImapOperation['kind']) => context.queue[0]?.kind === kind,
    nextNeedsMailbox: ({ context }) => NEEDS_MAILBOX.has(context.queue[0]?.kind ?? ''),
    othersWaiting: ({ context }) => context.queue.length > 0,
    isNewMessage: ({ context, event }) =>
      event.type === 'reply.fetch' &&
      context.current?.kind === 'fetchNew' &&
      event.items.body !== undefined &&
      (event.items.uid ?? 0) > context.current.sinceUid,
    isSummary: ({ context, event }) =>
      event.type === 'reply.fetch' &&
      context.current?.kind === 'fetchSummaries' &&
      event.items.envelope !== undefined &&
      (event.items.uid ?? 0) > context.current.sinceUid,
    isOpenedMessage: ({ context, event }) =>
      event.type === 'reply.fetch' &&
      context.current?.kind === 'fetchMessage' &&
      event.items.body !== undefined &&
      event.items.uid === context.current.uid,
  },
  actions: {
    send: enqueueActions(({ context, enqueue }, step: Step) => {
      const tagCount = context.tagCount + 1;
      enqueue.assign({ tagCount });
      enqueue.emit({
        type: 'out.command',
        command: { tag: tagOf(tagCount), ...commandFor(step, context) } as ImapCommand,
        literalPlus: has(context, 'LITERAL+'),
      });
    }),
    // RFC 4616 §2 via RFC 3501 §6.2.2: the PLAIN message as the answer to the server's `+`.
    sendPlainResponse: emit(({ context }) => ({
      type: 'out.line' as const,
      text: base64Encode(plainResponse(context.config.username, context.config.password)),
    })),
    cancelSasl: emit({ type: 'out.line' as const, text: '*' }),
    sendDone: emit({ type: 'out.line' as const, text: 'DONE' }),
    startTls: emit({ type: 'out.startTls' as const }),
    startCompression: emit({ type: 'out.startCompression' as const }),
    close: emit({ type: 'out.close' as const }),
    rememberTls: assign({
      tls: ({ event }) => (event.type === 'tls.established' ? event.info : undefined),
      capabilities: undefined,
    }),
    rememberCapabilities: assign({
      capabilities: ({ context, event }) => {
        const code =
          event.type === 'reply.status' ? event.code : 'response' in event ? event.response.code : undefined;
        const list =
          event.type === 'reply.capability'
            ? event.capabilities
            : code?.code === 'CAPABILITY'
              ? code.capabilities
              : undefined;
        return list ? new Set(list.map((c) => c.toUpperCase())) : context.capabilities;
      },
    }),
    // RFC 3501 §6.2.3: capabilities may change at login; the OK may carry the new list.
    forgetCapabilities: assign({ capabilities: undefined }),
    /** CAPABILITY completed without naming any: the server offers nothing beyond the base protocol. */
    assumeNoCapabilities: assign({
      capabilities: ({ context }) => context.capabilities ?? new Set<string>(),
    }),
    forgetStartTls: assign({
      capabilities: ({ context }) =>
        new Set([...(context.capabilities ?? [])].filter((c) => c !== 'STARTTLS')),
    }),
    enqueue: assign({
      queue: ({ context, event }) =>
        event.type === 'app.request' ? [...context.queue, event.op] : context.queue,
    }),
    takeNext: assign({
      current: ({ context }) => context.queue[0],
      queue: ({ context }) => context.queue.slice(1),
    }),
    // The idle operations not started yet end at once: there is nothing to stop.
    dropQueuedIdle: enqueueActions(({ context, enqueue }) => {
      const idle = context.queue.filter((op) => op.kind === 'idle');
      if (idle.length === 0) return;
      for (const op of idle) enqueue.emit(report({ type: 'done', op }));
      enqueue.assign({ queue: context.queue.filter((op) => op.kind !== 'idle') });
    }),
    refuseNext: enqueueActions(({ context, enqueue }, reason: string) => {
      const [op, ...rest] = context.queue;
      if (op) enqueue.emit(report({ type: 'failed', op, reason, permanent: true }));
      enqueue.assign({ queue: rest });
    }),
    refuseRequest: emit(({ event }, reason: string) =>
      report(
        event.type === 'app.request'
          ? { type: 'failed', op: event.op, reason, permanent: true }
          : { type: 'failed', reason, permanent: true },
      ),
    ),
    failQueued: enqueueActions(({ context, enqueue }, reason: string) => {
      for (const op of context.queue) enqueue.emit(report({ type: 'failed', op, reason, permanent: true }));
      enqueue.assign({ queue: [] });
    }),
    finishOp: enqueueActions(({ context, enqueue }) => {
      if (context.current) enqueue.emit(report({ type: 'done', op: context.current }));
      enqueue.assign({ current: undefined });
    }),
    failOp: enqueueActions(({ context, event, enqueue }, prefix: string) => {
      if (context.current)
        enqueue.emit(
          report({
            type: 'failed',
            op: context.current,
            reason: `${prefix}${because(event)}`,
            permanent: !('response' in event && isTransient(event.response.status, event.response.code)),
          }),
        );
      enqueue.assign({ current: undefined });
    }),
    /** The session failed: say so, then fail the operation in flight and all waiting ones. */
    failSession: enqueueActions(
      (
        { context, event, enqueue },
        params: { reason: string; permanent?: boolean; useResponse?: boolean },
      ) => {
        const bye = event.type === 'net.closed' && context.bye !== undefined ? ` (BYE ${context.bye})` : '';
        const reason = `${params.reason}${params.useResponse === true ? because(event) : ''}${bye}`;
        const permanent = params.permanent ?? false;
        enqueue.emit(report({ type: 'failed', reason, permanent }));
        for (const op of [...(context.current ? [context.current] : []), ...context.queue])
          enqueue.emit(report({ type: 'failed', op, reason, permanent }));
        enqueue.assign({ current: undefined, queue: [] });
      },
    ),
    noteBye: assign({
      bye: ({ context, event }) =>
        event.type === 'reply.status' && event.status === 'BYE' ? event.text : context.bye,
    }),
    beginSelect: assign({
      mailbox: ({ context }) => newView(context.current?.kind === 'select' ? context.current.mailbox : ''),
    }),
    noteSelectData: assign({
      mailbox: ({ context, event }) => {
        const view = context.mailbox;
        if (!view) return view;
        if (event.type === 'reply.exists') return { ...view, exists: event.count };
        const code = event.type === 'reply.status' ? event.code : undefined;
        if (code?.code === 'UIDVALIDITY') return { ...view, uidValidity: code.value };
        if (code?.code === 'UIDNEXT') return { ...view, uidNext: code.value };
        return view;
      },
    }),
    reportSelected: emit(({ context }) =>
      report({
        type: 'selected',
        mailbox: context.mailbox?.name ?? '',
        exists: context.mailbox?.exists ?? 0,
        uidValidity: context.mailbox?.uidValidity ?? 0,
        uidNext: context.mailbox?.uidNext ?? 0,
      }),
    ),
    dropMailbox: assign({ mailbox: undefined }),
    noteExists: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'reply.exists' || !context.mailbox) return;
      enqueue.assign({ mailbox: { ...context.mailbox, exists: event.count } });
      enqueue.emit(report({ type: 'exists', count: event.count }));
    }),
    noteExpunge: enqueueActions(({ context, event, enqueue }) => {
      const view = context.mailbox;
      if (event.type !== 'reply.expunge' || !view) return;
      const uid = view.uids.get(event.seq);
      enqueue.assign({ mailbox: afterExpunge(view, event.seq) });
      enqueue.emit(report({ type: 'expunge', seq: event.seq, ...(uid !== undefined ? { uid } : {}) }));
    }),
    noteFetch: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'reply.fetch' || !context.mailbox) return;
      const view = withUid(context.mailbox, event.seq, event.items.uid);
      enqueue.assign({ mailbox: view });
      const uid = view.uids.get(event.seq);
      const { flags } = event.items;
      if (flags)
        enqueue.emit(report({ type: 'flags', seq: event.seq, ...(uid !== undefined ? { uid } : {}), flags }));
    }),
    deliverMessage: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'reply.fetch' || !context.mailbox) return;
      const { uid = 0, flags = [], internalDate = 0, body = new Uint8Array(0) } = event.items;
      enqueue.assign({ mailbox: withUid(context.mailbox, event.seq, uid) });
      enqueue.emit(report({ type: 'message', uid, flags, internalDate, bytes: body }));
    }),
    deliverSummary: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'reply.fetch' || !context.mailbox || !event.items.envelope) return;
      const { uid = 0, flags = [], internalDate = 0, size = 0, envelope } = event.items;
      enqueue.assign({ mailbox: withUid(context.mailbox, event.seq, uid) });
      enqueue.emit(report({ type: 'summary', seq: event.seq, uid, flags, internalDate, size, envelope }));
    }),
    clearListed: assign({ listed: [] }),
    collectListed: assign({
      listed: ({ context, event }) =>
        event.type === 'reply.list' ? [...context.listed, event.mailbox] : context.listed,
    }),
    reportListed: emit(({ context }) => report({ type: 'mailboxes', list: context.listed })),
    clearFound: assign({ found: [] }),
    collectFound: assign({
      found: ({ context, event }) =>
        event.type === 'reply.search' ? [...context.found, ...event.numbers] : context.found,
    }),
    reportFound: emit(({ context }) => report({ type: 'searched', uids: context.found })),
    unexpectedReply: emit(({ event }) => ({
      type: 'out.violation' as const,
      rule: 'RFC 9051 §7',
      message:
        event.type === 'reply.malformed'
          ? `${event.reason}: ${JSON.stringify(event.line)}`
          : `${event.type} is not a valid response here`,
    })),
    startTlsRefused: emit(({ event }) => ({
      type: 'out.violation' as const,
      rule: 'RFC 3501 §6.2.1',
      message: `STARTTLS was offered but refused${because(event)}; continuing without TLS`,
    })),
  },
}).createMachine({
  id: 'imapClient',
  initial: 'awaitingGreeting',
  context: ({ input }) => ({
    config: input.config,
    capabilities: undefined,
    tls: undefined,
    tagCount: 0,
    current: undefined,
    queue: [],
    mailbox: undefined,
    listed: [],
    found: [],
    bye: undefined,
  }),
  on: {
    'app.request': { actions: 'enqueue' },
    'app.stopIdle': { actions: 'dropQueuedIdle' },
    'reply.capability': { actions: 'rememberCapabilities' },
    'reply.status': { actions: 'noteBye' },
    'reply.exists': { actions: 'noteExists' },
    'reply.expunge': { actions: 'noteExpunge' },
    'reply.fetch': { actions: 'noteFetch' },
    // A `+` nobody asked for, or a tagged reply out of turn: note it, carry on.
    'reply.*': { actions: 'unexpectedReply' },
    'reply.data': {},
    'reply.list': {},
    'reply.search': {},
    'reply.malformed': {
      target: '.closed',
      actions: ['unexpectedReply', { type: 'failSession', params: { reason: 'unreadable response' } }],
    },
    'net.closed': {
      target: '.closed',
      actions: { type: 'failSession', params: { reason: 'connection lost' } },
    },
  },
  states: {
    awaitingGreeting: {
      after: onTimeout,
      on: {
        'tls.established': { guard: 'implicitTls', actions: 'rememberTls' },
        'reply.status': [
          {
            guard: 'greetingBye',
            target: 'closed',
            actions: {
              type: 'failSession',
              params: { reason: 'the server refused the connection', useResponse: true },
            },
          },
          // A PREAUTH greeting leaves no chance for STARTTLS (RFC 3501 §6.2.1; the PREAUTH downgrade).
          {
            guard: and(['greetingPreauth', 'tlsMissing']),
            ...abandonOn('TLS is required but the server greeted with PREAUTH'),
          },
          { guard: 'greetingPreauth', target: 'ready', actions: 'rememberCapabilities' },
          {
            guard: and(['greetingOk', 'carriesCapabilities']),
            target: 'capabilitiesKnown',
            actions: 'rememberCapabilities',
          },
          { guard: 'greetingOk', target: 'awaitingCapability' },
          { actions: 'unexpectedReply' },
        ],
      },
    },
    awaitingCapability: {
      entry: { type: 'send', params: 'CAPABILITY' },
      after: onTimeout,
      on: {
        'reply.ok': {
          target: 'capabilitiesKnown',
          actions: ['rememberCapabilities', 'assumeNoCapabilities'],
        },
        'reply.refused': abandonOn('CAPABILITY refused'),
      },
    },
    /** A decision: secure the channel, then pick the way to log in. */
    capabilitiesKnown: {
      always: [
        { guard: 'shouldStartTls', target: 'startingTls' },
        {
          guard: 'tlsMissing',
          ...abandonOn('TLS is required but the server does not offer STARTTLS', false),
        },
        {
          guard: and(['plainOffered', 'saslIrOffered']),
          target: 'authenticating.awaitingResult',
          actions: { type: 'send', params: 'AUTHENTICATE-IR' },
        },
        {
          guard: 'plainOffered',
          target: 'authenticating.awaitingChallenge',
          actions: { type: 'send', params: 'AUTHENTICATE' },
        },
        {
          guard: 'loginDisabled',
          ...abandonOn(
            'the server refuses LOGIN without TLS (LOGINDISABLED) and offers no usable mechanism',
            false,
          ),
        },
        { target: 'authenticating.awaitingResult', actions: { type: 'send', params: 'LOGIN' } },
      ],
    },
    startingTls: {
      entry: { type: 'send', params: 'STARTTLS' },
      after: onTimeout,
      on: {
        'reply.ok': { target: 'tlsHandshake', actions: 'startTls' },
        'reply.refused': [
          { guard: 'tlsRequired', ...abandonOn('STARTTLS refused') },
          { target: 'capabilitiesKnown', actions: ['startTlsRefused', 'forgetStartTls'] },
        ],
      },
    },
    tlsHandshake: {
      tags: ['codec:paused'],
      after: onTimeout,
      on: { 'tls.established': { target: 'awaitingCapability', actions: 'rememberTls' } },
    },
    authenticating: {
      initial: 'awaitingResult',
      after: onTimeout,
      on: {
        'reply.ok': { target: 'loggedIn', actions: ['forgetCapabilities', 'rememberCapabilities'] },
        'reply.refused': abandonOn('authentication failed'),
      },
      states: {
        /** AUTHENTICATE PLAIN went without its response: the server's `+` asks for it. */
        awaitingChallenge: {
          on: { 'reply.continue': { target: 'awaitingResult', actions: 'sendPlainResponse' } },
        },
        /** A challenge after the PLAIN response is not part of RFC 4616: cancel (RFC 3501 §6.2.2). */
        awaitingResult: {
          on: { 'reply.continue': { actions: 'cancelSasl' } },
        },
      },
    },
    /** A decision: compress the connection first, if configured and offered. */
    loggedIn: {
      always: [{ guard: 'shouldCompress', target: 'compressing' }, { target: 'ready' }],
    },
    compressing: {
      entry: { type: 'send', params: 'COMPRESS' },
      after: onTimeout,
      on: {
        'reply.ok': { target: 'ready', actions: 'startCompression' },
        // RFC 4978 §3: after NO or BAD the client MUST NOT compress; the session goes on without.
        'reply.refused': { target: 'ready' },
      },
    },
    /** Authenticated, no mailbox selected. */
    ready: {
      initial: 'waiting',
      states: {
        waiting: {
          always: [
            { guard: 'capabilitiesUnknown', target: 'awaitingCapability' },
            take('list', 'listing'),
            take('select', '#imapClient.selecting'),
            take('logout', '#imapClient.loggingOut', {
              actions: ['takeNext', { type: 'failQueued', params: 'the session logged out first' }],
            }),
            {
              guard: 'nextNeedsMailbox',
              actions: { type: 'refuseNext', params: 'no mailbox is selected' },
            },
          ],
        },
        awaitingCapability: {
          entry: { type: 'send', params: 'CAPABILITY' },
          after: onTimeout,
          on: {
            'reply.ok': { target: 'waiting', actions: ['rememberCapabilities', 'assumeNoCapabilities'] },
            'reply.refused': abandonOn('CAPABILITY refused'),
          },
        },
        listing,
      },
    },
    selecting: {
      entry: ['beginSelect', { type: 'send', params: 'SELECT' }],
      after: onTimeout,
      on: {
        'reply.exists': { actions: 'noteSelectData' },
        'reply.status': { actions: ['noteBye', 'noteSelectData'] },
        'reply.ok': { target: 'selected', actions: ['reportSelected', 'finishOp'] },
        // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
        'reply.refused': {
          target: 'ready',
          actions: ['dropMailbox', { type: 'failOp', params: 'SELECT refused' }],
        },
      },
    },
    selected: {
      initial: 'waiting',
      states: {
        waiting: {
          always: [
            take('list', 'listing'),
            take('select', '#imapClient.selecting'),
            take('fetchNew', 'fetching'),
            take('fetchSummaries', 'fetching'),
            take('fetchMessage', 'fetching'),
            take('setFlags', 'storing'),
            {
              ...take('move', 'moving'),
              guard: and([{ type: 'nextIs', params: 'move' as const }, 'moveOffered']),
            },
            take('move', 'copying'),
            take('expunge', 'expunging'),
            take('search', 'searching'),
            {
              ...take('idle', '#imapClient.idling'),
              guard: and([{ type: 'nextIs', params: 'idle' as const }, 'idleOffered']),
            },
            {
              guard: { type: 'nextIs', params: 'idle' },
              actions: { type: 'refuseNext', params: 'the server does not offer IDLE (RFC 2177)' },
            },
            take('logout', '#imapClient.loggingOut', {
              actions: ['takeNext', { type: 'failQueued', params: 'the session logged out first' }],
            }),
          ],
        },
        listing,
        fetching: operation('FETCH', 'UID FETCH refused', {
          'reply.fetch': [
            { guard: 'isNewMessage', actions: 'deliverMessage' },
            { guard: 'isOpenedMessage', actions: 'deliverMessage' },
            { guard: 'isSummary', actions: 'deliverSummary' },
            { actions: 'noteFetch' },
          ],
        }),
        storing: operation('STORE', 'UID STORE refused'),
        moving: operation('MOVE', 'UID MOVE refused'),
        copying: awaiting('COPY', completion({ target: 'markingDeleted' }, 'UID COPY refused')),
        markingDeleted: awaiting(
          'MARK-DELETED',
          completion({ target: 'expungingMoved' }, 'copied, but marking the originals \\Deleted was refused'),
        ),
        expungingMoved: operation('EXPUNGE-MOVED', 'copied, but EXPUNGE was refused'),
        expunging: operation('EXPUNGE', 'EXPUNGE refused'),
        searching: {
          ...operation('SEARCH', 'UID SEARCH refused', { 'reply.search': { actions: 'collectFound' } }, [
            'reportFound',
          ]),
          entry: ['clearFound', { type: 'send', params: 'SEARCH' }],
        },
      },
    },
    /** RFC 2177: IDLE, untagged updates as they happen, DONE. */
    idling: {
      initial: 'awaitingContinuation',
      on: completion({ target: 'selected', actions: 'finishOp' }, 'IDLE refused', 'selected'),
      states: {
        awaitingContinuation: {
          entry: { type: 'send', params: 'IDLE' },
          after: onTimeout,
          on: {
            'reply.continue': [
              { guard: 'othersWaiting', target: 'ending', actions: 'sendDone' },
              { target: 'listening' },
            ],
            'app.request': { target: 'cancelling', actions: 'enqueue' },
            'app.stopIdle': { target: 'cancelling' },
          },
        },
        /** Stop wanted before the `+`: DONE may only follow it. */
        cancelling: {
          after: onTimeout,
          on: { 'reply.continue': { target: 'ending', actions: 'sendDone' } },
        },
        listening: {
          after: { idleRefresh: { target: 'refreshing', actions: 'sendDone' } },
          on: {
            'app.request': { target: 'ending', actions: ['enqueue', 'sendDone'] },
            'app.stopIdle': { target: 'ending', actions: 'sendDone' },
          },
        },
        /** DONE sent to renew IDLE; the OK starts the next one. */
        refreshing: {
          after: onTimeout,
          on: {
            'reply.ok': { target: 'awaitingContinuation' },
            'app.request': { target: 'ending', actions: 'enqueue' },
            'app.stopIdle': { target: 'ending' },
          },
        },
        ending: { after: onTimeout },
      },
    },
    loggingOut: {
      entry: { type: 'send', params: 'LOGOUT' },
      after: { replyTimeout: { target: 'closed', actions: { type: 'failOp', params: 'LOGOUT timed out' } } },
      on: {
        'app.request': { actions: { type: 'refuseRequest', params: 'the session is logging out' } },
        'reply.ok': { target: 'closed', actions: 'finishOp' },
        'reply.refused': { target: 'closed', actions: { type: 'failOp', params: 'LOGOUT refused' } },
        // RFC 3501 §6.1.3: the server closes after BYE; leaving is what LOGOUT wanted.
        'net.closed': { target: 'closed', actions: 'finishOp' },
      },
    },
    closed: { type: 'final', entry: 'close' },
  },
});
