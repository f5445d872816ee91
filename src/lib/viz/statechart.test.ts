import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { PRESETS, STATE_MACHINES, World } from '../../../simulators/index.ts';
import {
  ANY,
  chartGraph,
  elkInput,
  sessionPath,
  type ElkNodeJson,
  type StateDefinition,
} from './statechart.ts';

function graphOf(id: string) {
  return chartGraph(id, STATE_MACHINES[id]!.root.definition as unknown as StateDefinition);
}

describe('chartGraph', () => {
  it('reads the SMTP server’s protocol region: nested states and labelled transitions', () => {
    const g = graphOf('smtpServer');
    expect(g.states.map((s) => s.path)).toContain('greeted');
    const mail = g.states.find((s) => s.path === 'mailTransaction')!;
    expect(mail.children.map((c) => c.path)).toEqual([
      'mailTransaction.awaitingRecipients',
      'mailTransaction.hasRecipients',
    ]);
    expect(g.states.find((s) => s.initial)!.path).toBe('awaitingHelo');
    expect(g.transitions).toContainEqual(
      expect.objectContaining({ source: 'greeted', target: 'mailTransaction', events: ['cmd.MAIL'] }),
    );
    expect(g.transitions).toContainEqual(expect.objectContaining({ source: ANY, target: 'closing' }));
    // Transitions without a target change no state and are not drawn.
    expect(g.transitions.every((t) => t.target !== '')).toBe(true);
  });

  it('reads every protocol machine', () => {
    for (const id of Object.keys(STATE_MACHINES)) {
      const g = graphOf(id);
      expect(g.states.length, id).toBeGreaterThan(2);
      expect(g.transitions.length, id).toBeGreaterThan(2);
    }
  });
});

describe('sessionPath', () => {
  it('follows the submission server from the trace, transitions included', () => {
    const world = new World(PRESETS['default']);
    world.send('alice@example.com', { to: ['bob@example.net'], subject: 'x', body: 'y\n' });
    world.runUntilIdle();
    const start = world.trace.events.find(
      (e) => e.type === 'session.start' && e.machine === 'smtpServer' && e.host === 'smtp.example.com',
    )!;
    const session = start.type === 'session.start' ? start.session : '';
    const g = graphOf('smtpServer');
    const path = sessionPath(world.trace.events, session, g);
    expect(path.steps.map((s) => s.state).slice(0, 3)).toEqual(['awaitingHelo', 'greeted', 'awaitingTls']);
    expect(path.current).toBe('closing');
    expect(path.visited).toContain('mailTransaction');
    expect(path.visited).toContain('mailTransaction.hasRecipients');
    expect(path.taken).toContain('greeted→mailTransaction');
    expect(path.taken).toContain('mailTransaction.hasRecipients→receivingData');
    expect(path.taken).toContain(`${ANY}→closing`);
  });
});

describe('elkInput', () => {
  it('lays out with ELK: every state placed, every transition routed', async () => {
    const g = graphOf('smtpServer');
    const out = (await new ELK().layout(elkInput(g) as never)) as unknown as ElkNodeJson;
    const placed: ElkNodeJson[] = [];
    const walk = (n: ElkNodeJson) => {
      for (const c of n.children ?? []) {
        placed.push(c);
        walk(c);
      }
    };
    walk(out);
    expect(placed.length).toBeGreaterThan(g.states.length);
    for (const n of placed) expect(n.x).toBeTypeOf('number');
    expect(out.edges).toHaveLength(g.transitions.length);
    for (const e of out.edges!) expect(e.sections?.[0]?.startPoint).toBeDefined();
  });
});
