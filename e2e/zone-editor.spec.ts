/**
 * The zone editor as a postmaster uses it: open example.com's zone, break the
 * SPF record (the editor flags it, explains it, and offers the fix), save,
 * send a message and watch the receiving MTA's verdicts in the trace; then
 * make the DNS fail on purpose with a pragma, and restore the zone. The page
 * runs with `?clock=manual` and the clock is advanced by hand, so nothing
 * here sleeps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

async function openTab(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
  return page.getByRole('region', { name, exact: true });
}

/** Scrolls the tools (the tab list) to the top of the page, under the sticky header, for a screenshot. */
async function showTools(page: Page): Promise<void> {
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate('document.getElementById("tab-terminal").scrollIntoView({ block: "start" })');
}

/** The receiving MTA's verdict lines in the trace (`mx.example.net mta: auth (…)`). */
function verdicts(page: Page): Locator {
  return page.getByRole('list', { name: 'Trace' }).getByRole('listitem').filter({ hasText: 'mta: auth' });
}

/** Clicks Advance until `done` holds (the paused clock runs 100 ms per click). */
async function advanceUntil(page: Page, done: () => Promise<boolean>): Promise<void> {
  const advance = page.getByRole('button', { name: 'Advance 100 ms' });
  await expect
    .poll(
      async () => {
        if (await done()) return true;
        await advance.click();
        return done();
      },
      { timeout: 40_000, intervals: [0] },
    )
    .toBe(true);
}

/** alice writes to bob from the Compose panel, and the clock runs until the MX has judged it. */
async function sendAndJudge(page: Page, subject: string): Promise<Locator> {
  const before = await verdicts(page).count();
  const compose = await openTab(page, 'Compose');
  await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
  await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
  await compose.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await compose.getByRole('textbox', { name: 'Body' }).fill('Testing the zone.');
  await compose.getByRole('button', { name: 'Send' }).click();
  await advanceUntil(page, async () => (await verdicts(page).count()) > before);
  return verdicts(page).last();
}

/** The editor's text input, focused, with the cursor at the end of the zone. */
async function focusEnd(page: Page, panel: Locator): Promise<void> {
  await panel.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
}

test.describe('zone editor', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/?clock=manual');
  });

  test('loads Monaco only when opened', async ({ page }) => {
    const scripts = () =>
      page.evaluate(
        'performance.getEntriesByType("resource").map((e) => e.name).filter((n) => /monaco/.test(n))',
      );
    expect(await scripts()).toEqual([]);
    const panel = await openTab(page, 'Zone editor');
    await expect(panel.getByRole('textbox', { name: 'Zone file of example.com' })).toBeAttached();
    expect(((await scripts()) as string[]).length).toBeGreaterThan(0);
  });

  test('breaks SPF, sees the checks, the verdicts and a bounce, then restores the zone', async ({ page }) => {
    test.setTimeout(240_000);
    const panel = await openTab(page, 'Zone editor');
    const editor = panel.getByRole('textbox', { name: 'Zone file of example.com' });
    await expect(editor).toBeAttached();
    const problems = panel.getByRole('list', { name: 'Zone diagnostics' });
    await expect(panel.getByRole('heading', { name: /Problems in example\.com: No problems/ })).toBeVisible();
    await expect(problems.getByRole('listitem')).toHaveCount(0);
    // The default world's DMARC policy for example.com is p=reject: failing mail is refused.
    const lines = panel.locator('.view-lines');
    await expect(lines).toContainText('p=reject');
    // The zone language colours the parts: a DMARC policy keyword, comments in italics.
    await expect(lines.locator('span', { hasText: /^reject$/ })).toHaveCSS('color', 'rgb(154, 52, 18)');
    await expect(lines.locator('span span', { hasText: /^;\sserial$/ })).toHaveCSS('font-style', 'italic');

    // Replace the MSA's address with +all, through Monaco's own find and replace.
    await focusEnd(page, panel);
    await page.keyboard.press('Control+H');
    await panel.getByRole('textbox', { name: 'Find' }).fill('ip4:192.0.2.25 -all');
    await panel.getByRole('textbox', { name: 'Replace' }).fill('+all');
    await panel.getByRole('button', { name: /^Replace All/ }).click();
    await page.keyboard.press('Escape');

    const passAll = problems.getByRole('listitem').filter({ hasText: '[spf-pass-all]' });
    await expect(passAll).toContainText(
      "error: '+all' gives pass to every host on the internet: anyone can send mail as example.com",
    );
    await expect(panel.getByRole('heading', { name: /Problems in example\.com: 1 error/ })).toBeVisible();
    // Monaco draws the marker: a squiggle under +all.
    await expect(panel.locator('.squiggly-error')).toHaveCount(1);
    // Hovering the mechanism explains it; qualifier and mechanism have their own colours.
    const all = lines.locator('span', { hasText: /^all$/ }).first();
    await expect(all).toHaveCSS('color', 'rgb(157, 23, 77)');
    await expect(lines.locator('span', { hasText: /^\+$/ }).first()).toHaveCSS('color', 'rgb(180, 83, 9)');
    await all.hover();
    await expect(page.locator('.monaco-hover').filter({ hasText: 'matches every sender' })).toBeVisible();
    await page.screenshot({ path: 'e2e/screenshots/zone-editor-pass-all.png' });
    await passAll.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'e2e/screenshots/zone-editor-problems.png' });

    // The quick fix turns it into -all: now no host at all may send for example.com.
    await passAll.getByRole('button').click();
    await page.keyboard.press('Control+.');
    await page.getByText('Replace with -all (fail)').click();
    await expect(lines).toContainText('"v=spf1 -all"');
    await expect(problems.getByRole('listitem')).toHaveCount(0);
    await expect(panel.locator('.squiggly-error')).toHaveCount(0);
    await page.keyboard.press('Control+S');
    await expect(
      panel.getByText(/^Saved: the name server now serves 10 records for example\.com/),
    ).toBeVisible();
    await expect(page.getByRole('list', { name: 'Trace' })).toContainText('ns: ns reloaded zone example.com');

    // SPF fails, but the MSA's DKIM signatures still pass aligned, so DMARC passes (RFC 7489 §4.2).
    const first = await sendAndJudge(page, 'SPF broken');
    await expect(first).toContainText('spf=fail');
    await expect(first).toContainText('dkim=pass,pass');
    await expect(first).toContainText('dmarc=pass');

    // Make the DNS fail for both DKIM keys with the pragmas the editor suggests: now DMARC fails too.
    const zonePanel = await openTab(page, 'Zone editor');
    await focusEnd(page, zonePanel);
    await page.keyboard.press('Enter');
    await page.keyboard.type(';@serv');
    await expect(page.locator('.suggest-widget')).toContainText(';@servfail');
    await page.keyboard.press('Enter');
    // The snippet selects its NAME placeholder; what is typed replaces it.
    await page.keyboard.insertText('rsa2026._domainkey.example.com.');
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText(';@servfail ed2026._domainkey.example.com. TXT');
    await page.keyboard.press('Escape');
    await expect(lines).toContainText(';@servfail rsa2026._domainkey.example.com. TXT');
    await expect(lines).toContainText(';@servfail ed2026._domainkey.example.com. TXT');
    await expect(zonePanel.getByRole('list', { name: 'Zone diagnostics' }).getByRole('listitem')).toHaveCount(
      0,
    );
    await zonePanel.getByRole('button', { name: 'Save zone' }).click();
    await page.screenshot({ path: 'e2e/screenshots/zone-editor-pragmas.png' });

    const second = await sendAndJudge(page, 'SPF and DKIM broken');
    await expect(second).toContainText('spf=fail');
    await expect(second).toContainText('dkim=temperror,temperror');
    await expect(second).toContainText('dmarc=fail');
    await expect(second).toContainText('disposition=reject');
    // p=reject: the MX refuses the message, and alice's server bounces it to her.
    const mailboxes = await openTab(page, 'Mailboxes');
    await mailboxes.getByRole('combobox', { name: 'User' }).selectOption('alice@example.com');
    const bounce = mailboxes
      .getByRole('table', { name: 'INBOX of alice@example.com' })
      .getByRole('button', { name: /Undelivered Mail/ });
    await advanceUntil(page, async () => (await bounce.count()) > 0);
    await bounce.first().click();
    await expect(mailboxes.getByRole('region', { name: /Undelivered Mail/ })).toContainText(
      'Message rejected due to DMARC policy (p=reject) for example.com',
    );
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/zone-editor-bounce.png' });

    // Restore the scenario's zone: SPF and DMARC pass again.
    const restored = await openTab(page, 'Zone editor');
    await restored.getByRole('button', { name: 'Revert to the scenario' }).click();
    await expect(lines).toContainText('ip4:192.0.2.25');
    await page.keyboard.press('Control+S');
    await expect(restored.getByText(/^Saved:/)).toBeVisible();
    const third = await sendAndJudge(page, 'SPF restored');
    await expect(third).toContainText('spf=pass');
    await expect(third).toContainText('dkim=pass,pass');
    await expect(third).toContainText('dmarc=pass');
    await openTab(page, 'Zone editor');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/zone-editor-restored.png' });
  });
});
