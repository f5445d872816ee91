/**
 * The SMTP server, one machine per connection (RFC 5321 with RFC 1870 SIZE,
 * RFC 2920 PIPELINING, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 6152 8BITMIME,
 * RFC 2034/3463 enhanced status codes, RFC 6531 SMTPUTF8).
 *
 * Theory of operation. The machine sees typed events, never bytes: the
 * session (server-session.ts) frames input according to the state's tag —
 * `codec:command` lines become `cmd.*` events, `codec:sasl` lines become
 * `sasl.response`, `codec:data` collects the message until CRLF.CRLF and
 * sends `data.complete`, `codec:paused` reads nothing (waiting for TLS, for
 * the verdict on a message, or closing). Every reply leaves as an
 * `out.reply` emitted event, in order, which is all PIPELINING needs
 * (§3 of RFC 2920: replies in the order of the commands).
 *
 * The idle timer (§4.5.3.2.7) is a delayed event the machine sends itself,
 * `timer.idleTimeout`: the session tells the machine how long the client has
 * been quiet (`quietFor`) rather than sending an event per read, so when the
 * timer runs out after the client spoke, it is set again for what is left of
 * the timeout since the last input; otherwise the server answers 421 and
 * closes.
 *
 * Invariants: `envelope` is set exactly in `mailTransaction` and the states
 * after it until the message is answered; `heloName` is set from `greeted`
 * on; a STARTTLS handshake forgets HELO, AUTH and the envelope (RFC 3207
 * §4.2). Errors count towards `maxErrors`, after which the server says 421
 * and closes (Postfix's hard error limit).
 *
 * SIMPLIFICATION: no DSN (RFC 3461), CHUNKING/BDAT (RFC 3030) or ETRN; EXPN
 * is refused with 502 as most public servers do.
 */
import { assign, emit, enqueueActions, not, raise, setup } from 'xstate';
import { concatBytes, utf8Bytes } from '../core/bytes.ts';
import { countReceived, formatReceived } from './received.ts';
import { isPostmaster } from './commands.ts';
import { decodeClientResponse, startServerMechanism } from '../auth/sasl.ts';
import { domainOf, ehloReply, saslOutcome, stripBrackets } from './server-policy.ts';
import type {
  Reply,
  SaslOutcome,
  SmtpServerContext as Context,
  SmtpServerEmitted,
  SmtpServerEvent,
  SmtpServerInput,
} from './server-types.ts';

export type {
  Envelope,
  ReceivedMessage,
  Reply,
  SmtpServerEmitted,
  SmtpServerEvent,
  SmtpServerInput,
} from './server-types.ts';

/** The idle timer's event, which the machine sends itself. */
type IdleTimeout = { type: 'timer.idleTimeout' };

const ok = (code: number, enhanced: string, text: string | readonly string[]): Reply => ({
  code,
  enhanced,
  text,
});

/** Postfix's answer once a client has made `smtpd_hard_error_limit` errors. */
const hangUpOnErrors = {
  guard: 'tooManyErrors',
  target: '#smtpServer.closing',
  actions: [{ type: 'reply', params: ok(421, '4.7.0', 'Error: too many errors') }, 'close'],
} as const;

export const smtpServerMachine = setup({
  types: {
    context: {} as Context,
    events: {} as SmtpServerEvent | SaslOutcome | IdleTimeout,
    emitted: {} as SmtpServerEmitted,
    input: {} as SmtpServerInput,
  },
  delays: {
    // The rest of the timeout, counted from the client's last input (a whole
    // timeout when the silence is already that long).
    idleTimeout: ({ context }) => {
      const timeout = context.config.idleTimeoutMs;
      const quiet = context.quietFor?.() ?? 0;
      return quiet < timeout ? timeout - quiet : timeout;
    },
  },
  guards: {
    isSecure: ({ context }) => context.tls !== undefined,
    refusing: ({ context }) => context.refusal !== undefined,
    implicitTlsStarting: ({ context }) => context.peer.implicitTls && context.tls === undefined,
    tlsOffered: ({ context }) => context.config.offerStartTls && context.tls === undefined,
    authRequired: ({ context }) => context.config.requireAuth && context.authenticatedAs === undefined,
    isAuthenticated: ({ context }) => context.authenticatedAs !== undefined,
    authNeedsTls: ({ context }) => context.tls === undefined && !context.config.allowAuthWithoutTls,
    mechanismUnknown: ({ context, event }) =>
      event.type === 'cmd.AUTH' && !context.config.authMechanisms.includes(event.mechanism.toUpperCase()),
    sizeTooLarge: ({ context, event }) => {
      if (event.type !== 'cmd.MAIL') return false;
      return (event.params.size ?? 0) > context.config.maxMessageSize;
    },
    utf8WithoutSmtputf8: ({ event }) => event.type === 'cmd.MAIL' && event.utf8 && !event.params.smtputf8,
    recipientUtf8WithoutSmtputf8: ({ context, event }) =>
      event.type === 'cmd.RCPT' && event.utf8 && !context.envelope?.params.smtputf8,
    tooManyRecipients: ({ context }) =>
      (context.envelope?.rcptTo.length ?? 0) >= context.config.maxRecipients,
    relayDenied: ({ context, event }) =>
      event.type === 'cmd.RCPT' &&
      !isPostmaster(event.to) &&
      !context.directory.isLocalDomain(domainOf(event.to)) &&
      context.authenticatedAs === undefined &&
      !context.config.openRelay,
    unknownLocalUser: ({ context, event }) =>
      event.type === 'cmd.RCPT' &&
      !isPostmaster(event.to) &&
      context.directory.isLocalDomain(domainOf(event.to)) &&
      !context.directory.hasMailbox(event.to),
    recipientMailboxFull: ({ context, event }) =>
      event.type === 'cmd.RCPT' &&
      context.directory.isLocalDomain(domainOf(event.to)) &&
      context.directory.mailboxFull?.(event.to, context.envelope?.params.size ?? 0) === true,
    messageTooBig: ({ event }) => event.type === 'data.complete' && event.result.exceeded,
    tooManyHops: ({ context, event }) =>
      event.type === 'data.complete' && countReceived(event.result.bytes) > context.config.maxHops,
    vrfyEnabled: ({ context }) => context.config.vrfy,
    knownUser: ({ context, event }) =>
      event.type === 'cmd.VRFY' && context.directory.hasMailbox(stripBrackets(event.arg)),
    credentialsValid: ({ event }) => event.type === 'sasl.credentials' && event.valid,
    tooManyErrors: ({ context }) => context.errors >= context.config.maxErrors,
    clientSpokeSince: ({ context }) => (context.quietFor?.() ?? Infinity) < context.config.idleTimeoutMs,
  },
  actions: {
    startIdleTimer: raise({ type: 'timer.idleTimeout' }, { id: 'idleTimer', delay: 'idleTimeout' }),
    reply: emit((_, reply: Reply) => ({ type: 'out.reply' as const, reply })),
    replyWith: emit(({ event }) => {
      if (event.type !== 'cmd.INVALID' && event.type !== 'policy.verdict')
        throw new Error('replyWith needs a reply');
      return { type: 'out.reply' as const, reply: event.reply };
    }),
    greet: emit(({ context }) => ({
      type: 'out.reply' as const,
      reply: context.refusal ?? { code: 220, text: `${context.config.hostname} ${context.config.banner}` },
    })),
    close: emit({ type: 'out.close' as const }),
    startTls: emit({ type: 'out.startTls' as const }),
    countError: assign({ errors: ({ context }) => context.errors + 1 }),
    violation: emit((_, v: { rule: string; message: string }) => ({ type: 'out.violation' as const, ...v })),
    rememberHelo: assign({
      heloName: ({ event }) =>
        event.type === 'cmd.HELO' || event.type === 'cmd.EHLO' ? event.domain : undefined,
      esmtp: ({ event }) => event.type === 'cmd.EHLO',
      envelope: undefined,
    }),
    replyHelo: emit(({ context, event }) => ({
      type: 'out.reply' as const,
      reply: event.type === 'cmd.EHLO' ? ehloReply(context) : { code: 250, text: context.config.hostname },
    })),
    startEnvelope: assign({
      envelope: ({ event }) =>
        event.type === 'cmd.MAIL' ? { mailFrom: event.from, rcptTo: [], params: event.params } : undefined,
    }),
    addRecipient: assign({
      envelope: ({ context, event }) =>
        event.type === 'cmd.RCPT' && context.envelope
          ? { ...context.envelope, rcptTo: [...context.envelope.rcptTo, event.to] }
          : context.envelope,
    }),
    replyRcptDenied: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(554, '5.7.1', `<${event.type === 'cmd.RCPT' ? event.to : ''}>: Relay access denied`),
    })),
    replyRcptUnknown: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(
        550,
        '5.1.1',
        `<${event.type === 'cmd.RCPT' ? event.to : ''}>: Recipient address rejected: User unknown in local recipient table`,
      ),
    })),
    // RFC 3463 §3.3 X.2.2 "Mailbox full": temporary, the sender's MTA retries.
    replyRcptFull: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(
        452,
        '4.2.2',
        `<${event.type === 'cmd.RCPT' ? event.to : ''}>: Recipient address rejected: Mailbox full`,
      ),
    })),
    forgetEnvelope: assign({ envelope: undefined }),
    forgetSession: assign({
      heloName: undefined,
      esmtp: false,
      authenticatedAs: undefined,
      envelope: undefined,
    }),
    rememberTls: assign({ tls: ({ event }) => (event.type === 'tls.established' ? event.info : undefined) }),
    offerMessage: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'data.complete' || !context.envelope) return;
      const queueId = context.queueId();
      const received = formatReceived({
        helo: context.heloName ?? '',
        peerName: context.peer.hostname,
        peerAddress: context.peer.address,
        by: context.config.hostname,
        esmtp: context.esmtp,
        tls: context.tls !== undefined,
        authenticated: context.authenticatedAs !== undefined,
        utf8: context.envelope.params.smtputf8 === true,
        queueId,
        recipients: context.envelope.rcptTo,
        date: context.now(),
      });
      enqueue.emit({
        type: 'out.message',
        message: {
          envelope: context.envelope,
          data: concatBytes([utf8Bytes(received), event.result.bytes]),
          queueId,
          helo: context.heloName ?? '',
          peer: context.peer,
          authenticatedAs: context.authenticatedAs,
          tls: context.tls !== undefined,
        },
      });
    }),
    replyVrfy: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(252, '2.0.0', event.type === 'cmd.VRFY' ? stripBrackets(event.arg) : ''),
    })),
    replyVrfyUnknown: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(
        550,
        '5.1.1',
        `<${event.type === 'cmd.VRFY' ? stripBrackets(event.arg) : ''}>: Recipient address rejected: User unknown in local recipient table`,
      ),
    })),
    replyHelp: emit({
      type: 'out.reply' as const,
      reply: ok(214, '2.0.0', [
        'Commands: HELO EHLO MAIL RCPT DATA RSET VRFY NOOP QUIT STARTTLS AUTH HELP',
        'See RFC 5321 for their meaning',
      ]),
    }),
    startSasl: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'cmd.AUTH') return;
      const mechanism = startServerMechanism(event.mechanism, {
        challengeNonce: context.nonce(),
        hostname: context.config.hostname,
      });
      if (!mechanism) return enqueue.raise({ type: 'sasl.malformed', reason: 'unknown mechanism' });
      enqueue.assign({ sasl: mechanism });
      // RFC 4954 §4: no initial response means the server speaks first; "=" is an empty one.
      if (event.initialResponse === undefined)
        return enqueue.raise(saslOutcome(context, mechanism, mechanism.step(undefined)));
      const decoded = decodeClientResponse(event.initialResponse, true);
      enqueue.raise(
        decoded.kind === 'data'
          ? saslOutcome(context, mechanism, mechanism.step(decoded.data))
          : { type: 'sasl.malformed', reason: 'cannot decode response' },
      );
    }),
    stepSasl: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sasl.response' || !context.sasl) return;
      const decoded = decodeClientResponse(event.text);
      if (decoded.kind === 'cancel') return enqueue.raise({ type: 'sasl.aborted' });
      if (decoded.kind === 'bad-base64')
        return enqueue.raise({ type: 'sasl.malformed', reason: 'cannot decode response' });
      enqueue.raise(saslOutcome(context, context.sasl, context.sasl.step(decoded.data)));
    }),
    replyChallenge: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: { code: 334, text: event.type === 'sasl.challenge' ? event.data : '' },
    })),
    rememberUser: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'sasl.credentials') return;
      enqueue.assign({ authenticatedAs: event.user, sasl: undefined });
      enqueue.emit({ type: 'out.authenticated', user: event.user });
    }),
    forgetSasl: assign({ sasl: undefined }),
    replySaslMalformed: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(501, '5.5.2', `Error: ${event.type === 'sasl.malformed' ? event.reason : 'bad response'}`),
    })),
  },
}).createMachine({
  id: 'smtpServer',
  initial: 'awaitingHelo',
  // The 220 greeting opens the session once; after STARTTLS there is none (RFC 3207 §4.2).
  entry: ['greet', 'startIdleTimer'],
  context: ({ input }) => ({
    ...input,
    tls: undefined,
    heloName: undefined,
    esmtp: false,
    authenticatedAs: undefined,
    envelope: undefined,
    sasl: undefined,
    errors: 0,
  }),
  // Commands every state that reads commands answers the same way.
  on: {
    'cmd.NOOP': { actions: { type: 'reply', params: ok(250, '2.0.0', 'Ok') } },
    'cmd.HELP': { actions: 'replyHelp' },
    'cmd.QUIT': {
      target: '.closing',
      actions: [{ type: 'reply', params: ok(221, '2.0.0', 'Bye') }, 'close'],
    },
    'cmd.VRFY': [
      {
        guard: not('vrfyEnabled'),
        actions: { type: 'reply', params: ok(502, '5.5.1', 'VRFY command is disabled') },
      },
      { guard: 'knownUser', actions: 'replyVrfy' },
      { actions: 'replyVrfyUnknown' },
    ],
    'cmd.EXPN': { actions: { type: 'reply', params: ok(502, '5.5.1', 'Error: EXPN is not available') } },
    'cmd.UNKNOWN': {
      actions: ['countError', { type: 'reply', params: ok(500, '5.5.2', 'Error: command not recognized') }],
    },
    'cmd.INVALID': { actions: ['countError', 'replyWith'] },
    'line.tooLong': {
      actions: ['countError', { type: 'reply', params: ok(500, '5.5.2', 'Error: line too long') }],
    },
    'cmd.*': {
      actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: bad sequence of commands') }],
    },
    'net.closed': { target: '.closed' },
    // Implicit TLS (port 465): secure from the start, nothing to reset.
    'tls.established': { guard: 'implicitTlsStarting', actions: 'rememberTls' },
    'timer.idleTimeout': [
      // The client spoke while the timer ran: wait out the rest of the timeout from its last input.
      { guard: 'clientSpokeSince', actions: 'startIdleTimer' },
      {
        target: '.closing',
        actions: [{ type: 'reply', params: ok(421, '4.4.2', 'Error: timeout exceeded') }, 'close'],
      },
    ],
  },
  states: {
    awaitingHelo: {
      tags: ['codec:command'],
      always: [{ guard: 'refusing', target: 'closing', actions: 'close' }, hangUpOnErrors],
      on: {
        'cmd.HELO': { target: 'greeted', actions: ['rememberHelo', 'replyHelo'] },
        'cmd.EHLO': { target: 'greeted', actions: ['rememberHelo', 'replyHelo'] },
        'cmd.MAIL': {
          actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: send HELO/EHLO first') }],
        },
        'cmd.AUTH': {
          actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: send HELO/EHLO first') }],
        },
        'cmd.STARTTLS': {
          actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: send HELO/EHLO first') }],
        },
        'cmd.RSET': { actions: { type: 'reply', params: ok(250, '2.0.0', 'Ok') } },
      },
    },
    greeted: {
      tags: ['codec:command'],
      always: hangUpOnErrors,
      on: {
        'cmd.HELO': { actions: ['rememberHelo', 'replyHelo'] },
        'cmd.EHLO': { actions: ['rememberHelo', 'replyHelo'] },
        'cmd.RSET': { actions: { type: 'reply', params: ok(250, '2.0.0', 'Ok') } },
        'cmd.STARTTLS': [
          {
            guard: 'isSecure',
            actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: TLS already active') }],
          },
          {
            guard: 'tlsOffered',
            target: 'awaitingTls',
            actions: [{ type: 'reply', params: ok(220, '2.0.0', 'Ready to start TLS') }, 'startTls'],
          },
          {
            actions: [{ type: 'reply', params: ok(454, '4.7.0', 'TLS not available due to local problem') }],
          },
        ],
        'cmd.AUTH': [
          {
            guard: 'isAuthenticated',
            actions: [
              'countError',
              { type: 'reply', params: ok(503, '5.5.1', 'Error: already authenticated') },
            ],
          },
          {
            guard: 'mechanismUnknown',
            actions: [
              'countError',
              { type: 'reply', params: ok(504, '5.5.4', 'Unrecognized authentication type') },
            ],
          },
          {
            guard: 'authNeedsTls',
            actions: [
              'countError',
              {
                type: 'reply',
                params: ok(538, '5.7.11', 'Encryption required for requested authentication mechanism'),
              },
            ],
          },
          { target: 'authenticating', actions: 'startSasl' },
        ],
        'cmd.MAIL': [
          {
            guard: 'authRequired',
            actions: ['countError', { type: 'reply', params: ok(530, '5.7.0', 'Authentication required') }],
          },
          {
            guard: 'sizeTooLarge',
            actions: [{ type: 'reply', params: ok(552, '5.3.4', 'Message size exceeds fixed limit') }],
          },
          {
            guard: 'utf8WithoutSmtputf8',
            actions: [
              'countError',
              {
                type: 'reply',
                params: ok(553, '5.6.7', 'Non-ASCII address needs the SMTPUTF8 parameter'),
              },
            ],
          },
          {
            target: 'mailTransaction',
            actions: ['startEnvelope', { type: 'reply', params: ok(250, '2.1.0', 'Ok') }],
          },
        ],
        'cmd.RCPT': {
          actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: need MAIL command') }],
        },
        'cmd.DATA': {
          actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: need MAIL command') }],
        },
      },
    },
    authenticating: {
      tags: ['codec:sasl'],
      on: {
        'sasl.response': { actions: 'stepSasl' },
        'sasl.challenge': { actions: 'replyChallenge' },
        'sasl.credentials': [
          {
            guard: 'credentialsValid',
            target: 'greeted',
            actions: [
              'rememberUser',
              { type: 'reply', params: ok(235, '2.7.0', 'Authentication successful') },
            ],
          },
          {
            target: 'greeted',
            actions: [
              'forgetSasl',
              'countError',
              { type: 'reply', params: ok(535, '5.7.8', 'Error: authentication failed') },
            ],
          },
        ],
        'sasl.aborted': {
          target: 'greeted',
          actions: ['forgetSasl', { type: 'reply', params: ok(501, '5.7.0', 'Authentication aborted') }],
        },
        'sasl.malformed': {
          target: 'greeted',
          actions: ['forgetSasl', 'countError', 'replySaslMalformed'],
        },
        'sasl.tooLong': {
          target: 'greeted',
          actions: [
            'forgetSasl',
            'countError',
            { type: 'reply', params: ok(500, '5.5.6', 'Authentication exchange line is too long') },
          ],
        },
      },
    },
    mailTransaction: {
      initial: 'awaitingRecipients',
      tags: ['codec:command'],
      always: hangUpOnErrors,
      on: {
        'cmd.RSET': {
          target: 'greeted',
          actions: ['forgetEnvelope', { type: 'reply', params: ok(250, '2.0.0', 'Ok') }],
        },
        'cmd.HELO': { target: 'greeted', actions: ['rememberHelo', 'replyHelo'] },
        'cmd.EHLO': { target: 'greeted', actions: ['rememberHelo', 'replyHelo'] },
        'cmd.MAIL': {
          actions: ['countError', { type: 'reply', params: ok(503, '5.5.1', 'Error: nested MAIL command') }],
        },
        'cmd.AUTH': {
          actions: [
            'countError',
            { type: 'reply', params: ok(503, '5.5.1', 'Error: MAIL transaction in progress') },
          ],
        },
        'cmd.STARTTLS': {
          actions: [
            'countError',
            { type: 'reply', params: ok(503, '5.5.1', 'Error: MAIL transaction in progress') },
          ],
        },
        'cmd.RCPT': [
          {
            guard: 'tooManyRecipients',
            actions: [{ type: 'reply', params: ok(452, '4.5.3', 'Error: too many recipients') }],
          },
          {
            guard: 'recipientUtf8WithoutSmtputf8',
            actions: [
              'countError',
              {
                type: 'reply',
                params: ok(553, '5.6.7', 'Non-ASCII address needs the SMTPUTF8 parameter'),
              },
            ],
          },
          { guard: 'relayDenied', actions: ['countError', 'replyRcptDenied'] },
          { guard: 'unknownLocalUser', actions: ['countError', 'replyRcptUnknown'] },
          { guard: 'recipientMailboxFull', actions: 'replyRcptFull' },
          {
            target: '.hasRecipients',
            actions: ['addRecipient', { type: 'reply', params: ok(250, '2.1.5', 'Ok') }],
          },
        ],
      },
      states: {
        awaitingRecipients: {
          on: {
            'cmd.DATA': {
              actions: [
                'countError',
                { type: 'reply', params: ok(554, '5.5.1', 'Error: no valid recipients') },
              ],
            },
          },
        },
        hasRecipients: {
          on: {
            'cmd.DATA': {
              target: '#smtpServer.receivingData',
              actions: { type: 'reply', params: { code: 354, text: 'End data with <CR><LF>.<CR><LF>' } },
            },
          },
        },
      },
    },
    receivingData: {
      tags: ['codec:data'],
      on: {
        'data.complete': [
          {
            guard: 'messageTooBig',
            target: 'greeted',
            actions: [
              'forgetEnvelope',
              { type: 'reply', params: ok(552, '5.3.4', 'Error: message file too big') },
            ],
          },
          {
            guard: 'tooManyHops',
            target: 'greeted',
            actions: [
              'forgetEnvelope',
              { type: 'reply', params: ok(554, '5.4.6', 'Too many hops: mail loop detected') },
            ],
          },
          { target: 'processingMessage', actions: 'offerMessage' },
        ],
      },
    },
    processingMessage: {
      tags: ['codec:paused'],
      on: {
        'policy.verdict': { target: 'greeted', actions: ['forgetEnvelope', 'replyWith'] },
      },
    },
    awaitingTls: {
      tags: ['codec:paused'],
      on: {
        'tls.established': { target: 'awaitingHelo', actions: ['rememberTls', 'forgetSession'] },
      },
    },
    closing: {
      tags: ['codec:paused'],
    },
    // The peer closed: close our side too, so the connection ends (RFC 793 §3.5).
    closed: { type: 'final', entry: 'close' },
  },
});
