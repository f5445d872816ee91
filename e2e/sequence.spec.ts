/**
 * The sequence diagram and the byte inspector: the learner sends the default
 * scenario's message and reads the SMTP exchange as a ladder, in order, then
 * opens one exchange's bytes.
 */
import { expect, test } from '@playwright/test';
import { sendAliceToBobAndDeliver } from './send-mail.ts';

test('draws the SMTP exchange in order and opens an arrow’s bytes', async ({ page }) => {
  await page.goto('/?clock=manual');
  await sendAliceToBobAndDeliver(page, 'Ladder', 'Step by step');

  const region = page.getByRole('region', { name: 'Sequence diagram' });
  const diagram = region.getByRole('group', { name: 'Sequence diagram' });
  const names = await diagram
    .getByRole('button')
    .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
  // The relay's conversation with the MX, in order (it speaks STARTTLS, so after it the lines are sealed).
  const relay = names.filter((n) =>
    / smtp\.example\.com to mx\.example\.net: | mx\.example\.net to smtp\.example\.com: /.test(n),
  );
  const said = relay.map((n) => n.replace(/^.*?: /, ''));
  expect(said[0]).toBe('SYN → port 25');
  expect(said[1]).toMatch(/^220 mx\.example\.net ESMTP/);
  expect(said[2]).toMatch(/^EHLO smtp\.example\.com/);
  const order = [
    'STARTTLS',
    '🔒 EHLO',
    '🔒 MAIL FROM:<alice@example.com>',
    '🔒 354',
    '🔒 250 2.0.0 Ok: queued',
    '🔒 QUIT',
  ];
  let at = 0;
  for (const step of order) {
    const found = said.findIndex((s, i) => i >= at && s.startsWith(step));
    expect(found, `${step} after position ${at}`).toBeGreaterThanOrEqual(at);
    at = found + 1;
  }
  await region.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/sequence.png', fullPage: false });

  await diagram
    .getByRole('button', { name: /smtp\.example\.com to mx\.example\.net: EHLO smtp\.example\.com/ })
    .click();
  const inspector = region.getByRole('region', { name: /Bytes of event/ });
  await expect(inspector).toContainText('What the endpoints see');
  await expect(inspector.getByRole('table', { name: 'Hex dump' })).toContainText('45 48 4c 4f');
  await expect(inspector).toContainText('in plain text: anyone on the path can read them');
  await inspector.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/byte-inspector.png' });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    region.getByRole('button', { name: 'Download SVG' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('mailroom-sequence.svg');
});

test('draws the submission server’s state chart, the current state highlighted, moving with the clock', async ({
  page,
}) => {
  await page.goto('/?clock=manual');
  await page.getByRole('tab', { name: 'Compose', exact: true }).click();
  const compose = page.getByRole('region', { name: 'Compose', exact: true });
  await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
  await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
  await compose.getByRole('textbox', { name: 'Subject' }).fill('States');
  await compose.getByRole('textbox', { name: 'Body' }).fill('Watch the machine');
  await compose.getByRole('button', { name: 'Send' }).click();
  const advance = page.getByRole('button', { name: 'Advance 100 ms' });
  const chart = page.getByRole('region', { name: 'State chart' });
  const sessionPicker = chart.getByRole('combobox', { name: 'Session' });
  await expect
    .poll(
      async () => {
        await advance.click();
        return sessionPicker.count();
      },
      { timeout: 20_000, intervals: [0] },
    )
    .toBe(1);
  const msa = chart.getByRole('option', { name: /SMTP server on smtp\.example\.com \(c1\)/ });
  await sessionPicker.selectOption({ label: (await msa.textContent())!.trim() });
  await expect(chart.getByRole('status')).toContainText('smtpServer: now in');
  const before = await chart.getByRole('status').textContent();
  await expect(chart.getByRole('img', { name: /State chart of smtpServer/ })).toBeVisible();
  await advance.click();
  await advance.click();
  await expect(chart.getByRole('status')).not.toHaveText(before!);
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/state-chart.png' });
  await expect
    .poll(
      async () => {
        await advance.click();
        return chart.getByRole('status').textContent();
      },
      { timeout: 20_000, intervals: [0] },
    )
    .toMatch(/ended in closing|now in closing/);
  await chart.getByText(/Path so far/).click();
  await expect(chart.getByRole('list', { name: 'Path so far' })).toContainText(
    'mailTransaction.hasRecipients',
  );
});
