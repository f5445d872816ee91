/**
 * The default scenario's journey, driven as a learner would: alice composes
 * a message to bob, and the manual clock is advanced until the MX has
 * delivered it (the trace says `delivered`).
 */
import { expect, type Page } from '@playwright/test';

export async function sendAliceToBobAndDeliver(page: Page, subject: string, body: string): Promise<void> {
  await page.getByRole('tab', { name: 'Compose', exact: true }).click();
  const compose = page.getByRole('region', { name: 'Compose', exact: true });
  await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
  await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
  await compose.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await compose.getByRole('textbox', { name: 'Body' }).fill(body);
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
}
