import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'simulators',
          environment: 'node',
          include: ['simulators/**/*.test.ts', 'lessons/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'cli',
          environment: 'node',
          include: ['src/cli/**/*.test.ts'],
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'src',
          environment: 'jsdom',
          include: ['src/**/*.test.ts'],
          exclude: ['src/cli/**'],
        },
      },
    ],
  },
});
