/**
 * The client machine on its own: pure steps with `initialTransition` /
 * `transition` (no actor, no clock), and reachability of every state of the
 * client and server machines through `getShortestPaths` (STYLE §S5.2, §S5.6).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { latin1Bytes } from '../core/bytes.ts';
import { TEST_TLS } from '../test/pair.ts';
import {
  smtpClientMachine,
  type SmtpClientEmitted,
  type SmtpClientEvent,
  type SmtpClientInput,
} from './client.machine.ts';
import type { OutgoingMessage } from './client-session.ts';
import { DataReader } from './data.ts';
import { DEFAULT_SMTP_SERVER_CONFIG } from './server-config.ts';
import { smtpServerMachine, type SmtpServerEvent, type SmtpServerInput } from './server.machine.ts';

const INPUT: SmtpClientInput = {
  config: {
    heloName: 'smtp.example.com',
    tls: 'opportunistic',
    implicitTls: false,
    auth: { username: 'alice@example.com', password: 'pw', mechanisms: ['PLAIN'] },
    replyTimeoutMs: 300_000,
  },
};

const MESSAGE: OutgoingMessage = {
  id: 'm1',
  mailFrom: 'alice@example.com',
  rcptTo: ['bob@example.net'],
  data: latin1Bytes('Subject: hi\r\n\r\nHello.\r\n'),
};

const reply = (
  type: 'reply.2xx' | 'reply.3xx' | 'reply.4xx' | 'reply.5xx' | 'reply.421',
  code: number,
  text: string | string[] = 'Ok',
): SmtpClientEvent => ({
  type,
  reply: { code, text },
});

/** The events a list of actions emits (`xstate.emit` actions carry them in `params.event`). */
function emitted(actions: readonly { type: string; params?: unknown }[]): SmtpClientEmitted[] {
  return actions
    .filter((a) => a.type === 'xstate.emit')
    .map((a) => (a.params as { event: SmtpClientEmitted }).event);
}

describe('smtpClientMachine', () => {
  it('waits for the greeting before saying anything (RFC 5321 §3.1)', () => {
    const [snapshot, actions] = initialTransition(smtpClientMachine, INPUT);
    expect(snapshot.value).toBe('awaitingGreeting');
    expect(emitted(actions)).toEqual([]);
  });

  it('answers a 220 greeting with EHLO (RFC 5321 §4.1.1.1)', () => {
    const [start] = initialTransition(smtpClientMachine, INPUT);
    const [snapshot, actions] = transition(
      smtpClientMachine,
      start,
      reply('reply.2xx', 220, 'mx.example.net ESMTP'),
    );
    expect(snapshot.value).toBe('awaitingEhloReply');
    expect(emitted(actions)).toEqual([
      { type: 'out.commands', commands: [{ verb: 'EHLO', domain: 'smtp.example.com', form: 'domain' }] },
    ]);
  });

  it('falls back to HELO on a 5xx to EHLO (RFC 5321 §3.2)', () => {
    const [start] = initialTransition(smtpClientMachine, INPUT);
    const [greeted] = transition(smtpClientMachine, start, reply('reply.2xx', 220));
    const [snapshot, actions] = transition(
      smtpClientMachine,
      greeted,
      reply('reply.5xx', 502, 'EHLO not implemented'),
    );
    expect(snapshot.value).toBe('awaitingHeloReply');
    expect(emitted(actions)).toEqual([
      { type: 'out.commands', commands: [{ verb: 'HELO', domain: 'smtp.example.com', form: 'domain' }] },
    ]);
  });

  it('pipelines MAIL, RCPT and DATA and queues the replies it awaits (RFC 2920 §3.1)', () => {
    const { auth: _auth, ...withoutAuth } = INPUT.config;
    const noAuth: SmtpClientInput = { config: { ...withoutAuth, tls: 'none' } };
    const [start] = initialTransition(smtpClientMachine, noAuth);
    const [queued] = transition(smtpClientMachine, start, { type: 'app.send', message: MESSAGE });
    const [greeted] = transition(smtpClientMachine, queued, reply('reply.2xx', 220));
    const [snapshot, actions] = transition(
      smtpClientMachine,
      greeted,
      reply('reply.2xx', 250, ['mx.example.net', 'PIPELINING', 'SIZE 1000']),
    );
    expect(snapshot.value).toEqual({ transaction: 'awaitingEnvelopeReplies' });
    expect(snapshot.context.queue).toEqual([]);
    expect(snapshot.context.transaction).toEqual({
      message: MESSAGE,
      unsent: [],
      awaiting: ['MAIL', 'RCPT', 'DATA'],
      rcptReplies: [],
    });
    expect(emitted(actions)).toEqual([
      {
        type: 'out.ready',
        extensions: new Map([
          ['PIPELINING', []],
          ['SIZE', ['1000']],
        ]),
        tls: false,
        authenticated: false,
      },
      {
        type: 'out.commands',
        commands: [
          { verb: 'MAIL', from: 'alice@example.com', utf8: false, params: { size: 23 } },
          { verb: 'RCPT', to: 'bob@example.net', utf8: false, params: {} },
          { verb: 'DATA' },
        ],
      },
    ]);
  });

  it('sends STARTTLS before AUTH and forgets the pre-TLS extensions (RFC 3207 §4.2)', () => {
    const [start] = initialTransition(smtpClientMachine, INPUT);
    const [greeted] = transition(smtpClientMachine, start, reply('reply.2xx', 220));
    const ehlo = reply('reply.2xx', 250, ['mx.example.net', 'STARTTLS', 'AUTH PLAIN']);
    const [tlsReady, a1] = transition(smtpClientMachine, greeted, ehlo);
    expect(tlsReady.value).toBe('awaitingTlsReady');
    expect(emitted(a1)).toEqual([{ type: 'out.commands', commands: [{ verb: 'STARTTLS' }] }]);
    const [handshake, a2] = transition(
      smtpClientMachine,
      tlsReady,
      reply('reply.2xx', 220, 'Ready to start TLS'),
    );
    expect(handshake.value).toBe('tlsHandshake');
    expect(handshake.hasTag('codec:paused')).toBe(true);
    expect(emitted(a2)).toEqual([{ type: 'out.startTls' }]);
    const [secured] = transition(smtpClientMachine, handshake, { type: 'tls.established', info: TEST_TLS });
    expect(secured.value).toBe('awaitingEhloReply');
    expect(secured.context.extensions).toEqual(new Map());
    expect(secured.context.tls).toEqual(TEST_TLS);
  });

  it('ignores a reply to nothing it asked by failing the session, not by throwing (RFC 5321 §4.3.2)', () => {
    const [start] = initialTransition(smtpClientMachine, INPUT);
    const [snapshot, actions] = transition(smtpClientMachine, start, reply('reply.3xx', 354, 'go ahead'));
    expect(snapshot.value).toBe('closed');
    expect(emitted(actions).map((e) => e.type)).toEqual(['out.violation', 'out.failed', 'out.close']);
  });
});

/** Every state node below the root, by id. */
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
 * The ids of the state nodes some shortest path ends in. A transient node
 * (one with only eventless transitions, like `extensionsKnown`) is never
 * rested in, so it counts as reached when a reached node's transition targets it.
 */
function reachedIds(
  machine: AnyStateMachine,
  paths: readonly { state: { _nodes: readonly AnyStateNode[] } }[],
): Set<string> {
  const reached = new Set(paths.flatMap((p) => p.state._nodes.map((n) => n.id)));
  for (const node of stateNodes(machine)) {
    if (reached.has(node.id)) continue;
    const transient = node.always !== undefined && node.always.length > 0 && node.transitions.size === 0;
    const targeted = stateNodes(machine).some(
      (from) =>
        reached.has(from.id) &&
        [...from.transitions.values()].flat().some((t) => t.target?.some((target) => target.id === node.id)),
    );
    if (transient && targeted) reached.add(node.id);
  }
  return reached;
}

describe('reachability (xstate/graph getShortestPaths)', () => {
  it('reaches every state of smtpClientMachine', () => {
    const events: SmtpClientEvent[] = [
      reply('reply.2xx', 250, ['mx.example.net', 'STARTTLS', 'AUTH PLAIN']),
      reply('reply.3xx', 354, 'go ahead'),
      reply('reply.4xx', 451, 'later'),
      reply('reply.5xx', 550, 'no'),
      reply('reply.421', 421, 'closing'),
      { type: 'reply.malformed', line: 'x', reason: 'bad' },
      { type: 'tls.established', info: TEST_TLS },
      { type: 'app.quit' },
      { type: 'net.closed' },
    ];
    const send: SmtpClientEvent = { type: 'app.send', message: MESSAGE };
    const paths = getShortestPaths(smtpClientMachine, {
      input: INPUT,
      // One message at a time keeps the state space finite.
      events: (s) => (s.context.queue.length === 0 ? [...events, send] : events),
      serializeState: (s) =>
        JSON.stringify([
          s.value,
          s.context.queue.length,
          s.context.quitRequested,
          s.context.tls !== undefined,
          s.context.authenticatedAs,
          [...s.context.extensions.keys()],
          s.context.transaction?.awaiting,
          s.context.transaction?.unsent.length,
          s.context.transaction?.rcptReplies.length,
        ]),
    });
    const reached = reachedIds(smtpClientMachine, paths);
    expect(
      stateNodes(smtpClientMachine)
        .map((n) => n.id)
        .filter((id) => !reached.has(id)),
    ).toEqual([]);
  });

  it('reaches every state of smtpServerMachine', () => {
    const input: SmtpServerInput = {
      config: {
        ...DEFAULT_SMTP_SERVER_CONFIG,
        hostname: 'mx.example.net',
        role: 'mx',
        allowAuthWithoutTls: true,
      },
      directory: {
        isLocalDomain: (d) => d === 'example.net',
        hasMailbox: (a) => a === 'bob@example.net',
        checkPassword: () => false,
        secretOf: () => undefined,
        checkToken: () => false,
      },
      peer: { address: '192.0.2.25', implicitTls: false },
      now: () => 0,
      queueId: () => 'Q1',
      nonce: () => '1.2',
    };
    const data = new DataReader().push(latin1Bytes('Subject: x\r\n\r\nHi\r\n.\r\n'));
    if (!data) throw new Error('the test message must be complete');
    const events: SmtpServerEvent[] = [
      { type: 'cmd.EHLO', domain: 'smtp.example.com' },
      { type: 'cmd.STARTTLS' },
      { type: 'tls.established', info: TEST_TLS },
      { type: 'cmd.AUTH', mechanism: 'LOGIN', initialResponse: undefined },
      { type: 'cmd.MAIL', from: 'alice@example.com', params: {}, utf8: false },
      { type: 'cmd.RCPT', to: 'bob@example.net', params: {}, utf8: false },
      { type: 'cmd.DATA' },
      { type: 'data.complete', result: data },
      { type: 'policy.verdict', reply: { code: 250, enhanced: '2.0.0', text: 'Ok' } },
      { type: 'cmd.QUIT' },
      { type: 'net.closed' },
    ];
    const paths = getShortestPaths(smtpServerMachine, {
      input,
      events,
      serializeState: (s) =>
        JSON.stringify([
          s.value,
          s.context.tls !== undefined,
          s.context.heloName,
          s.context.envelope?.rcptTo.length,
        ]),
    });
    const reached = reachedIds(smtpServerMachine, paths);
    expect(
      stateNodes(smtpServerMachine)
        .map((n) => n.id)
        .filter((id) => !reached.has(id)),
    ).toEqual([]);
  });
});
