/**
 * The state chart of a protocol session, drawn from the XState machine
 * definition itself (so the drawing cannot drift from the code), laid out by
 * ELK, with the path a session took read from the trace.
 *
 * Machines with parallel regions (a protocol region beside an idle timer)
 * are drawn by their protocol region, the one whose state the trace records.
 */
import type { TraceEvent } from '../../../simulators/index.ts';

/** The parts of an XState state-node definition the chart reads. */
export interface StateDefinition {
  readonly id: string;
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly states: Readonly<Record<string, StateDefinition>>;
  readonly transitions: readonly {
    readonly eventType: string;
    readonly target?: readonly { readonly id: string }[] | undefined;
  }[];
  readonly initial?: { readonly target: readonly { readonly id: string }[] } | undefined;
}

export interface ChartState {
  /** Dotted path inside the drawn region, as the trace writes it (`mailTransaction.awaitingRecipients`). */
  readonly path: string;
  readonly label: string;
  readonly children: readonly ChartState[];
  readonly final: boolean;
  readonly initial: boolean;
}

export interface ChartTransition {
  readonly id: string;
  /** A state path, or ANY for transitions the whole region takes from any state. */
  readonly source: string;
  readonly target: string;
  readonly events: readonly string[];
}

export interface ChartGraph {
  readonly machine: string;
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
}

/** The pseudo-state for transitions a region takes whatever state it is in. */
export const ANY = '(any state)';

/**
 * The region the trace's `session.state` follows: the `protocol` region of a
 * parallel state wherever it is (the SMTP server's is at the root, the IMAP
 * server's under `active`), else the root; with the states above it.
 */
interface Region {
  readonly region: StateDefinition;
  readonly ancestors: StateDefinition[];
}

function mainRegion(root: StateDefinition): Region {
  const find = (node: StateDefinition, trail: StateDefinition[]): Region | undefined => {
    if (node.type === 'parallel' && node.states['protocol'])
      return { region: node.states['protocol'], ancestors: [...trail, node] };
    for (const child of Object.values(node.states)) {
      const found = find(child, [...trail, node]);
      if (found) return found;
    }
    return undefined;
  };
  return find(root, []) ?? { region: root, ancestors: [] };
}

/** `xstate.after.idleTimeout.smtpServer.idleTimer.running` → `after idleTimeout`. */
function eventLabel(eventType: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${after[1]}`;
  return eventType.replace(/^xstate\.done\.actor\./, 'done ');
}

/** Reads the chart's states and transitions out of a machine's root definition. */
export function chartGraph(machine: string, root: StateDefinition): ChartGraph {
  const { region, ancestors } = mainRegion(root);
  const prefix = `${region.id}.`;
  // States beside the region's ancestors (the IMAP server's final `logout`) are drawn next to the region's.
  const outside = new Map<string, StateDefinition>();
  for (const a of ancestors)
    for (const c of Object.values(a.states))
      if (
        c !== region &&
        !ancestors.includes(c) &&
        c.type !== 'parallel' &&
        Object.keys(c.states).length === 0
      )
        outside.set(c.id, c);
  const pathOf = (id: string) =>
    id.startsWith(prefix) ? id.slice(prefix.length) : outside.has(id) ? outside.get(id)!.key : undefined;
  const edges = new Map<string, { source: string; target: string; events: string[] }>();

  const visit = (node: StateDefinition, source: string): void => {
    for (const t of node.transitions) {
      for (const target of t.target ?? []) {
        const to = pathOf(target.id);
        if (to === undefined) continue;
        const key = `${source}→${to}`;
        const edge = edges.get(key) ?? { source, target: to, events: [] };
        const label = eventLabel(t.eventType);
        if (!edge.events.includes(label)) edge.events.push(label);
        edges.set(key, edge);
      }
    }
  };

  const build = (node: StateDefinition, initialIds: readonly string[]): ChartState => {
    const path = pathOf(node.id) ?? node.key;
    visit(node, path);
    const childInitial = node.initial?.target.map((t) => t.id) ?? [];
    return {
      path,
      label: node.key,
      final: node.type === 'final',
      initial: initialIds.includes(node.id),
      children: Object.values(node.states).map((c) => build(c, childInitial)),
    };
  };

  for (const a of [...ancestors, region]) visit(a, ANY);
  const initial = region.initial?.target.map((t) => t.id) ?? [];
  const states = [...Object.values(region.states), ...outside.values()].map((s) => build(s, initial));
  const transitions = [...edges.values()].map((e, i) => ({ id: `t${i}`, ...e }));
  return { machine, states, transitions };
}

/** What one session did: where it is now, where it has been, which transitions it took. */
export interface SessionPath {
  readonly current: string | undefined;
  readonly visited: ReadonlySet<string>;
  /** `source→target` keys of the transitions taken (any ancestor of the source counts). */
  readonly taken: ReadonlySet<string>;
  readonly steps: readonly { readonly state: string; readonly event: string; readonly at: number }[];
  readonly ended: boolean;
}

/** The states a path passes through, with their ancestors (`a.b` → `a`, `a.b`). */
function withAncestors(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

type SessionStart = Extract<TraceEvent, { type: 'session.start' }>;
type Step = SessionPath['steps'][number];

/** The sessions of a trace and each one's states, read by increments (a view calls it every frame). */
export class SessionIndex {
  readonly starts: SessionStart[] = [];
  readonly #steps = new Map<string, Step[]>();
  readonly #ended = new Set<string>();
  #seen = 0;

  /** Reads the events not seen yet; returns whether anything changed. */
  update(events: readonly TraceEvent[]): boolean {
    const before = this.#seen;
    for (let i = this.#seen; i < events.length; i++) {
      const e = events[i]!;
      if (e.type === 'session.start') this.starts.push(e);
      else if (e.type === 'session.state') {
        let steps = this.#steps.get(e.session);
        if (!steps) this.#steps.set(e.session, (steps = []));
        steps.push({ state: e.state, event: e.event, at: e.at });
      } else if (e.type === 'session.end') this.#ended.add(e.session);
    }
    this.#seen = events.length;
    return events.length !== before;
  }

  steps(session: string): readonly Step[] {
    return this.#steps.get(session) ?? [];
  }

  ended(session: string): boolean {
    return this.#ended.has(session);
  }
}

/** Reads a session's path from the trace. */
export function sessionPath(events: readonly TraceEvent[], session: string, graph: ChartGraph): SessionPath {
  const index = new SessionIndex();
  index.update(events);
  return pathOf(index.steps(session), index.ended(session), graph);
}

/** A session's path from its steps. */
export function pathOf(steps: readonly Step[], ended: boolean, graph: ChartGraph): SessionPath {
  const visited = new Set<string>();
  const taken = new Set<string>();
  const edgeKeys = new Set(graph.transitions.map((t) => `${t.source}→${t.target}`));
  let previous: string | undefined;
  for (const step of steps) {
    for (const p of withAncestors(step.state)) visited.add(p);
    if (previous !== undefined) {
      // The transition may be declared on the state, on an ancestor, or on the whole region.
      const sources = [...withAncestors(previous).reverse(), ANY];
      const targets = withAncestors(step.state).reverse();
      search: for (const s of sources) {
        for (const t of targets) {
          if (edgeKeys.has(`${s}→${t}`)) {
            taken.add(`${s}→${t}`);
            break search;
          }
        }
      }
    }
    previous = step.state;
  }
  return { current: steps.at(-1)?.state, visited, taken, steps, ended };
}

/** ELK's JSON graph, as much as the chart uses. */
export interface ElkNodeJson {
  id: string;
  width?: number;
  height?: number;
  x?: number;
  y?: number;
  children?: ElkNodeJson[];
  edges?: ElkEdgeJson[];
  labels?: { text: string; width: number; height: number; x?: number; y?: number }[];
  layoutOptions?: Record<string, string>;
}

export interface ElkEdgeJson {
  id: string;
  sources: string[];
  targets: string[];
  labels?: { text: string; width: number; height: number; x?: number; y?: number }[];
  sections?: {
    startPoint: { x: number; y: number };
    endPoint: { x: number; y: number };
    bendPoints?: { x: number; y: number }[];
  }[];
}

const CHAR_WIDTH = 7.2;

/** The graph as ELK input: states as (nested) nodes, transitions as labelled edges, coordinates absolute. */
export function elkInput(graph: ChartGraph): ElkNodeJson {
  const node = (s: ChartState): ElkNodeJson =>
    s.children.length > 0
      ? {
          id: s.path,
          labels: [{ text: s.label, width: s.label.length * CHAR_WIDTH, height: 16 }],
          layoutOptions: { 'elk.padding': '[top=30,left=14,bottom=14,right=14]' },
          children: s.children.map(node),
        }
      : { id: s.path, width: Math.max(90, s.label.length * CHAR_WIDTH + 28), height: 34 };
  const hasAny = graph.transitions.some((t) => t.source === ANY);
  const children = graph.states.map(node);
  if (hasAny) children.unshift({ id: ANY, width: ANY.length * CHAR_WIDTH + 28, height: 34 });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '46',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.inline': 'false',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
    },
    children,
    edges: graph.transitions.map((t) => {
      const text =
        t.events.length > 2
          ? `${t.events.slice(0, 2).join(', ')} +${t.events.length - 2}`
          : t.events.join(', ');
      return {
        id: t.id,
        sources: [t.source],
        targets: [t.target],
        labels: [{ text, width: text.length * 6.2, height: 14 }],
      };
    }),
  };
}
