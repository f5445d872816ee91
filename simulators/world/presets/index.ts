import type { ScenarioInput } from '../scenario.ts';
import { defaultScenario } from './default.ts';
import { dmarcRolloutScenario } from './dmarc-rollout.ts';

/** Built-in scenarios by name; lessons and the CLI refer to these. */
export const PRESETS: Readonly<Record<string, ScenarioInput>> = {
  default: defaultScenario,
  'dmarc-rollout': dmarcRolloutScenario,
};
