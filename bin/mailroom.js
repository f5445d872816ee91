#!/usr/bin/env node
// The `mailroom` command. The CLI is TypeScript shared with the engine; tsx
// compiles it on load, so the checkout runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
