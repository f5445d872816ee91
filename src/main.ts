/** Entry point: mounts the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** `?clock=manual`: the test mode where each frame of playback is a fixed slice of virtual time. */
const params = new URLSearchParams(location.search);
const clock = params.get('clock') === 'manual' ? 'manual' : 'wall';
/** `?scenario=dmarc-rollout`: a built-in scenario by name (an unknown name gets the default world). */
const scenario = params.get('scenario') ?? undefined;

export default mount(App, { target, props: { clock, ...(scenario ? { scenario } : {}) } });
