/**
 * The DMARC rollout as a domain owner follows it: the page loads the
 * dmarc-rollout world (`?scenario=dmarc-rollout`), the learner runs the
 * clock a simulated day, and the day's aggregate report from mx.example.net
 * shows in the DMARC reports panel as a table, one row per source, with the
 * raw XML beside it. The clock runs as fast as the machine allows; nothing
 * here sleeps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

/** Opens the DMARC tab; its panel is the region "DMARC reports". */
async function openDmarc(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: 'DMARC', exact: true }).click();
  await expect(page.getByRole('tab', { name: 'DMARC', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  return page.getByRole('region', { name: 'DMARC reports', exact: true });
}

test.describe('DMARC reports in the app', () => {
  test('a simulated day of mail ends with a report the domain owner can read (RFC 9990)', async ({
    page,
  }) => {
    await page.goto('/?clock=manual&scenario=dmarc-rollout');
    // The rollout's world on the map: the domain's own server, a newsletter service, a forwarder, a spoofer.
    for (const host of [
      'smtp.example.com',
      'mta.newsletter.example',
      'mx.alumni.example',
      'mail.phish.example',
    ])
      await expect(page.getByText(host, { exact: true }).first()).toBeVisible();
    await page.screenshot({ path: 'test-results/dmarc-rollout-map.png' });
    const panel = await openDmarc(page);
    await expect(panel.getByText(/No report yet\. mx\.example\.net mails each day's report/)).toBeVisible();

    await panel.getByRole('button', { name: 'Run one day' }).click();
    const table = panel.getByRole('table', { name: 'Records of the report of Mon 30 Nov 2026' });
    await expect(table).toBeVisible({ timeout: 45_000 });
    await expect(panel.getByText('Now: day 2, 00:01 UTC')).toBeVisible();
    await expect(
      panel.getByRole('heading', { name: 'Report of Mon 30 Nov 2026 from example.net' }),
    ).toBeVisible();
    await expect(panel.getByText('p=none sp=none np=none t=n adkim=r aspf=r')).toBeVisible();

    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(5);
    const row = (ip: string) => rows.filter({ has: page.getByRole('cell', { name: ip, exact: true }) });
    await expect(row('192.0.2.25').getByRole('cell')).toHaveText([
      '192.0.2.25',
      '4',
      'none',
      'yes SPF pass for example.com',
      'yes DKIM pass for example.com',
      'example.com mail server (smtp.example.com) authorised: SPF and DKIM pass for example.com',
    ]);
    await expect(row('203.0.113.66')).toContainText('Spoofer (mail.phish.example) probably spoofing');
    await expect(row('203.0.113.80')).toContainText(
      'a third party sending as example.com: it authenticates as newsletter.example, not as example.com',
    );
    await expect(row('203.0.113.40')).toContainText('probably a forwarder or a mailing list');
    await page.evaluate('document.getElementById("tab-dmarc").scrollIntoView({ block: "start" })');
    await page.screenshot({ path: 'test-results/dmarc-report-table.png' });

    await panel.getByText('Raw XML', { exact: true }).click();
    const xml = panel.getByLabel('Raw XML of the report');
    await expect(xml).toContainText('<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">');
    await expect(xml).toContainText('<source_ip>203.0.113.66</source_ip>');
    await page.screenshot({ path: 'test-results/dmarc-report-xml.png' });

    // A second day: a second report, listed by day; the newest is shown.
    await panel.getByRole('button', { name: 'Run one day' }).click();
    const days = panel.getByRole('list', { name: 'Reports received' }).getByRole('button');
    await expect(days).toHaveCount(2, { timeout: 45_000 });
    await expect(days.nth(1)).toHaveAttribute('aria-pressed', 'true');
    await expect(panel.getByRole('table', { name: 'Records of the report of Tue 1 Dec 2026' })).toBeVisible();
    await days.nth(0).click();
    await expect(
      panel.getByRole('table', { name: 'Records of the report of Mon 30 Nov 2026' }),
    ).toBeVisible();
  });

  test('the default world says that nobody there sends reports', async ({ page }) => {
    await page.goto('/?clock=manual');
    const panel = await openDmarc(page);
    await expect(
      panel.getByText('No receiver in this world sends aggregate reports.', { exact: false }),
    ).toBeVisible();
  });
});
