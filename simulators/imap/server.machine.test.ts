/**
 * The IMAP server machine on its own: pure steps with `initialTransition` /
 * `transition`, and reachability of every state node through
 * `getShortestPaths` from `xstate/graph` (STYLE §S5.2, §S5.6).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyStateNode } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { parseCommand, type ImapCommand } from './codec/index.ts';
import { DEFAULT_IMAP_SERVER_CONFIG } from './server-config.ts';
import {
  imapServerMachine,
  type ImapCommandEvent,
  type ImapServerEvent,
  type ImapServerInput,
} from './server.machine.ts';
import { EPOCH, makeStore, TEST_TLS } from './test-fixtures.ts';

const input = (implicitTls = false): ImapServerInput => ({
  config: { ...DEFAULT_IMAP_SERVER_CONFIG, hostname: 'imap.example.net' },
  store: makeStore(),
  now: () => EPOCH,
  nonce: () => '1.2',
  ...(implicitTls ? { implicitTls: true } : {}),
});

function cmd(text: string): ImapCommandEvent {
  const parsed = parseCommand(text);
  if (parsed.kind !== 'command') throw new Error(parsed.message);
  const command: ImapCommand = parsed.command;
  return { type: `cmd.${command.name}`, command } as ImapCommandEvent;
}

/** The `xstate.emit` actions of a step (named emit actions resolve to these). */
const emits = (actions: readonly { type: string }[]) => actions.filter((a) => a.type === 'xstate.emit');

describe('imapServerMachine (pure steps)', () => {
  it('starts in notAuthenticated and greets (RFC 3501 §7.1.1)', () => {
    const [snapshot, actions] = initialTransition(imapServerMachine, input());
    expect(snapshot.value).toEqual({
      active: { protocol: { notAuthenticated: 'ready' }, idleTimer: 'running' },
    });
    expect(emits(actions)).toHaveLength(1);
  });

  it('moves to authenticated on LOGIN and to selected on SELECT, with the account and view in context (RFC 9051 §3)', () => {
    const [start] = initialTransition(imapServerMachine, input());
    const [afterLogin] = transition(imapServerMachine, start, cmd('a LOGIN bob@example.net secret'));
    expect(afterLogin.value).toEqual({
      active: { protocol: { authenticated: 'ready' }, idleTimer: 'running' },
    });
    expect(afterLogin.context.account?.address).toBe('bob@example.net');
    const [afterSelect] = transition(imapServerMachine, afterLogin, cmd('b SELECT INBOX'));
    expect(afterSelect.value).toEqual({ active: { protocol: { selected: 'ready' }, idleTimer: 'running' } });
    expect(afterSelect.context.selected?.mailbox.name).toBe('INBOX');
    const [afterClose] = transition(imapServerMachine, afterSelect, cmd('c UNSELECT'));
    expect(afterClose.value).toEqual({
      active: { protocol: { authenticated: 'ready' }, idleTimer: 'running' },
    });
    expect(afterClose.context.selected).toBeUndefined();
  });

  it('leaves state and context alone for a command of another state (RFC 9051 §3)', () => {
    const [start] = initialTransition(imapServerMachine, input());
    const [after, actions] = transition(imapServerMachine, start, cmd('a FETCH 1 FLAGS'));
    expect(after.value).toEqual(start.value);
    expect(after.context).toEqual(start.context);
    expect(emits(actions)).toHaveLength(2);
  });
});

describe('imapServerMachine reachability (STYLE §S5.6)', () => {
  it('reaches every state node', () => {
    const events: ImapServerEvent[] = [
      cmd('a LOGIN bob@example.net secret'),
      cmd('a AUTHENTICATE PLAIN'),
      cmd('a STARTTLS'),
      cmd('a SELECT INBOX'),
      cmd('a IDLE'),
      cmd('a LOGOUT'),
      { type: 'line.received', text: 'DONE' },
      { type: 'tls.established', info: TEST_TLS },
    ];
    const reached = new Set<string>();
    for (const implicit of [false, true]) {
      const paths = getShortestPaths(imapServerMachine, { input: input(implicit), events });
      for (const p of paths) for (const id of p.state._nodes.map((n: AnyStateNode) => n.id)) reached.add(id);
    }
    const all = new Set<string>();
    // `greeting` is transient (an `always` choice between greeting now and awaiting the TLS handshake).
    const walk = (node: AnyStateNode) => {
      if (node.always === undefined) all.add(node.id);
      for (const child of Object.values(node.states)) walk(child);
    };
    walk(imapServerMachine.root);
    expect([...all].filter((id) => !reached.has(id))).toEqual([]);
  });
});
