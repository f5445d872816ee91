/** Entry point: mounts the app. */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** `?clock=manual`: the test mode where each frame of playback is a fixed slice of virtual time. */
const clock = new URLSearchParams(location.search).get('clock') === 'manual' ? 'manual' : 'wall';

export default mount(App, { target, props: { clock } });
