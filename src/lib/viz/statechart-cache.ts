/**
 * Each machine's chart is read and laid out once per page: the definition
 * never changes while the app runs, and ELK takes a while on a big machine.
 */
import { STATE_MACHINES } from '../../../simulators/index.ts';
import {
  chartGraph,
  elkInput,
  type ChartGraph,
  type ElkNodeJson,
  type StateDefinition,
} from './statechart.ts';

const graphs = new Map<string, ChartGraph>();
const layouts = new Map<string, Promise<ElkNodeJson>>();

/** The chart of machine `id`, or undefined for a machine the engine does not have. */
export function graphFor(id: string): ChartGraph | undefined {
  const machine = STATE_MACHINES[id];
  if (!machine) return undefined;
  let graph = graphs.get(id);
  if (!graph) {
    graph = chartGraph(id, machine.root.definition as unknown as StateDefinition);
    graphs.set(id, graph);
  }
  return graph;
}

/** ELK's layout of a chart; ELK itself is loaded on the first call. */
export function layoutFor(graph: ChartGraph): Promise<ElkNodeJson> {
  let layout = layouts.get(graph.machine);
  if (!layout) {
    layout = import('elkjs/lib/elk.bundled.js').then(
      async ({ default: ELK }) =>
        (await new ELK().layout(elkInput(graph) as never)) as unknown as ElkNodeJson,
    );
    layouts.set(graph.machine, layout);
  }
  return layout;
}
