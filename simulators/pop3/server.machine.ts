/**
 * The POP3 server, one machine per connection (RFC 1939, with RFC 2449 CAPA
 * and response codes, RFC 2595 STLS, RFC 3206 [AUTH]/[SYS/*], RFC 5034 AUTH).
 *
 * Theory of operation. The machine sees typed events, never bytes: the
 * session (server-session.ts) frames input by the state's tag —
 * `codec:command` lines become `cmd.*` events, `codec:sasl` lines become
 * `sasl.response`, `codec:paused` reads nothing (awaiting the TLS handshake,
 * or closing). Every response leaves as one `out.reply`, in order, which is
 * all RFC 2449 PIPELINING needs.
 *
 * States carry RFC 1939 §3's names. `active` runs two regions: `protocol`
 * (`authorization` → `transaction`, with `awaitingTls` for STLS) and
 * `idleTimer`, restarted by any input, whose expiry is the autologout of §3:
 * the connection closes *without* entering UPDATE and without a response, so
 * nothing is deleted. `update` (entered only by QUIT in TRANSACTION) expunges
 * the messages marked deleted, releases the maildrop lock and closes; it is
 * outside `active`, so no timer runs there. `closed` is final.
 *
 * Every authentication path (PASS, APOP, AUTH) ends in one internal
 * `auth.result`, judged once in `authorization`: bad credentials →
 * `-ERR [AUTH]`; logged in too recently → `-ERR [LOGIN-DELAY]` (RFC 2449
 * §8.1.2); maildrop locked by another session → `-ERR [IN-USE]` (§8.1.1);
 * else the maildrop is snapshotted and locked, and TRANSACTION begins.
 *
 * Invariants: `maildrop` is set exactly in `transaction` and `update`; the
 * store's `maildropLock` names this session exactly while the machine is in
 * `transaction` (`update` releases it after expunging, `closed` on entry, and
 * the session's `stop()` whatever the state); the store changes only on
 * entering `update`. `user` is the USER argument, set only in `awaitingPass`.
 * Before TLS with `allowPlaintextAuth: false`, USER, PASS, APOP and AUTH
 * PLAIN/LOGIN are refused with `-ERR [AUTH]`; CRAM-MD5 stays allowed.
 *
 * Commands illegal in a state get `-ERR` and change nothing (§3: "If a
 * command is not valid in the current state, the server responds -ERR"),
 * plus a `violation` output for the UI.
 *
 * SIMPLIFICATION: no error-count disconnect (Dovecot closes after 10 bad
 * commands); no UTF8 (RFC 6856) or LANG; no EXPIRE (RFC 2449 §6.7); XOAUTH2 is
 * not offered (the store has passwords, not tokens); `[SYS/TEMP]` and
 * `[SYS/PERM]` never arise, because the simulated store cannot fail a read or
 * an expunge.
 */
import { and, assign, emit, enqueueActions, not, setup } from 'xstate';
import { toHex, utf8Bytes } from '../core/bytes.ts';
import type { TlsInfo } from '../core/session.ts';
import {
  decodeClientResponse,
  encodeChallenge,
  startServerMechanism,
  verifySecret,
  type SaslServerMechanism,
  type SaslServerStep,
} from '../auth/sasl.ts';
import { md5 } from '../auth/md5.ts';
import type { MailStore } from '../store/mail-store.ts';
import { textBody, type Pop3Response } from './codec.ts';
import {
  deletedUids,
  lookup,
  markDeleted,
  openMaildrop,
  stat,
  topOf,
  unmarkAll,
  visible,
  type Maildrop,
} from './maildrop.ts';
import type { Pop3LoginRegistry, Pop3ServerConfig } from './server-config.ts';

/** Events the session feeds the machine. */
export type Pop3ServerEvent =
  | { type: 'cmd.USER'; name: string }
  | { type: 'cmd.PASS'; password: string }
  | { type: 'cmd.APOP'; name: string; digest: string }
  | { type: 'cmd.AUTH'; mechanism: string; initialResponse: string | undefined }
  | { type: 'cmd.CAPA' | 'cmd.STLS' | 'cmd.STAT' | 'cmd.NOOP' | 'cmd.RSET' | 'cmd.QUIT' }
  | { type: 'cmd.LIST' | 'cmd.UIDL'; msg: number | undefined }
  | { type: 'cmd.RETR' | 'cmd.DELE'; msg: number }
  | { type: 'cmd.TOP'; msg: number; lines: number }
  | { type: 'cmd.UNKNOWN'; word: string }
  /** A known command with bad arguments; `reason` follows `-ERR`. */
  | { type: 'cmd.INVALID'; word: string; reason: string }
  | { type: 'line.tooLong' }
  | { type: 'sasl.response'; text: string }
  | { type: 'sasl.tooLong' }
  | { type: 'tls.established'; info: TlsInfo }
  | { type: 'net.activity' }
  | { type: 'net.closed' };

/** Events the machine raises to itself. */
type InternalEvent =
  /** The outcome of PASS, APOP or a SASL exchange. */
  | { type: 'auth.result'; user: string; valid: boolean }
  | { type: 'sasl.challenge'; data: string }
  | { type: 'sasl.aborted' }
  | { type: 'sasl.malformed'; reason: string };

/** What the machine asks for. */
export type Pop3ServerEmitted =
  | { type: 'out.reply'; reply: Pop3Response }
  | { type: 'out.startTls' }
  | { type: 'out.close' }
  | { type: 'out.violation'; rule: string; message: string }
  | { type: 'out.loggedIn'; user: string }
  | { type: 'out.expunged'; user: string; uids: readonly number[] };

/** Input of one session. */
export interface Pop3ServerInput {
  readonly config: Pop3ServerConfig;
  readonly store: MailStore;
  /**
   * The unique part of the APOP timestamp and of the CRAM-MD5 challenge,
   * `process-ID.clock` (RFC 1939 §7), from the world's seeded random and clock.
   */
  readonly nonce: () => string;
  /** Virtual wall-clock time, epoch ms (LOGIN-DELAY). */
  readonly now: () => number;
  /** Who holds the maildrop lock while this session is in TRANSACTION. */
  readonly sessionId: string;
  /** Past logins, for LOGIN-DELAY; without it no delay is enforced or advertised. */
  readonly logins?: Pop3LoginRegistry;
}

interface Context extends Pop3ServerInput {
  tls: TlsInfo | undefined;
  /** The greeting's `<pid.clock@host>`, the APOP salt (RFC 1939 §7). */
  timestamp: string;
  user: string | undefined;
  sasl: SaslServerMechanism | undefined;
  maildrop: Maildrop | undefined;
}

type StateName = 'AUTHORIZATION' | 'TRANSACTION';

const ok = (text: string, body?: Uint8Array): Pop3Response =>
  body === undefined ? { status: '+OK', text } : { status: '+OK', text, body };
const err = (text: string, code?: string): Pop3Response =>
  code === undefined ? { status: '-ERR', text } : { status: '-ERR', code, text };

/** Dovecot's words for `disable_plaintext_auth` (RFC 3206 [AUTH]). */
const PLAINTEXT_REFUSED = err(
  'Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
  'AUTH',
);
const PLAINTEXT_MECHANISMS: readonly string[] = ['PLAIN', 'LOGIN'];

/** The message number a command names, if any. */
function msgOf(event: { type: string }): number | undefined {
  return 'msg' in event && typeof event.msg === 'number' ? event.msg : undefined;
}

/** The reply for a message number that names no message, or undefined when it names one. */
function refusal(maildrop: Maildrop | undefined, msg: number | undefined): Pop3Response | undefined {
  if (maildrop === undefined || msg === undefined) return undefined;
  const found = lookup(maildrop, msg);
  if (found.kind === 'deleted') return err(`message ${msg} already deleted`);
  if (found.kind === 'missing')
    return err(`no such message, only ${maildrop.entries.length} messages in maildrop`);
  return undefined;
}

/** Commands every command-reading state answers the same way, and the fallback for the rest. */
function fallbacks(state: StateName) {
  return {
    'cmd.UNKNOWN': {
      actions: [
        { type: 'reply', params: err('Unknown command') },
        { type: 'violation', params: { rule: 'RFC 1939 §3', message: 'unknown command' } },
      ],
    },
    'cmd.INVALID': { actions: 'replyInvalid' },
    'line.tooLong': {
      actions: [
        { type: 'reply', params: err('Command line too long (max 255 octets)') },
        {
          type: 'violation',
          params: { rule: 'RFC 2449 §4', message: 'command line longer than 255 octets incl. CRLF' },
        },
      ],
    },
    'cmd.*': { actions: { type: 'replyWrongState', params: state } },
  } as const;
}

/** A command about one message: refused if the number names none (RFC 1939 §7), else `actions`. */
const aboutMessage = <const A extends readonly string[]>(...actions: A) =>
  [{ guard: 'namesNoMessage', actions: 'replyNoMessage' }, { actions }] as const;

export const pop3ServerMachine = setup({
  types: {
    context: {} as Context,
    events: {} as Pop3ServerEvent | InternalEvent,
    emitted: {} as Pop3ServerEmitted,
    input: {} as Pop3ServerInput,
  },
  delays: {
    idleTimeout: ({ context }) => context.config.idleTimeoutMs,
  },
  guards: {
    isSecure: ({ context }) => context.tls !== undefined,
    tlsOffered: ({ context }) => context.config.offerStls && context.tls === undefined,
    // RFC 2595 §2.2-style policy: no cleartext passwords before TLS unless the config allows it.
    plaintextRefused: ({ context }) => !context.config.allowPlaintextAuth && context.tls === undefined,
    mechanismUnknown: ({ context, event }) =>
      event.type === 'cmd.AUTH' &&
      !(context.config.saslMechanisms as readonly string[]).includes(event.mechanism),
    plaintextMechanism: ({ event }) =>
      event.type === 'cmd.AUTH' && PLAINTEXT_MECHANISMS.includes(event.mechanism),
    credentialsValid: ({ event }) => event.type === 'auth.result' && event.valid,
    loginTooSoon: ({ context, event }) => {
      const delay = context.config.loginDelayMs;
      if (event.type !== 'auth.result' || delay === undefined || context.logins === undefined) return false;
      const last = context.logins.lastLogin(event.user);
      return last !== undefined && context.now() - last < delay;
    },
    maildropLocked: ({ context, event }) => {
      if (event.type !== 'auth.result') return false;
      const lock = context.store.account(event.user)?.maildropLock;
      return lock !== undefined && lock !== context.sessionId;
    },
    namesNoMessage: ({ context, event }) => refusal(context.maildrop, msgOf(event)) !== undefined,
  },
  actions: {
    reply: emit((_, reply: Pop3Response) => ({ type: 'out.reply' as const, reply })),
    // RFC 1939 §4 and §7 (APOP): the greeting carries the timestamp.
    greet: emit(({ context }) => ({
      type: 'out.reply' as const,
      reply: ok(`POP3 server ready ${context.timestamp}`),
    })),
    close: emit({ type: 'out.close' as const }),
    startTls: emit({ type: 'out.startTls' as const }),
    violation: emit((_, v: { rule: string; message: string }) => ({ type: 'out.violation' as const, ...v })),
    replyInvalid: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: err(event.type === 'cmd.INVALID' ? event.reason : 'Syntax error'),
    })),
    replyWrongState: enqueueActions(({ event, enqueue }, state: StateName) => {
      const verb = event.type.replace(/^cmd\./, '');
      enqueue.emit({ type: 'out.reply', reply: err(`${verb} not valid in the ${state} state`) });
      enqueue.emit({
        type: 'out.violation',
        rule: 'RFC 1939 §3',
        message: `${verb} is not a command of the ${state} state`,
      });
    }),
    replyCapa: emit(({ context }, state: StateName) => ({
      type: 'out.reply' as const,
      reply: ok('Capability list follows', textBody(capabilities(context, state))),
    })),
    rememberTls: assign({ tls: ({ event }) => (event.type === 'tls.established' ? event.info : undefined) }),
    rememberUser: assign({ user: ({ event }) => (event.type === 'cmd.USER' ? event.name : undefined) }),
    forgetUser: assign({ user: undefined, sasl: undefined }),
    checkPassword: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'cmd.PASS' || context.user === undefined) return;
      const account = context.store.account(context.user);
      enqueue.raise({
        type: 'auth.result',
        user: context.user,
        valid: account !== undefined && account.password === event.password,
      });
    }),
    // RFC 1939 §7: digest = MD5(timestamp ‖ shared secret), 32 lower-case hex digits.
    checkApop: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'cmd.APOP') return;
      const account = context.store.account(event.name);
      const expected =
        account === undefined ? undefined : toHex(md5(utf8Bytes(context.timestamp + account.password)));
      enqueue.raise({ type: 'auth.result', user: event.name, valid: expected === event.digest });
    }),
    startSasl: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'cmd.AUTH') return;
      const mechanism = startServerMechanism(event.mechanism, {
        challengeNonce: context.nonce(),
        hostname: context.config.hostname,
      });
      if (!mechanism) return enqueue.raise({ type: 'sasl.malformed', reason: 'unknown mechanism' });
      enqueue.assign({ sasl: mechanism, user: undefined });
      // RFC 5034 §4: without an initial response the server sends the first challenge; `=` is an empty one.
      if (event.initialResponse === undefined)
        return enqueue.raise(saslOutcome(context, mechanism.step(undefined)));
      const decoded = decodeClientResponse(event.initialResponse, true);
      enqueue.raise(
        decoded.kind === 'data'
          ? saslOutcome(context, mechanism.step(decoded.data))
          : { type: 'sasl.malformed', reason: 'cannot decode the initial response' },
      );
    }),
    stepSasl: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sasl.response' || !context.sasl) return;
      const decoded = decodeClientResponse(event.text);
      if (decoded.kind === 'cancel') return enqueue.raise({ type: 'sasl.aborted' });
      if (decoded.kind === 'bad-base64')
        return enqueue.raise({ type: 'sasl.malformed', reason: 'cannot decode the response' });
      enqueue.raise(saslOutcome(context, context.sasl.step(decoded.data)));
    }),
    replyChallenge: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: { status: '+' as const, text: event.type === 'sasl.challenge' ? event.data : '' },
    })),
    replySaslMalformed: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: err(event.type === 'sasl.malformed' ? event.reason : 'bad response'),
    })),
    /** Takes the snapshot and the lock (RFC 1939 §8: exclusive access to the maildrop). */
    openMaildrop: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'auth.result') return;
      const account = context.store.account(event.user);
      if (!account) return;
      enqueue.assign({
        maildrop: openMaildrop(account.address, account.inbox),
        user: undefined,
        sasl: undefined,
      });
      // Effects on the store are plain actions, so a pure `transition()` returns them unexecuted.
      enqueue(() => {
        account.maildropLock = context.sessionId;
        context.logins?.recordLogin(account.address, context.now());
      });
      enqueue.emit({ type: 'out.loggedIn', user: account.address });
    }),
    replyLoggedIn: emit(({ context }) => {
      const { count, octets } = context.maildrop ? stat(context.maildrop) : { count: 0, octets: 0 };
      return { type: 'out.reply' as const, reply: ok(`maildrop has ${count} messages (${octets} octets)`) };
    }),
    replyStat: emit(({ context }) => {
      const { count, octets } = context.maildrop ? stat(context.maildrop) : { count: 0, octets: 0 };
      return { type: 'out.reply' as const, reply: ok(`${count} ${octets}`) };
    }),
    replyNoMessage: emit(({ context, event }) => ({
      type: 'out.reply' as const,
      reply: refusal(context.maildrop, msgOf(event)) ?? err('no such message'),
    })),
    replyList: emit(({ context, event }) => ({
      type: 'out.reply' as const,
      reply: listing(context, event, 'size'),
    })),
    replyUidl: emit(({ context, event }) => ({
      type: 'out.reply' as const,
      reply: listing(context, event, 'uidl'),
    })),
    replyRetr: emit(({ context, event }) => {
      const found = context.maildrop && lookup(context.maildrop, msgOf(event) ?? 0);
      if (found?.kind !== 'found') return { type: 'out.reply' as const, reply: err('no such message') };
      return { type: 'out.reply' as const, reply: ok(`${found.entry.size} octets`, found.entry.message.raw) };
    }),
    replyTop: emit(({ context, event }) => {
      const found = context.maildrop && lookup(context.maildrop, msgOf(event) ?? 0);
      if (found?.kind !== 'found' || event.type !== 'cmd.TOP')
        return { type: 'out.reply' as const, reply: err('no such message') };
      return {
        type: 'out.reply' as const,
        reply: ok('top of message follows', topOf(found.entry.message.raw, event.lines)),
      };
    }),
    markDeleted: assign({
      maildrop: ({ context, event }) =>
        context.maildrop && event.type === 'cmd.DELE'
          ? markDeleted(context.maildrop, event.msg)
          : context.maildrop,
    }),
    replyDeleted: emit(({ event }) => ({
      type: 'out.reply' as const,
      reply: ok(`message ${msgOf(event) ?? 0} deleted`),
    })),
    unmarkAll: assign({ maildrop: ({ context }) => context.maildrop && unmarkAll(context.maildrop) }),
    /** RFC 1939 §6: the UPDATE state removes the marked messages, and only it. */
    commitDeletions: enqueueActions(({ context, enqueue }) => {
      const maildrop = context.maildrop;
      const account = maildrop && context.store.account(maildrop.account);
      if (!maildrop || !account) return;
      const uids = deletedUids(maildrop);
      if (uids.length === 0) return;
      enqueue(() => account.inbox.expunge(uids));
      enqueue.emit({ type: 'out.expunged', user: account.address, uids });
    }),
    replySignedOff: emit(({ context }) => {
      const maildrop = context.maildrop;
      const inbox = maildrop && context.store.account(maildrop.account)?.inbox;
      if (!maildrop || !inbox) return { type: 'out.reply' as const, reply: ok('POP3 server signing off') };
      // Counted from the store, so mail delivered during the session is included.
      const gone = new Set(deletedUids(maildrop));
      const left = inbox.messages.filter((m) => !gone.has(m.uid)).length;
      return {
        type: 'out.reply' as const,
        reply: ok(`POP3 server signing off (${left === 0 ? 'maildrop empty' : `${left} messages left`})`),
      };
    }),
    releaseLock: ({ context }) => releaseMaildropLock(context.store, context.sessionId),
  },
}).createMachine({
  id: 'pop3Server',
  initial: 'active',
  entry: 'greet',
  context: ({ input }) => ({
    ...input,
    tls: undefined,
    timestamp: `<${input.nonce()}@${input.config.hostname}>`,
    user: undefined,
    sasl: undefined,
    maildrop: undefined,
  }),
  on: {
    'net.closed': { target: '.closed' },
  },
  states: {
    active: {
      type: 'parallel',
      states: {
        protocol: {
          initial: 'authorization',
          states: {
            authorization: {
              initial: 'awaitingUser',
              on: {
                'cmd.CAPA': { actions: { type: 'replyCapa', params: 'AUTHORIZATION' } },
                // RFC 1939 §5: QUIT in AUTHORIZATION closes without entering UPDATE.
                'cmd.QUIT': {
                  target: '#pop3Server.closed',
                  actions: [{ type: 'reply', params: ok('POP3 server signing off') }, 'close'],
                },
                // RFC 2595 §4: STLS only in AUTHORIZATION; afterwards the client starts over.
                'cmd.STLS': [
                  {
                    guard: 'isSecure',
                    actions: { type: 'reply', params: err('Command not permitted when TLS active') },
                  },
                  {
                    guard: 'tlsOffered',
                    target: '#pop3Server.active.protocol.awaitingTls',
                    actions: [{ type: 'reply', params: ok('Begin TLS negotiation') }, 'startTls'],
                  },
                  { actions: { type: 'reply', params: err('STLS not available') } },
                ],
                'cmd.APOP': [
                  { guard: 'plaintextRefused', actions: { type: 'reply', params: PLAINTEXT_REFUSED } },
                  { actions: ['forgetUser', 'checkApop'] },
                ],
                'cmd.AUTH': [
                  {
                    guard: 'mechanismUnknown',
                    actions: { type: 'reply', params: err('Unsupported authentication mechanism') },
                  },
                  {
                    guard: and(['plaintextMechanism', 'plaintextRefused']),
                    actions: { type: 'reply', params: PLAINTEXT_REFUSED },
                  },
                  { target: '.authenticating', actions: 'startSasl' },
                ],
                'auth.result': [
                  {
                    guard: not('credentialsValid'),
                    target: '.awaitingUser',
                    actions: ['forgetUser', { type: 'reply', params: err('Authentication failed.', 'AUTH') }],
                  },
                  {
                    guard: 'loginTooSoon',
                    target: '.awaitingUser',
                    actions: [
                      'forgetUser',
                      {
                        type: 'reply',
                        params: err('Logged in too recently; try again later.', 'LOGIN-DELAY'),
                      },
                    ],
                  },
                  {
                    guard: 'maildropLocked',
                    target: '.awaitingUser',
                    actions: [
                      'forgetUser',
                      { type: 'reply', params: err('Unable to lock maildrop: already in use.', 'IN-USE') },
                    ],
                  },
                  {
                    target: '#pop3Server.active.protocol.transaction',
                    actions: ['openMaildrop', 'replyLoggedIn'],
                  },
                ],
                // Implicit TLS (port 995, RFC 8314 §3): secure from the start, nothing to forget.
                'tls.established': { actions: 'rememberTls' },
                ...fallbacks('AUTHORIZATION'),
              },
              states: {
                awaitingUser: {
                  tags: ['codec:command'],
                  on: {
                    'cmd.USER': [
                      { guard: 'plaintextRefused', actions: { type: 'reply', params: PLAINTEXT_REFUSED } },
                      {
                        target: 'awaitingPass',
                        actions: ['rememberUser', { type: 'reply', params: ok('') }],
                      },
                    ],
                    'cmd.PASS': { actions: { type: 'reply', params: err('No username given.') } },
                  },
                },
                awaitingPass: {
                  tags: ['codec:command'],
                  on: {
                    'cmd.USER': { actions: { type: 'reply', params: err('USER already given; send PASS') } },
                    'cmd.PASS': [
                      { guard: 'plaintextRefused', actions: { type: 'reply', params: PLAINTEXT_REFUSED } },
                      { actions: 'checkPassword' },
                    ],
                  },
                },
                authenticating: {
                  tags: ['codec:sasl'],
                  on: {
                    'sasl.response': { actions: 'stepSasl' },
                    'sasl.challenge': { actions: 'replyChallenge' },
                    // RFC 5034 §4: "*" cancels, and the server MUST answer -ERR.
                    'sasl.aborted': {
                      target: 'awaitingUser',
                      actions: ['forgetUser', { type: 'reply', params: err('Authentication aborted') }],
                    },
                    'sasl.malformed': {
                      target: 'awaitingUser',
                      actions: ['forgetUser', 'replySaslMalformed'],
                    },
                    'sasl.tooLong': {
                      target: 'awaitingUser',
                      actions: ['forgetUser', { type: 'reply', params: err('Authentication line too long') }],
                    },
                  },
                },
              },
            },
            awaitingTls: {
              tags: ['codec:paused'],
              on: {
                // RFC 2595 §4: after TLS the session is in AUTHORIZATION afresh.
                'tls.established': {
                  target: 'authorization',
                  actions: ['rememberTls', 'forgetUser'],
                },
              },
            },
            transaction: {
              tags: ['codec:command'],
              on: {
                'cmd.CAPA': { actions: { type: 'replyCapa', params: 'TRANSACTION' } },
                'cmd.STAT': { actions: 'replyStat' },
                'cmd.LIST': aboutMessage('replyList'),
                'cmd.UIDL': aboutMessage('replyUidl'),
                'cmd.RETR': aboutMessage('replyRetr'),
                'cmd.TOP': aboutMessage('replyTop'),
                'cmd.DELE': aboutMessage('markDeleted', 'replyDeleted'),
                'cmd.NOOP': { actions: { type: 'reply', params: ok('') } },
                'cmd.RSET': { actions: ['unmarkAll', 'replyLoggedIn'] },
                'cmd.QUIT': { target: '#pop3Server.update' },
                ...fallbacks('TRANSACTION'),
              },
            },
          },
        },
        idleTimer: {
          initial: 'running',
          states: {
            running: {
              on: { 'net.activity': { target: 'running', reenter: true } },
              // RFC 1939 §3: on autologout the session does NOT enter UPDATE, and no response is sent.
              after: { idleTimeout: { target: '#pop3Server.closed', actions: 'close' } },
            },
          },
        },
      },
    },
    update: {
      tags: ['codec:paused'],
      entry: ['commitDeletions', 'replySignedOff', 'releaseLock', 'close'],
      on: { 'net.closed': { target: 'closed' } },
    },
    closed: {
      type: 'final',
      // The peer closed (or we did): release the maildrop, and close our side too (RFC 793 §3.5).
      entry: ['releaseLock', 'close'],
    },
  },
});

/** Releases whatever maildrop lock `sessionId` holds in `store`; harmless when it holds none. */
export function releaseMaildropLock(store: MailStore, sessionId: string): void {
  for (const account of store.accounts)
    if (account.maildropLock === sessionId) account.maildropLock = undefined;
}

/** RFC 2449 §5–6: what CAPA lists in a state. */
export function capabilities(
  context: Pick<Context, 'config' | 'tls' | 'logins'>,
  state: StateName,
): string[] {
  const { config } = context;
  const secure = context.tls !== undefined;
  const lines = ['TOP'];
  if (state === 'AUTHORIZATION') {
    if (secure || config.allowPlaintextAuth) lines.push('USER');
    const sasl = config.saslMechanisms.filter(
      (m) => secure || config.allowPlaintextAuth || !PLAINTEXT_MECHANISMS.includes(m),
    );
    if (sasl.length > 0) lines.push(`SASL ${sasl.join(' ')}`);
  }
  lines.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'UIDL');
  if (state === 'AUTHORIZATION' && config.offerStls && !secure) lines.push('STLS');
  // RFC 2449 §6.5: the delay in seconds.
  if (config.loginDelayMs !== undefined && context.logins !== undefined)
    lines.push(`LOGIN-DELAY ${Math.ceil(config.loginDelayMs / 1000)}`);
  lines.push('IMPLEMENTATION Mailroom');
  return lines;
}

/** LIST or UIDL: one line for a message, or the listing of every message not deleted (RFC 1939 §7). */
function listing(context: Context, event: { type: string }, field: 'size' | 'uidl'): Pop3Response {
  const maildrop = context.maildrop;
  if (!maildrop) return err('no maildrop');
  const msg = msgOf(event);
  const found = msg === undefined ? undefined : lookup(maildrop, msg);
  if (found?.kind === 'found') return ok(`${found.entry.number} ${found.entry[field]}`);
  const lines = visible(maildrop).map((e) => `${e.number} ${e[field]}`);
  if (field === 'uidl') return ok('', textBody(lines));
  const { count, octets } = stat(maildrop);
  return ok(`${count} messages (${octets} octets)`, textBody(lines));
}

/** Turns a SASL step into the machine's event, checking credentials against the store. */
function saslOutcome(context: Context, step: SaslServerStep): InternalEvent {
  switch (step.kind) {
    case 'challenge':
      return { type: 'sasl.challenge', data: encodeChallenge(step.data) };
    case 'failure':
      return { type: 'auth.result', user: '', valid: false };
    case 'error':
      return step.error === 'cancelled'
        ? { type: 'sasl.aborted' }
        : { type: 'sasl.malformed', reason: step.reason };
    case 'credentials': {
      const c = step.credentials;
      const account = context.store.account(c.username);
      // Acting as someone else (a PLAIN authzid) needs rights nobody has here.
      const asSelf = c.authzid === '' || c.authzid === c.username;
      return {
        type: 'auth.result',
        user: c.username,
        valid: asSelf && account !== undefined && verifySecret(c, account.password),
      };
    }
  }
}
