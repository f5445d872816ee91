/**
 * The app shell as a learner uses it: the map shows the default world, the
 * clock plays and pauses, and a DNS lookup travels over the network one
 * step at a time. `?clock=manual` makes every frame of playback a fixed slice
 * of virtual time, and stepping is explicit, so nothing here sleeps.
 */
import { expect, test, type Page } from '@playwright/test';

const DEFAULT_HOSTS = ['alice-laptop', 'smtp.example.com', 'mx.example.net', 'bob-laptop', 'ns'];

/** Resolves after the page has painted two more frames (a frame barrier, not a sleep). */
async function twoFrames(page: Page): Promise<void> {
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The DNS panel, after choosing its tab among the tools. */
async function openDnsPanel(page: Page) {
  await page.getByRole('tab', { name: 'DNS lookup' }).click();
  return page.getByRole('region', { name: 'DNS lookup' });
}

test.describe('app shell', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/?clock=manual');
  });

  test('shows the default world on the network map', async ({ page }) => {
    await expect(page).toHaveTitle('Mailroom');
    await expect(page.getByRole('heading', { level: 1, name: 'Mailroom' })).toBeVisible();
    const map = page.getByRole('group', { name: 'Network map' });
    const hosts = map.getByRole('list', { name: 'Hosts' }).getByRole('listitem');
    await expect(hosts).toHaveCount(DEFAULT_HOSTS.length);
    for (const id of DEFAULT_HOSTS)
      await expect(map.getByRole('listitem', { name: new RegExp(`^${escapeRegExp(id)},`) })).toBeVisible();
    await expect(map.getByRole('listitem', { name: /^mx\.example\.net,/ })).toHaveAccessibleName(
      /^mx\.example\.net, Incoming mail server, 198\.51\.100\.25, roles .*\bMTA\b.*\bIMAP\b/,
    );
    await expect(map.getByRole('listitem', { name: 'mx.example.net to ns, 15 ms' })).toBeVisible();
  });

  test('plays, pauses and resets the virtual clock', async ({ page }) => {
    const clock = page.getByRole('timer', { name: 'Virtual time' });
    await expect(clock).toHaveText('00:00.000');

    await page.getByRole('button', { name: 'Play' }).click();
    await expect(clock).not.toHaveText('00:00.000');
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    const paused = await clock.textContent();
    await twoFrames(page);
    await expect(clock).toHaveText(paused ?? '');

    await page.getByRole('button', { name: 'Advance 100 ms' }).click();
    const advanced = Number((paused ?? '').replace(/\D/g, '')) + 100;
    await expect(clock).toHaveText(
      `00:${String(Math.floor(advanced / 1000)).padStart(2, '0')}.${String(advanced % 1000).padStart(3, '0')}`,
    );

    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(clock).toHaveText('00:00.000');

    await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
    await expect(page.getByRole('combobox', { name: 'Speed' })).toHaveValue('10');
  });

  test('steps a DNS lookup from mx.example.net to the name server and back', async ({ page }) => {
    const clock = page.getByRole('timer', { name: 'Virtual time' });
    const step = page.getByRole('button', { name: 'Step' });
    const trace = page.getByRole('list', { name: 'Trace' });
    const panel = await openDnsPanel(page);

    await panel.getByRole('combobox', { name: 'From host' }).selectOption('mx.example.net');
    await panel.getByRole('textbox', { name: 'Name' }).fill('example.net');
    await panel.getByRole('combobox', { name: 'Type' }).selectOption('MX');
    await panel.getByRole('button', { name: 'Look up' }).click();

    await expect(trace.getByRole('listitem').last()).toContainText('dns.query');
    await expect(trace.getByRole('listitem').last()).toContainText(
      'ns ← mx.example.net: MX example.net? (asked in the DNS panel)',
    );
    await expect(panel).toContainText('waiting for the answer');
    await expect(step).toBeEnabled();

    // Step until the answer is in the trace. The query reaches the name
    // server after the link's 15 ms, and the answer is back 15 ms later.
    const answers = trace.getByRole('listitem').filter({ hasText: 'dns.answer' });
    const seen: string[] = [];
    for (let i = 0; i < 50 && (await answers.count()) === 0; i++) {
      await step.click();
      const time = (await clock.textContent()) ?? '';
      if (time === '00:00.015' && !seen.includes(time)) {
        await expect(panel).toContainText('waiting for the answer');
        await page.screenshot({ path: 'e2e/screenshots/shell.png' });
      }
      seen.push(time);
    }
    expect(seen).toContain('00:00.015');
    expect(seen.at(-1)).toBe('00:00.030');
    await expect(clock).toHaveText('00:00.030');

    await expect(answers).toHaveCount(1);
    await expect(answers).toContainText('t=30 ms');
    await expect(answers).toContainText('ns → mx.example.net: example.net. MX 10 mx.example.net.');
    await expect(panel.getByRole('list', { name: 'Answer records' })).toHaveText(
      'example.net. MX 10 mx.example.net.',
    );
    await expect(panel).toContainText('NOERROR');
    await expect(panel).toContainText('query time 30 ms');
    // The live status line counts what the list shows.
    const count = await trace.getByRole('listitem').count();
    await expect(page.getByRole('region', { name: 'Trace' }).getByText(/^\d+ events?$/)).toHaveText(
      `${count} events`,
    );
  });

  test('answers NXDOMAIN for a name no zone has', async ({ page }) => {
    const panel = await openDnsPanel(page);
    await panel.getByRole('combobox', { name: 'From host' }).selectOption('smtp.example.com');
    await panel.getByRole('textbox', { name: 'Name' }).fill('nowhere.example.net');
    await panel.getByRole('combobox', { name: 'Type' }).selectOption('A');
    await panel.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('button', { name: 'Advance 100 ms' }).click();
    await expect(panel).toContainText('NXDOMAIN');
  });

  test('works from the keyboard', async ({ page }) => {
    const clock = page.getByRole('timer', { name: 'Virtual time' });
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Play' })).toBeFocused();

    // Space on the page (not on a button) toggles playback.
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await expect(clock).not.toHaveText('00:00.000');
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();

    // The tools are tabs: arrow keys move between them (Left wraps to the last, DMARC).
    await page.getByRole('tab', { name: 'Terminal' }).focus();
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('tab', { name: 'DMARC' })).toBeFocused();
    await expect(page.getByRole('tab', { name: 'DMARC' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Home');
    await expect(page.getByRole('tab', { name: 'Terminal' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('tab', { name: 'Zone editor' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('tab', { name: 'DNS lookup' })).toHaveAttribute('aria-selected', 'true');

    // N steps to the next event; typing an n in the name field does not.
    await page.getByRole('button', { name: 'Reset' }).click();
    const panel = page.getByRole('region', { name: 'DNS lookup' });
    await panel.getByRole('combobox', { name: 'From host' }).selectOption('mx.example.net');
    const name = panel.getByRole('textbox', { name: 'Name' });
    await name.fill('example.ne');
    await name.press('t');
    await name.press('n');
    await expect(name).toHaveValue('example.netn');
    await name.fill('example.net');
    await name.press('Enter');
    await expect(clock).toHaveText('00:00.000');
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('n');
    await expect(clock).toHaveText('00:00.015');
  });

  test('shows a DNS query in flight on the map, as a still marker under reduced motion', async ({ page }) => {
    const panel = await openDnsPanel(page);
    await panel.getByRole('combobox', { name: 'From host' }).selectOption('mx.example.net');
    await panel.getByRole('button', { name: 'Look up' }).click();
    const map = page.getByRole('region', { name: 'Network' });
    await expect(map).toContainText('1 DNS query in flight: MX example.net? from mx.example.net');
    await expect(map.locator('.flight.query')).toHaveCount(1);

    await page.emulateMedia({ reducedMotion: 'reduce' });
    await expect(map.locator('.flight.static')).toHaveCount(1);
    await expect(map.locator('.flight.query')).toHaveCount(0);

    await page.getByRole('button', { name: 'Advance 100 ms' }).click();
    await expect(map.locator('.flight')).toHaveCount(0);
  });

  test('stacks the panels at 1024 wide', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const map = page.getByRole('group', { name: 'Network map' });
    await expect(map.getByRole('listitem', { name: /^bob-laptop,/ })).toBeInViewport();
    const mapBox = await map.boundingBox();
    const traceBox = await page.getByRole('region', { name: 'Trace' }).boundingBox();
    expect(mapBox && traceBox && traceBox.y > mapBox.y + mapBox.height).toBe(true);
    await page.screenshot({ path: 'e2e/screenshots/shell-1024.png', fullPage: true });
  });
});
