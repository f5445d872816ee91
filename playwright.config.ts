/**
 * Playwright runs the app in a real Chromium (STYLE.md §S9). Which Chromium:
 * `CHROMIUM_PATH` if set, else the system's `/usr/bin/chromium`, else the
 * browser `npx playwright install chromium` downloaded. The dev server is
 * started on a fixed port of its own so it never collides with `npm run dev`.
 */
import { existsSync } from 'node:fs';
import { chromium, defineConfig, devices } from '@playwright/test';

// E2E_PORT lets two checkouts run their tests side by side.
const PORT = Number(process.env['E2E_PORT'] ?? 5199);
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The executable to launch, or undefined for Playwright's own browser; throws when there is none. */
function chromiumExecutable(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but there is no such file.`);
    return fromEnv;
  }
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  if (existsSync(chromium.executablePath())) return undefined;
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one with `apt-get install chromium` ' +
      'or `npx playwright install chromium`, or set CHROMIUM_PATH to a Chromium executable.',
  );
}

const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  workers: 1,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        headless: true,
        launchOptions: {
          ...(executablePath === undefined ? {} : { executablePath }),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    // The production build, served statically: what users get, and no on-demand compiling that
    // makes the first test of a run slow on a busy machine.
    command: `npx vite build --logLevel warn && npx vite preview --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env['CI'],
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
