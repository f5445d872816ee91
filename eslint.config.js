import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

// Banned inside the engine: anything that reads real time, real randomness or
// talks to the outside. Time comes from the virtual clock, randomness from the
// world's seeded PRNG, logging goes to the trace (STYLE.md §S2).
const engineGlobals = [
  ['Date', 'Use the virtual clock (net/clock.ts).'],
  ['performance', 'Use the virtual clock (net/clock.ts).'],
  ['setTimeout', 'Schedule on the virtual clock instead.'],
  ['setInterval', 'Schedule on the virtual clock instead.'],
  ['setImmediate', 'Schedule on the virtual clock instead.'],
  ['queueMicrotask', 'Schedule on the virtual clock instead.'],
  ['fetch', 'The engine does no I/O.'],
  ['console', 'Append to the trace instead.'],
  ['window', 'The engine has no DOM.'],
  ['document', 'The engine has no DOM.'],
  ['process', 'The engine runs in the browser too.'],
  ['Buffer', 'Use Uint8Array (core/bytes.ts).'],
].map(([name, message]) => ({ name, message }));

const uiLibraries = [
  'svelte',
  'svelte/*',
  'd3',
  'd3-*',
  'monaco-editor',
  'monaco-editor/*',
  '@xterm/*',
  'xterm',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },
  {
    files: ['simulators/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', ...engineGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded PRNG (core/random.ts).' },
        { object: 'crypto', property: 'getRandomValues', message: 'Use the seeded PRNG (core/random.ts).' },
        { object: 'globalThis', property: 'setTimeout', message: 'Schedule on the virtual clock instead.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '../src/*', '../../src/*'],
              message: 'The engine may not import the app.',
            },
            { group: uiLibraries, message: 'The engine has no UI libraries (STYLE.md §S2).' },
            { group: ['node:*'], message: 'The engine runs in the browser too: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // Protocol engines are driven by the runtime; they never reach into the
    // network or into each other.
    files: ['simulators/smtp/**/*.ts', 'simulators/pop3/**/*.ts', 'simulators/imap/**/*.ts'],
    // Tests may use the scheduler as a clock.
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/net/*', '../net/*'], message: 'Protocols are driven by net/, not the reverse.' },
            {
              group: ['../smtp/*', '../pop3/*', '../imap/*'],
              message: 'Protocols do not import each other.',
            },
            { group: uiLibraries, message: 'The engine has no UI libraries (STYLE.md §S2).' },
            { group: ['node:*'], message: 'The engine runs in the browser too: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // Engine tests run in Node: they may read conformance files and start real clients.
    files: ['simulators/**/*.test.ts', 'simulators/test/**/*.ts', 'simulators/**/testing/**/*.ts'],
    rules: {
      'no-restricted-globals': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '../src/*', '../../src/*'],
              message: 'The engine may not import the app.',
            },
            { group: uiLibraries, message: 'The engine has no UI libraries (STYLE.md §S2).' },
          ],
        },
      ],
    },
  },
  {
    // The app reaches the engine only through its public surface.
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+simulators/(?!index(\\.ts)?$)',
              message: 'Import the engine through simulators/index.ts only.',
            },
          ],
        },
      ],
    },
  },
);
