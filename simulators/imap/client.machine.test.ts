/**
 * The IMAP client machine on its own: pure steps with `initialTransition` /
 * `transition` (no actor, no clock), asserting the state, the context and
 * the emitted commands; and reachability of every state node through
 * `getShortestPaths` from `xstate/graph` (STYLE §S5.2, §S5.6).
 */
import { describe, expect, it } from 'vitest';
import {
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
} from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { imapClientMachine, type ImapClientEvent, type ImapClientInput } from './client.machine.ts';
import type { ImapClientEmitted, ImapOperation, ImapOperationRequest } from './client-operations.ts';
import { uidSet } from './client-operations.ts';
import { TEST_TLS } from './test-fixtures.ts';

const input = (config: Partial<ImapClientInput['config']> = {}): ImapClientInput => ({
  config: {
    username: 'bob@example.net',
    password: 'secret',
    tls: 'opportunistic',
    implicitTls: false,
    replyTimeoutMs: 60_000,
    idleRefreshMs: 29 * 60_000,
    ...config,
  },
});

/** The events a list of actions emits (`xstate.emit` actions carry them in `params.event`). */
function emitted(actions: readonly { type: string; params?: unknown }[]): ImapClientEmitted[] {
  return actions
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => (a.params as { event: ImapClientEmitted }).event);
}

/** Commands as they would be written, tag first: `A001 STARTTLS`. */
const commands = (actions: readonly { type: string; params?: unknown }[]) =>
  emitted(actions).flatMap((e) =>
    e.type === 'out.command' ? [`${e.command.tag} ${e.command.name}`] : e.type === 'out.line' ? [e.text] : [],
  );

const greeting = (capabilities: string): ImapClientEvent => ({
  type: 'reply.status',
  status: 'OK',
  code: { code: 'CAPABILITY', capabilities: capabilities.split(' ') },
  text: 'ready',
});
const ok = (tag: string, capabilities?: string): ImapClientEvent => ({
  type: 'reply.ok',
  response: capabilities
    ? {
        kind: 'tagged',
        tag,
        status: 'OK',
        code: { code: 'CAPABILITY', capabilities: capabilities.split(' ') },
        text: 'done',
      }
    : { kind: 'tagged', tag, status: 'OK', text: 'done' },
});
const op = (id: number, request: ImapOperationRequest): ImapClientEvent => ({
  type: 'app.request',
  op: { id, ...request } as ImapOperation,
});

/** Runs events from the start; returns the last snapshot and every command sent. */
function run(events: readonly ImapClientEvent[], config: Partial<ImapClientInput['config']> = {}) {
  let [snapshot, actions] = initialTransition(imapClientMachine, input(config));
  const sent = [...commands(actions)];
  const all = [...emitted(actions)];
  for (const event of events) {
    [snapshot, actions] = transition(imapClientMachine, snapshot, event);
    sent.push(...commands(actions));
    all.push(...emitted(actions));
  }
  return { snapshot, sent, emitted: all };
}

describe('imapClientMachine (pure steps)', () => {
  it('waits for the greeting, then starts TLS when STARTTLS is offered (RFC 3501 §6.2.1)', () => {
    const [start, actions] = initialTransition(imapClientMachine, input());
    expect(start.value).toBe('awaitingGreeting');
    expect(emitted(actions)).toEqual([]);
    const [next, sent] = transition(imapClientMachine, start, greeting('IMAP4rev1 STARTTLS AUTH=PLAIN'));
    expect(next.value).toBe('startingTls');
    expect(commands(sent)).toEqual(['A001 STARTTLS']);
    expect(next.context.tagCount).toBe(1);
    const [tls, startTls] = transition(imapClientMachine, next, ok('A001'));
    expect(tls.value).toBe('tlsHandshake');
    expect(tls.hasTag('codec:paused')).toBe(true);
    expect(emitted(startTls)).toEqual([{ type: 'out.startTls' }]);
    // RFC 3501 §6.2.1: capabilities learnt before TLS are forgotten and asked for again.
    const [after, asked] = transition(imapClientMachine, tls, { type: 'tls.established', info: TEST_TLS });
    expect(after.value).toBe('awaitingCapability');
    expect(after.context.capabilities).toBeUndefined();
    expect(commands(asked)).toEqual(['A002 CAPABILITY']);
  });

  it('chooses AUTHENTICATE PLAIN with SASL-IR, PLAIN after a +, or LOGIN (RFC 4959, RFC 3501 §6.2)', () => {
    expect(run([greeting('IMAP4rev1 SASL-IR AUTH=PLAIN')], { tls: 'none' }).sent).toEqual([
      'A001 AUTHENTICATE',
    ]);
    const noIr = run([greeting('IMAP4rev1 AUTH=PLAIN'), { type: 'reply.continue', text: '' }], {
      tls: 'none',
    });
    expect(noIr.sent).toEqual(['A001 AUTHENTICATE', 'AGJvYkBleGFtcGxlLm5ldABzZWNyZXQ=']);
    expect(noIr.snapshot.value).toEqual({ authenticating: 'awaitingResult' });
    expect(run([greeting('IMAP4rev1')], { tls: 'none' }).sent).toEqual(['A001 LOGIN']);
  });

  it('turns on COMPRESS=DEFLATE after login when configured and offered, and goes on without after NO (RFC 4978 §3)', () => {
    const login = [greeting('IMAP4rev1 AUTH=PLAIN SASL-IR'), ok('A001', 'IMAP4rev1 IDLE COMPRESS=DEFLATE')];
    const on = run([...login, ok('A002')], { tls: 'none', compress: true });
    expect(on.sent).toEqual(['A001 AUTHENTICATE', 'A002 COMPRESS']);
    expect(on.emitted.filter((e) => e.type === 'out.startCompression')).toHaveLength(1);
    expect(on.snapshot.value).toEqual({ ready: 'waiting' });
    const refused = run(
      [
        ...login,
        { type: 'reply.refused', response: { kind: 'tagged', tag: 'A002', status: 'NO', text: 'no' } },
      ],
      { tls: 'none', compress: true },
    );
    expect(refused.emitted.some((e) => e.type === 'out.startCompression')).toBe(false);
    expect(refused.snapshot.value).toEqual({ ready: 'waiting' });
    // Not configured, or not offered: no COMPRESS at all.
    expect(run(login, { tls: 'none' }).sent).toEqual(['A001 AUTHENTICATE']);
    const notOffered = [greeting('IMAP4rev1 AUTH=PLAIN SASL-IR'), ok('A001', 'IMAP4rev1 IDLE')];
    expect(run(notOffered, { tls: 'none', compress: true }).sent).toEqual(['A001 AUTHENTICATE']);
  });

  it('never sends credentials in the clear against LOGINDISABLED, nor without TLS when required', () => {
    const disabled = run([greeting('IMAP4rev1 LOGINDISABLED')], { tls: 'none' });
    expect(disabled.sent).toEqual(['A001 LOGOUT']);
    expect(disabled.snapshot.value).toBe('loggingOut');
    const required = run([greeting('IMAP4rev1 AUTH=PLAIN')], { tls: 'required' });
    expect(required.sent).toEqual(['A001 LOGOUT']);
    // PREAUTH leaves no room for STARTTLS: a client that needs TLS must leave.
    const preauth = run([{ type: 'reply.status', status: 'PREAUTH', text: 'hi' }], { tls: 'required' });
    expect(preauth.sent).toEqual(['A001 LOGOUT']);
  });

  it('queues operations until logged in, then runs them one at a time with fresh tags', () => {
    const r = run(
      [
        op(1, { kind: 'select', mailbox: 'INBOX' }),
        op(2, { kind: 'fetchNew', sinceUid: 7 }),
        greeting('IMAP4rev1 SASL-IR AUTH=PLAIN'),
      ],
      { tls: 'none' },
    );
    expect(r.snapshot.context.queue.map((o) => o.kind)).toEqual(['select', 'fetchNew']);
    const [loggedIn, selecting] = transition(
      imapClientMachine,
      r.snapshot,
      ok('A001', 'IMAP4rev1 IDLE MOVE'),
    );
    expect(loggedIn.value).toBe('selecting');
    expect(loggedIn.context.current).toEqual({ id: 1, kind: 'select', mailbox: 'INBOX' });
    expect(emitted(selecting)).toEqual([
      {
        type: 'out.command',
        command: { tag: 'A002', name: 'SELECT', mailbox: 'INBOX' },
        literalPlus: false,
      },
    ]);
    let s = loggedIn;
    for (const e of [
      { type: 'reply.exists', count: 9 },
      { type: 'reply.status', status: 'OK', code: { code: 'UIDVALIDITY', value: 42 }, text: '' },
    ] as ImapClientEvent[])
      [s] = transition(imapClientMachine, s, e);
    const [selected, fetch] = transition(imapClientMachine, s, ok('A002'));
    expect(selected.value).toEqual({ selected: 'fetching' });
    expect(emitted(fetch)).toEqual([
      {
        type: 'out.event',
        event: { type: 'selected', mailbox: 'INBOX', exists: 9, uidValidity: 42, uidNext: 0 },
      },
      { type: 'out.event', event: { type: 'done', op: { id: 1, kind: 'select', mailbox: 'INBOX' } } },
      expect.objectContaining({
        type: 'out.command',
        command: expect.objectContaining({ tag: 'A003', sequence: [[8, '*']] }),
      }),
    ]);
  });

  it('notes an unexpected continuation without leaving its state (RFC 9051 §7)', () => {
    const r = run([greeting('IMAP4rev1'), ok('A001', 'IMAP4rev1'), { type: 'reply.continue', text: '?' }], {
      tls: 'none',
    });
    expect(r.snapshot.value).toEqual({ ready: 'waiting' });
    expect(r.emitted.at(-1)).toEqual({
      type: 'out.violation',
      rule: 'RFC 9051 §7',
      message: 'reply.continue is not a valid response here',
    });
  });

  it('writes UID sets compactly', () => {
    expect(uidSet([5, 1, 2, 3, 3])).toEqual([[1, 3], 5]);
  });
});

function stateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states)) {
      out.push(child);
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/** Decision nodes (only eventless transitions) are never rested in: reached when a reached node targets them. */
function reachedIds(
  machine: AnyStateMachine,
  paths: readonly { state: { _nodes: readonly AnyStateNode[] } }[],
) {
  const reached = new Set(paths.flatMap((p) => p.state._nodes.map((n) => n.id)));
  const nodes = stateNodes(machine);
  for (const node of nodes) {
    const decision = node.always !== undefined && node.always.length > 0 && node.transitions.size === 0;
    const targeted = nodes.some(
      (from) =>
        reached.has(from.id) &&
        [...from.transitions.values(), from.always ?? []]
          .flat()
          .some((t) => t.target?.some((target) => target.id === node.id)),
    );
    if (decision && targeted) reached.add(node.id);
  }
  return reached;
}

describe('reachability (xstate/graph getShortestPaths)', () => {
  it('reaches every state of imapClientMachine', () => {
    const requests: ImapClientEvent[] = (
      [
        { kind: 'list' },
        { kind: 'select', mailbox: 'INBOX' },
        { kind: 'fetchNew', sinceUid: 0 },
        { kind: 'setFlags', uids: [1], mode: '+FLAGS', flags: ['\\Seen'] },
        { kind: 'move', uids: [1], mailbox: 'Archive' },
        { kind: 'expunge' },
        { kind: 'search', criteria: 'ALL', keys: [{ key: 'ALL' }] },
        { kind: 'idle' },
        { kind: 'logout' },
      ] as const
    ).map((r, i) => op(i + 1, r));
    const replies: ImapClientEvent[] = [
      greeting('IMAP4rev1 STARTTLS SASL-IR AUTH=PLAIN IDLE MOVE'),
      greeting('IMAP4rev1 AUTH=PLAIN'),
      { type: 'reply.status', status: 'OK', text: 'no capabilities' },
      ok('A'),
      ok('A', 'IMAP4rev1 IDLE MOVE'),
      ok('A', 'IMAP4rev1 IDLE MOVE COMPRESS=DEFLATE'),
      { type: 'reply.refused', response: { kind: 'tagged', tag: 'A', status: 'NO', text: 'no' } },
      { type: 'reply.continue', text: '' },
      { type: 'tls.established', info: TEST_TLS },
      { type: 'app.stopIdle' },
      { type: 'net.closed' },
      // The timer that renews IDLE (RFC 2177 §3), as XState names its delayed event.
      { type: 'xstate.after.idleRefresh.imapClient.idling.listening' } as unknown as ImapClientEvent,
    ];
    const paths = getShortestPaths(imapClientMachine, {
      input: input({ compress: true }),
      // Bound the queue so the state space is finite.
      events: (s: AnyMachineSnapshot) => [...replies, ...(s.context.queue.length === 0 ? requests : [])],
      serializeState: (s) =>
        JSON.stringify([
          s.value,
          s.context.tls !== undefined,
          s.context.capabilities && [...s.context.capabilities],
          s.context.current?.kind,
          s.context.queue.map((o: ImapOperation) => o.kind),
          s.context.mailbox !== undefined,
        ]),
    });
    const reached = reachedIds(imapClientMachine, paths);
    expect(
      stateNodes(imapClientMachine)
        .map((n) => n.id)
        .filter((id) => !reached.has(id)),
    ).toEqual([]);
  });
});
