/**
 * The sequence diagram and the byte inspector: the learner sends the default
 * scenario's message and reads the SMTP exchange as a ladder, in order, then
 * opens one exchange's bytes.
 */
import { expect, test } from '@playwright/test';

test('draws the SMTP exchange in order and opens an arrow’s bytes', async ({ page }) => {
  await page.goto('/?clock=manual');
  await page.getByRole('tab', { name: 'Compose', exact: true }).click();
  const compose = page.getByRole('region', { name: 'Compose', exact: true });
  await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
  await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
  await compose.getByRole('textbox', { name: 'Subject' }).fill('Ladder');
  await compose.getByRole('textbox', { name: 'Body' }).fill('Step by step');
  await compose.getByRole('button', { name: 'Send' }).click();
  const trace = page.getByRole('list', { name: 'Trace' });
  const advance = page.getByRole('button', { name: 'Advance 100 ms' });
  await expect
    .poll(
      async () => {
        await advance.click();
        return trace.textContent();
      },
      { timeout: 30_000, intervals: [0] },
    )
    .toContain('delivered');

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
