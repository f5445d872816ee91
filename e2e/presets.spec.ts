/**
 * The teaching presets as a learner meets them: pick one, send its mail, see
 * what the receiving server made of it and that the preset is "Not fixed
 * yet", read the hint and the solution, apply the fix, send again and see
 * "Fixed". The page runs with `?clock=manual`, so playback advances a fixed
 * slice of virtual time per frame and nothing here sleeps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

async function pickScenario(page: Page, title: string): Promise<Locator> {
  const picker = page.getByRole('region', { name: 'Scenario' });
  await picker.getByRole('combobox', { name: 'Scenario' }).selectOption({ label: title });
  await expect(picker.getByRole('heading', { name: title })).toBeVisible();
  return picker;
}

/** Plays the clock at 10× until `done` holds, then pauses. */
async function playUntil(page: Page, done: () => Promise<void>): Promise<void> {
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('10');
  await page.getByRole('button', { name: 'Play' }).click();
  await done();
  await page.getByRole('button', { name: 'Pause' }).click();
}

test.describe('teaching presets', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/?clock=manual');
  });

  test('SPF without the new server: fails, shows why, and is fixed by the documented record', async ({
    page,
  }) => {
    const picker = await pickScenario(page, 'SPF: mail bounces after a server move');
    const status = picker.getByRole('status', { name: 'Scenario status' });
    const seen = picker.getByRole('list', { name: 'What the check sees' });
    await expect(status).toHaveText('Not fixed yet');
    await expect(picker).toContainText('moved its outgoing mail to a new server');
    await expect(seen).toContainText('has been checked yet');
    // Hint and solution stay hidden until asked for.
    await expect(picker.getByRole('region', { name: 'Hint' })).toBeHidden();
    await expect(picker.getByRole('region', { name: 'Solution' })).toBeHidden();

    await picker.getByRole('button', { name: 'Send the scenario’s mail' }).click();
    await playUntil(page, () =>
      expect(seen).toContainText('spf=fail dkim=none dmarc=fail; refused', { timeout: 30_000 }),
    );
    await expect(status).toHaveText('Not fixed yet');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: 'e2e/screenshots/preset-not-fixed.png' });

    await picker.getByRole('button', { name: 'Show hint' }).click();
    const hint = picker.getByRole('region', { name: 'Hint' });
    await expect(hint).toBeVisible();
    await expect(hint).toContainText('Which address did the message come from');
    await expect(picker.getByRole('button', { name: 'Hide hint' })).toHaveAttribute('aria-expanded', 'true');
    await expect(picker.getByRole('region', { name: 'Solution' })).toBeHidden();

    await picker.getByRole('button', { name: 'Show solution' }).click();
    const solution = picker.getByRole('region', { name: 'Solution' });
    await expect(solution).toContainText('v=spf1 ip4:192.0.2.25 -all');
    await solution.getByRole('button', { name: 'Apply the solution' }).click();
    await expect(solution.getByRole('status')).toContainText('Applied to the zone in DNS');
    // The fixed record is what the name server now answers.
    const dns = page.getByRole('tab', { name: 'DNS lookup' });
    await dns.click();
    const panel = page.getByRole('region', { name: 'DNS lookup', exact: true });
    await panel.getByRole('textbox', { name: 'Name' }).fill('example.com');
    await panel.getByRole('combobox', { name: 'Type' }).selectOption('TXT');
    await panel.getByRole('button', { name: 'Look up' }).click();
    await playUntil(page, () =>
      expect(panel).toContainText('v=spf1 ip4:192.0.2.25 -all', { timeout: 30_000 }),
    );

    await picker.getByRole('button', { name: 'Send the scenario’s mail' }).click();
    await playUntil(page, () => expect(status).toHaveText('Fixed', { timeout: 30_000 }));
    await expect(seen).toContainText('spf=pass dkim=none dmarc=pass; accepted');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: 'e2e/screenshots/preset-fixed.png' });
  });

  test('a mailing list preset shows its list host on the map, and its fix restarts the world', async ({
    page,
  }) => {
    const picker = await pickScenario(page, 'DKIM: a mailing list adds a footer');
    await expect(
      page
        .getByRole('group', { name: 'Network map' })
        .getByRole('listitem', { name: /^lists\.example\.org, Mailing list server/ }),
    ).toBeVisible();
    await picker.getByRole('button', { name: 'Send the scenario’s mail' }).click();
    const seen = picker.getByRole('list', { name: 'What the check sees' });
    await playUntil(page, () =>
      expect(seen).toContainText('dkim=fail,fail dmarc=fail; refused', { timeout: 30_000 }),
    );
    await page.screenshot({ path: 'e2e/screenshots/preset-list.png', fullPage: true });

    await picker.getByRole('button', { name: 'Show solution' }).click();
    await picker.getByRole('button', { name: 'Apply the solution' }).click();
    await expect(page.getByRole('timer', { name: 'Virtual time' })).toHaveText('00:00.000');
    await picker.getByRole('button', { name: 'Send the scenario’s mail' }).click();
    await playUntil(page, () =>
      expect(picker.getByRole('status', { name: 'Scenario status' })).toHaveText('Fixed', {
        timeout: 30_000,
      }),
    );

    // Back to the default world: the preset's panel goes.
    await picker
      .getByRole('combobox', { name: 'Scenario' })
      .selectOption({ label: 'The default world: alice writes to bob' });
    await expect(picker.getByRole('status', { name: 'Scenario status' })).toHaveCount(0);
  });
});
