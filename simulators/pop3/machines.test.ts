/**
 * The POP3 machines on their own: pure steps with `initialTransition` /
 * `transition` (no actor, no clock, no effects on the store), and
 * reachability of every state node of both machines through
 * `getShortestPaths` from `xstate/graph` (STYLE §S5.2, §S5.6).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { base64Encode } from '../core/bytes.ts';
import { plainResponse } from '../auth/sasl.ts';
import { pop3ClientMachine, type Pop3ClientEvent, type Pop3ClientInput } from './client.machine.ts';
import { textBody } from './codec.ts';
import { DEFAULT_POP3_SERVER_CONFIG } from './server-config.ts';
import {
  pop3ServerMachine,
  type Pop3ServerEmitted,
  type Pop3ServerEvent,
  type Pop3ServerInput,
} from './server.machine.ts';
import { EPOCH, makeStore, TEST_TLS } from './test-fixtures.ts';

const serverInput = (): Pop3ServerInput => ({
  config: { ...DEFAULT_POP3_SERVER_CONFIG, hostname: 'pop.example.net' },
  store: makeStore(),
  nonce: () => '1.2',
  now: () => EPOCH,
  sessionId: 'pop-1',
});

/** The events a list of actions emits (`xstate.emit` actions carry them in `params.event`). */
function emitted(actions: readonly { type: string; params?: unknown }[]): Pop3ServerEmitted[] {
  return actions
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => (a.params as { event: Pop3ServerEmitted }).event);
}

describe('pop3ServerMachine (pure steps)', () => {
  it('starts in AUTHORIZATION and greets with the timestamp (RFC 1939 §4)', () => {
    const [snapshot, actions] = initialTransition(pop3ServerMachine, serverInput());
    expect(snapshot.value).toEqual({
      active: { protocol: { authorization: 'awaitingUser' }, idleTimer: 'running' },
    });
    expect(emitted(actions)).toEqual([
      { type: 'out.reply', reply: { status: '+OK', text: 'POP3 server ready <1.2@pop.example.net>' } },
    ]);
  });

  it('enters TRANSACTION with a snapshot; the lock is an action, not done by a pure step (RFC 1939 §8)', () => {
    const input = serverInput();
    const [start] = initialTransition(pop3ServerMachine, input);
    const [afterUser] = transition(pop3ServerMachine, start, { type: 'cmd.USER', name: 'bob@example.net' });
    expect(afterUser.context.user).toBe('bob@example.net');
    const [loggedIn, actions] = transition(pop3ServerMachine, afterUser, {
      type: 'cmd.PASS',
      password: 'secret',
    });
    expect(loggedIn.value).toEqual({ active: { protocol: 'transaction', idleTimer: 'running' } });
    expect(loggedIn.context.user).toBeUndefined();
    expect(loggedIn.context.maildrop?.entries.map((e) => [e.number, e.uidl, e.size])).toEqual([
      [1, '1700000000.1', 69],
      [2, '1700000000.2', 67],
      [3, '1700000000.3', 40],
    ]);
    expect(emitted(actions).map((e) => e.type)).toEqual(['out.loggedIn', 'out.reply']);
    expect(input.store.account('bob@example.net')!.maildropLock).toBeUndefined();
  });

  it('marks with DELE and unmarks with RSET, touching only the context (RFC 1939 §6)', () => {
    const input = serverInput();
    let [s] = initialTransition(pop3ServerMachine, input);
    for (const event of [
      { type: 'cmd.USER', name: 'bob@example.net' },
      { type: 'cmd.PASS', password: 'secret' },
      { type: 'cmd.DELE', msg: 2 },
    ] as Pop3ServerEvent[])
      [s] = transition(pop3ServerMachine, s, event);
    expect([...(s.context.maildrop?.deleted ?? [])]).toEqual([2]);
    const [again, refused] = transition(pop3ServerMachine, s, { type: 'cmd.DELE', msg: 2 });
    expect(emitted(refused)).toEqual([
      { type: 'out.reply', reply: { status: '-ERR', text: 'message 2 already deleted' } },
    ]);
    expect(again.context.maildrop).toBe(s.context.maildrop);
    const [reset] = transition(pop3ServerMachine, s, { type: 'cmd.RSET' });
    expect([...(reset.context.maildrop?.deleted ?? [])]).toEqual([]);
    expect(input.store.account('bob@example.net')!.inbox.messages).toHaveLength(3);
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

/**
 * Ids of the state nodes some shortest path rests in. A decision node (only
 * eventless transitions, like `capabilitiesKnown`) is never rested in, so it
 * counts as reached when a reached node's transition targets it.
 */
function reachedIds(
  machine: AnyStateMachine,
  paths: readonly { state: { _nodes: readonly AnyStateNode[] } }[],
) {
  const reached = new Set(paths.flatMap((p) => p.state._nodes.map((n) => n.id)));
  for (const node of stateNodes(machine)) {
    const decision = node.always !== undefined && node.always.length > 0 && node.transitions.size === 0;
    const targeted = stateNodes(machine).some(
      (from) =>
        reached.has(from.id) &&
        [...from.transitions.values()].flat().some((t) => t.target?.some((target) => target.id === node.id)),
    );
    if (decision && targeted) reached.add(node.id);
  }
  return reached;
}

const unreached = (machine: AnyStateMachine, reached: Set<string>) =>
  stateNodes(machine)
    .map((n) => n.id)
    .filter((id) => !reached.has(id));

describe('reachability (xstate/graph getShortestPaths)', () => {
  it('reaches every state of pop3ServerMachine', () => {
    const events: Pop3ServerEvent[] = [
      { type: 'cmd.USER', name: 'bob@example.net' },
      { type: 'cmd.PASS', password: 'secret' },
      { type: 'cmd.AUTH', mechanism: 'PLAIN', initialResponse: undefined },
      { type: 'sasl.response', text: base64Encode(plainResponse('bob@example.net', 'secret')) },
      { type: 'cmd.STLS' },
      { type: 'tls.established', info: TEST_TLS },
      { type: 'cmd.DELE', msg: 1 },
      { type: 'cmd.QUIT' },
      { type: 'net.closed' },
    ];
    const paths = getShortestPaths(pop3ServerMachine, {
      input: serverInput(),
      events,
      serializeState: (s) =>
        JSON.stringify([
          s.value,
          s.context.tls !== undefined,
          s.context.user,
          s.context.maildrop?.deleted.size,
        ]),
    });
    expect(unreached(pop3ServerMachine, reachedIds(pop3ServerMachine, paths))).toEqual([]);
  });

  it('reaches every state of pop3ClientMachine', () => {
    const body = textBody(['STLS', 'SASL PLAIN', 'UIDL', '1 10']);
    const events: Pop3ClientEvent[] = [
      { type: 'reply.ok', response: { status: '+OK', text: 'ready <1.2@pop.example.net>' } },
      { type: 'reply.ok', response: { status: '+OK', text: '' } },
      { type: 'reply.ok', response: { status: '+OK', text: 'list', body } },
      { type: 'reply.ok', response: { status: '+OK', text: 'empty', body: new Uint8Array(0) } },
      { type: 'reply.err', response: { status: '-ERR', text: 'no' } },
      { type: 'reply.continue', text: '' },
      { type: 'reply.malformed', line: 'x', reason: 'bad' },
      { type: 'tls.established', info: TEST_TLS },
      { type: 'net.closed' },
    ];
    const base: Pop3ClientInput['config'] = {
      username: 'bob@example.net',
      password: 'secret',
      tls: 'opportunistic',
      implicitTls: false,
      preferApop: true,
      mode: 'download-and-delete',
      replyTimeoutMs: 1000,
    };
    const reached = new Set<string>();
    // The long password makes AUTH PLAIN go without its initial response (RFC 5034 §4).
    for (const config of [base, { ...base, mode: 'download-and-keep' as const, password: 'x'.repeat(200) }]) {
      const paths = getShortestPaths(pop3ClientMachine, {
        input: { config, now: () => EPOCH },
        events,
        serializeState: (s) =>
          JSON.stringify([
            s.value,
            s.context.tls !== undefined,
            s.context.timestamp,
            [...s.context.capabilities.keys()],
            s.context.listing.length,
            s.context.plan.length,
            s.context.marked.length,
          ]),
      });
      for (const id of reachedIds(pop3ClientMachine, paths)) reached.add(id);
    }
    expect(unreached(pop3ClientMachine, reached)).toEqual([]);
  });
});
