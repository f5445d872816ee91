/**
 * The Simulation is given to the component tree once, by App, and read by any
 * component that needs it; typed both ways by Svelte's `createContext`.
 */
import { createContext } from 'svelte';
import type { Simulation } from './simulation.svelte.ts';

/** `getSimulation()` in a component; `setSimulation(sim)` once, in App. */
export const [getSimulation, setSimulation] = createContext<Simulation>();
