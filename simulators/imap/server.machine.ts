/**
 * The IMAP server, one machine per connection (RFC 3501 / RFC 9051 §3
 * states, RFC 2177 IDLE, RFC 4959 SASL-IR, RFC 3691 UNSELECT, RFC 4315
 * UIDPLUS, RFC 6851 MOVE, RFC 6154 SPECIAL-USE, RFC 5258 LIST-EXTENDED,
 * RFC 7162 CONDSTORE, RFC 4731 ESEARCH, RFC 9208 QUOTA).
 *
 * Theory of operation. The machine sees typed events, never bytes: the
 * session (server-session.ts) frames input by the state's tag —
 * `codec:command` reads tagged commands (literals included) and sends
 * `cmd.<NAME>` events, `codec:line` reads one raw line (a SASL response or
 * IDLE's DONE) as `line.received`, `codec:paused` reads nothing (awaiting a
 * TLS handshake, or logged out). Every response leaves as one
 * `out.response`, in order.
 *
 * States carry RFC 9051 §3's names: `notAuthenticated` → `authenticated` ⇄
 * `selected` → `logout`. Which commands a state accepts is written in its
 * `on` table; anything else falls to the state's `cmd.*` fallback, a tagged
 * `BAD` plus a violation (Dovecot: "No mailbox selected." for FETCH before
 * SELECT). An accepted command runs its handler from `commands/` in the
 * `execute` action, which emits the handler's untagged responses, then the
 * selected mailbox's pending updates (EXISTS, RECENT, EXPUNGE, FETCH FLAGS —
 * expunges held back for FETCH/STORE/SEARCH, RFC 3501 §7.4.1), then the
 * tagged response, and raises `goto.<state>` when the handler says where the
 * protocol goes next (LOGIN → `authenticated`, SELECT → `selected`, CLOSE →
 * `authenticated`, LOGOUT → `logout`…). The chart therefore shows each
 * state change as a `goto.*` edge.
 *
 * Sub-states: `notAuthenticated.authenticating` (SASL continuations,
 * RFC 3501 §6.2.2), `notAuthenticated.awaitingTls` (after `OK Begin TLS
 * negotiation now`, RFC 3501 §6.2.1), `notAuthenticated.awaitingHandshake`
 * (implicit TLS, port 993, RFC 8314 §3: the greeting goes out inside TLS),
 * and `idling` in `authenticated` and `selected` (RFC 2177: `+ idling`,
 * updates pushed as the store changes, `DONE` ends it).
 *
 * `active` runs two regions: `protocol` and `idleTimer`, restarted by any
 * input, whose expiry is RFC 3501 §5.4's autologout (`* BYE Autologout;
 * idle for too long`, then close). `logout` is final.
 *
 * Invariants: `account` is set exactly in `authenticated` and `selected`;
 * `selected` exactly in `selected` (the view is closed — unsubscribed from
 * the store — whenever it is dropped); `pendingTag` and `sasl` exactly in
 * `authenticating`, `pendingTag` in `idling`.
 *
 * SIMPLIFICATION: command handlers write to the store as they run, inside
 * the action, so a pure `transition()` of this machine is not free of
 * effects on the store it was given (POP3's machine defers its one write;
 * IMAP's answers depend on their writes: APPENDUID, COPYUID, EXPUNGE).
 *
 * Extensions a client enables (RFC 5161 ENABLE, or CONDSTORE implicitly,
 * RFC 7162 §3.1) are data in `enabled`, not states: they change how
 * responses are written (FETCH carries MODSEQ), not which commands are
 * accepted. The set only grows, for the life of the connection.
 * No QRESYNC or UTF8=ACCEPT.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';
import type { TlsInfo } from '../core/session.ts';
import type { SaslServerMechanism } from '../auth/sasl.ts';
import type { MailStore } from '../store/mail-store.ts';
import { isIdleDone, type CommandName, type ImapResponse, type ResponseCode } from './codec/index.ts';
import {
  capabilities,
  continueAuthenticate,
  type CommandOf,
  runCommand,
  type CommandResult,
  type ImapSessionState,
  type NextState,
} from './commands/index.ts';
import { CONDSTORE } from './commands/condstore.ts';
import type { SelectedMailbox } from './selected-mailbox.ts';
import type { ImapServerConfig } from './server-config.ts';

/** A parsed command as the machine's event: `cmd.FETCH` carries the FETCH command. */
export type ImapCommandEvent = {
  [N in CommandName]: {
    type: `cmd.${N}`;
    command: CommandOf<N>;
    /** The mailbox name is not valid modified UTF-7: answer NO with this text (RFC 3501 §5.1.3). */
    mailboxNameError?: string;
  };
}[CommandName];

/** Events the session feeds the machine. */
export type ImapServerEvent =
  | ImapCommandEvent
  /** A command that could not be read or parsed; answered with `status` (BAD, or NO [TOOBIG]). */
  | {
      type: 'command.bad';
      tag: string | undefined;
      status: 'BAD' | 'NO';
      code?: ResponseCode;
      text: string;
      rule: string;
    }
  /** A raw line in `codec:line` mode: a SASL response or IDLE's DONE. */
  | { type: 'line.received'; text: string }
  /** The selected mailbox changed in the store (another session, a delivery). */
  | { type: 'mailbox.changed' }
  | { type: 'tls.established'; info: TlsInfo }
  | { type: 'net.activity' }
  | { type: 'net.closed' };

/** Events the machine raises to itself after a command: where the protocol goes next. */
type GotoEvent = { type: `goto.${NextState}` };

/** What the machine asks for. */
export type ImapServerEmitted =
  | { type: 'out.response'; response: ImapResponse }
  | { type: 'out.responses'; responses: readonly ImapResponse[] }
  | { type: 'out.startTls' }
  /** Compress from the next octet on (RFC 4978), after the responses already emitted. */
  | { type: 'out.startCompression' }
  | { type: 'out.close' }
  | { type: 'out.violation'; rule: string; message: string }
  | { type: 'out.loggedIn'; user: string }
  | { type: 'out.selected'; mailbox: string; readOnly: boolean };

/** Input of one session. */
export interface ImapServerInput {
  readonly config: ImapServerConfig;
  readonly store: MailStore;
  /** Virtual wall-clock time, epoch ms. */
  readonly now: () => number;
  /** The unique part of the CRAM-MD5 challenge, from the world's seeded random and clock. */
  readonly nonce: () => string;
  /** Port 993 (RFC 8314 §3): the greeting waits for the TLS handshake. */
  readonly implicitTls?: boolean;
  /** Called when the selected mailbox changes under the session; the session turns it into `mailbox.changed`. */
  readonly onMailboxChange?: () => void;
}

interface Context extends ImapSessionState {
  readonly implicitTls: boolean;
  sasl: SaslServerMechanism | undefined;
  pendingTag: string | undefined;
}

/** The part of XState's action enqueuer that {@link finish} uses. */
interface Enqueue {
  assign(values: Partial<Context>): void;
  emit(event: ImapServerEmitted): void;
  raise(event: GotoEvent): void;
}

const SELECTED_ONLY: ReadonlySet<string> = new Set([
  'CHECK',
  'CLOSE',
  'UNSELECT',
  'EXPUNGE',
  'SEARCH',
  'FETCH',
  'STORE',
  'COPY',
  'MOVE',
  'SORT',
  'THREAD',
]);
const BEFORE_LOGIN_ONLY: ReadonlySet<string> = new Set(['LOGIN', 'AUTHENTICATE', 'STARTTLS']);

type StateName = 'notAuthenticated' | 'authenticated' | 'selected';

/** Why a command is refused in a state (Dovecot's wording where it has one). */
function wrongState(state: StateName, verb: string): string {
  if (state === 'notAuthenticated') return `${verb} not allowed before login.`;
  if (SELECTED_ONLY.has(verb)) return 'No mailbox selected.';
  if (BEFORE_LOGIN_ONLY.has(verb)) return `${verb} not allowed after login.`;
  return `${verb} not allowed in this state.`;
}

/** Emits a handler's result in order and records what changes; returns nothing (effects only). */
function finish(context: Context, tag: string, result: CommandResult, enqueue: Enqueue): void {
  const view: SelectedMailbox | undefined =
    result.selected === null ? undefined : (result.selected ?? context.selected);
  const enabled =
    result.enable === undefined ? context.enabled : new Set([...context.enabled, ...result.enable]);
  if (enabled !== context.enabled) enqueue.assign({ enabled });
  if (result.account !== undefined) enqueue.assign({ account: result.account });
  if (result.selected !== undefined) enqueue.assign({ selected: view });
  // One emitted batch per command: a FETCH of 10,000 messages is one event, not 10,000.
  const responses: ImapResponse[] = [...result.untagged];
  if (result.done !== undefined) {
    // RFC 3501 §7: untagged updates for the selected mailbox may come before any tagged response.
    responses.push(...(view?.flush(result.deferExpunge !== true, enabled.has(CONDSTORE)) ?? []));
    const { status, code, text } = result.done;
    responses.push(
      code === undefined
        ? { kind: 'tagged', tag, status, text }
        : { kind: 'tagged', tag, status, code, text },
    );
  }
  if (responses.length > 0) enqueue.emit({ type: 'out.responses', responses });
  // RFC 4978 §3: compression starts right after the CRLF of the tagged OK.
  if (result.startCompression === true) {
    enqueue.assign({ compression: 'DEFLATE' });
    enqueue.emit({ type: 'out.startCompression' });
  }
  if (result.violation !== undefined) enqueue.emit({ type: 'out.violation', ...result.violation });
  if (result.account !== undefined) enqueue.emit({ type: 'out.loggedIn', user: result.account.address });
  if (result.selected instanceof Object) {
    enqueue.emit({
      type: 'out.selected',
      mailbox: result.selected.mailbox.name,
      readOnly: result.selected.readOnly,
    });
  }
  if (result.next === 'authenticating' || result.next === 'idling') {
    enqueue.assign({ pendingTag: tag, sasl: result.sasl });
  }
  if (result.next !== undefined) enqueue.raise({ type: `goto.${result.next}` });
}

const untagged = (status: 'OK' | 'BYE', text: string, code?: ResponseCode): ImapResponse =>
  code === undefined ? { kind: 'status', status, text } : { kind: 'status', status, code, text };

/**
 * RFC 3501 §6.1's commands, valid in any state, and the `cmd.*` fallback of a
 * command-reading state. Both sit on each state rather than on `protocol`,
 * because a child's wildcard would shadow a parent's exact event.
 */
const anyStateAnd = (state: StateName) =>
  ({
    'cmd.CAPABILITY': { actions: 'execute' },
    'cmd.NOOP': { actions: 'execute' },
    'cmd.LOGOUT': { actions: 'execute' },
    'cmd.ID': { actions: 'execute' },
    'cmd.*': { actions: { type: 'refuse', params: state } },
  }) as const;

/** The commands of the authenticated state, which the selected state accepts too (RFC 3501 §6.3). */
const AUTHENTICATED_COMMANDS = {
  'cmd.ENABLE': { actions: 'execute' },
  'cmd.SELECT': { actions: 'execute' },
  'cmd.EXAMINE': { actions: 'execute' },
  'cmd.CREATE': { actions: 'execute' },
  'cmd.DELETE': { actions: 'execute' },
  'cmd.RENAME': { actions: 'execute' },
  'cmd.SUBSCRIBE': { actions: 'execute' },
  'cmd.UNSUBSCRIBE': { actions: 'execute' },
  'cmd.LIST': { actions: 'execute' },
  'cmd.LSUB': { actions: 'execute' },
  'cmd.STATUS': { actions: 'execute' },
  'cmd.GETQUOTA': { actions: 'execute' },
  'cmd.GETQUOTAROOT': { actions: 'execute' },
  'cmd.SETQUOTA': { actions: 'execute' },
  'cmd.APPEND': { actions: 'execute' },
  'cmd.NAMESPACE': { actions: 'execute' },
  'cmd.IDLE': { actions: 'execute' },
  // RFC 4314 §7: the ACL commands are command-auth.
  'cmd.GETACL': { actions: 'execute' },
  'cmd.SETACL': { actions: 'execute' },
  'cmd.DELETEACL': { actions: 'execute' },
  'cmd.LISTRIGHTS': { actions: 'execute' },
  'cmd.MYRIGHTS': { actions: 'execute' },
  // RFC 4978 §3: COMPRESS is command-auth.
  'cmd.COMPRESS': { actions: 'execute' },
} as const;

/** IDLE inside `authenticated` or `selected` (RFC 2177). */
const idling = {
  tags: ['codec:line'],
  on: {
    'line.received': { target: 'ready', actions: 'endIdle' },
    'mailbox.changed': { actions: 'pushUpdates' },
  },
} as const;

export const imapServerMachine = setup({
  types: {
    context: {} as Context,
    events: {} as ImapServerEvent | GotoEvent,
    emitted: {} as ImapServerEmitted,
    input: {} as ImapServerInput,
  },
  delays: {
    idleTimeout: ({ context }) => context.config.idleTimeoutMs,
  },
  guards: {
    implicitTls: ({ context }) => context.implicitTls,
  },
  actions: {
    // RFC 3501 §7.1.1: the greeting may carry the capabilities, saving a round trip.
    greet: emit(({ context }) => ({
      type: 'out.response' as const,
      response: untagged('OK', 'Mailroom IMAP ready.', {
        code: 'CAPABILITY',
        capabilities: capabilities(context),
      }),
    })),
    rememberTls: assign({ tls: ({ event }) => (event.type === 'tls.established' ? event.info : undefined) }),
    execute: enqueueActions(({ context, event, enqueue }) => {
      if (!event.type.startsWith('cmd.') || !('command' in event)) return;
      const { command } = event;
      const result: CommandResult =
        event.mailboxNameError !== undefined
          ? { untagged: [], done: { status: 'NO', text: event.mailboxNameError } }
          : runCommand(context, command);
      finish(context, command.tag, result, enqueue);
    }),
    continueSasl: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'line.received' || context.sasl === undefined) return;
      const result = continueAuthenticate(context, context.sasl, event.text);
      if (result.next !== 'authenticating') enqueue.assign({ sasl: undefined, pendingTag: undefined });
      finish(context, context.pendingTag ?? '*', result, enqueue);
      if (result.next === undefined) enqueue.raise({ type: 'goto.notAuthenticated' });
    }),
    endIdle: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'line.received') return;
      const tag = context.pendingTag ?? '*';
      enqueue.assign({ pendingTag: undefined });
      for (const response of context.selected?.flush(true, context.enabled.has(CONDSTORE)) ?? [])
        enqueue.emit({ type: 'out.response', response });
      if (isIdleDone(event.text)) {
        enqueue.emit({
          type: 'out.response',
          response: { kind: 'tagged', tag, status: 'OK', text: 'Idle completed.' },
        });
        return;
      }
      enqueue.emit({
        type: 'out.response',
        response: { kind: 'tagged', tag, status: 'BAD', text: 'Expected DONE.' },
      });
      enqueue.emit({
        type: 'out.violation',
        rule: 'RFC 2177 §3',
        message: 'IDLE ends with DONE and nothing else',
      });
    }),
    pushUpdates: enqueueActions(({ context, enqueue }) => {
      for (const response of context.selected?.flush(true, context.enabled.has(CONDSTORE)) ?? [])
        enqueue.emit({ type: 'out.response', response });
    }),
    refuse: enqueueActions(({ event, enqueue }, state: StateName) => {
      if (!('command' in event)) return;
      const verb = event.command.name;
      const text = wrongState(state, verb);
      enqueue.emit({
        type: 'out.response',
        response: { kind: 'tagged', tag: event.command.tag, status: 'BAD', text },
      });
      enqueue.emit({
        type: 'out.violation',
        rule: 'RFC 9051 §3',
        message: `${verb} is not a command of the ${state} state`,
      });
    }),
    replyBad: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'command.bad') return;
      const base = { status: event.status, text: event.text, ...(event.code ? { code: event.code } : {}) };
      enqueue.emit({
        type: 'out.response',
        response:
          event.tag === undefined ? { kind: 'status', ...base } : { kind: 'tagged', tag: event.tag, ...base },
      });
      enqueue.emit({ type: 'out.violation', rule: event.rule, message: event.text });
    }),
    autologout: emit({
      type: 'out.response' as const,
      response: untagged('BYE', 'Autologout; idle for too long'),
    }),
    startTls: emit({ type: 'out.startTls' as const }),
    closeView: enqueueActions(({ context, enqueue }) => {
      const view = context.selected;
      if (view === undefined) return;
      enqueue(() => view.close());
      enqueue.assign({ selected: undefined });
    }),
    close: emit({ type: 'out.close' as const }),
  },
}).createMachine({
  id: 'imapServer',
  initial: 'active',
  context: ({ input }) => ({
    config: input.config,
    store: input.store,
    now: input.now,
    nonce: input.nonce,
    onMailboxChange: input.onMailboxChange ?? (() => {}),
    implicitTls: input.implicitTls === true,
    tls: undefined,
    compression: undefined,
    account: undefined,
    selected: undefined,
    enabled: new Set<string>(),
    sasl: undefined,
    pendingTag: undefined,
  }),
  on: {
    'net.closed': { target: '.logout' },
  },
  states: {
    active: {
      type: 'parallel',
      states: {
        protocol: {
          initial: 'notAuthenticated',
          on: {
            'command.bad': { actions: 'replyBad' },
            'goto.logout': { target: '#imapServer.logout' },
          },
          states: {
            notAuthenticated: {
              initial: 'greeting',
              on: {
                'cmd.STARTTLS': { actions: 'execute' },
                'cmd.AUTHENTICATE': { actions: 'execute' },
                'cmd.LOGIN': { actions: 'execute' },
                'goto.authenticated': { target: 'authenticated' },
                'goto.authenticating': { target: '.authenticating' },
                'goto.awaitingTls': { target: '.awaitingTls', actions: 'startTls' },
                'goto.notAuthenticated': { target: '.ready' },
                ...anyStateAnd('notAuthenticated'),
              },
              states: {
                greeting: {
                  always: [
                    { guard: 'implicitTls', target: 'awaitingHandshake' },
                    { target: 'ready', actions: 'greet' },
                  ],
                },
                // RFC 8314 §3: on port 993 TLS comes first, then the greeting.
                awaitingHandshake: {
                  tags: ['codec:paused'],
                  on: { 'tls.established': { target: 'ready', actions: ['rememberTls', 'greet'] } },
                },
                ready: {
                  tags: ['codec:command'],
                  on: { 'tls.established': { actions: 'rememberTls' } },
                },
                authenticating: {
                  tags: ['codec:line'],
                  on: { 'line.received': { actions: 'continueSasl' } },
                },
                // RFC 3501 §6.2.1: nothing is read until the handshake; afterwards the client starts over.
                awaitingTls: {
                  tags: ['codec:paused'],
                  on: { 'tls.established': { target: 'ready', actions: 'rememberTls' } },
                },
              },
            },
            authenticated: {
              initial: 'ready',
              on: {
                ...AUTHENTICATED_COMMANDS,
                'goto.selected': { target: 'selected' },
                'goto.idling': { target: '.idling' },
                'goto.authenticated': { target: '.ready' },
                ...anyStateAnd('authenticated'),
              },
              states: {
                ready: { tags: ['codec:command'] },
                idling,
              },
            },
            selected: {
              initial: 'ready',
              on: {
                ...AUTHENTICATED_COMMANDS,
                'cmd.CHECK': { actions: 'execute' },
                'cmd.CLOSE': { actions: 'execute' },
                'cmd.UNSELECT': { actions: 'execute' },
                'cmd.EXPUNGE': { actions: 'execute' },
                'cmd.SEARCH': { actions: 'execute' },
                'cmd.FETCH': { actions: 'execute' },
                'cmd.STORE': { actions: 'execute' },
                'cmd.COPY': { actions: 'execute' },
                'cmd.MOVE': { actions: 'execute' },
                'cmd.SORT': { actions: 'execute' },
                'cmd.THREAD': { actions: 'execute' },
                'goto.authenticated': { target: 'authenticated' },
                'goto.idling': { target: '.idling' },
                'goto.selected': { target: '.ready' },
                ...anyStateAnd('selected'),
              },
              states: {
                ready: { tags: ['codec:command'] },
                idling,
              },
            },
          },
        },
        idleTimer: {
          initial: 'running',
          states: {
            running: {
              on: { 'net.activity': { target: 'running', reenter: true } },
              // RFC 3501 §5.4: the autologout timer; BYE then close (RFC 3501 §7.1.5).
              after: { idleTimeout: { target: '#imapServer.logout', actions: 'autologout' } },
            },
          },
        },
      },
    },
    logout: {
      type: 'final',
      tags: ['codec:paused'],
      entry: ['closeView', 'close'],
    },
  },
});
