/**
 * The journey on the network map, as a learner follows it: alice composes a
 * message to bob, the clock is stepped and advanced by hand (`?clock=manual`),
 * and the map's envelopes show the four hops in order — submission (MUA →
 * MSA), relay (MTA → MTA), delivery into bob's mailbox (MDA), and retrieval
 * by bob's mail program — with the lock on the submission link once STARTTLS
 * has done its work. Nothing here sleeps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

async function openTab(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tab', { name, exact: true }).click();
  return page.getByRole('region', { name, exact: true });
}

/** The accessible names of the envelopes on the map now (a string, as this file has no DOM types). */
async function envelopeNames(page: Page): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll('[aria-label="Messages in flight"] [role="listitem"]')].map((e) => e.getAttribute('aria-label'))`,
  );
}

/** Which hop an envelope's name says it is on. */
function hopIn(name: string): string | undefined {
  for (const hop of ['submission', 'relay', 'retrieval']) if (name.includes(`, ${hop},`)) return hop;
  return undefined;
}

/** Scrolls the map into view under the sticky header, for a screenshot. */
async function showMap(page: Page): Promise<void> {
  await page.evaluate('document.getElementById("map-heading").scrollIntoView({ block: "start" })');
}

test('shows the journey alice → bob hop by hop, with TLS locks and the MDA’s delivery', async ({ page }) => {
  await page.goto('/?clock=manual');
  const map = page.getByRole('group', { name: 'Network map' });
  const inFlight = map.getByRole('list', { name: 'Messages in flight' });
  const hops: string[] = [];
  const record = async () => {
    for (const name of await envelopeNames(page)) {
      const hop = hopIn(name);
      if (hop !== undefined && hops.at(-1) !== hop) hops.push(hop);
    }
  };

  const compose = await openTab(page, 'Compose');
  await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
  await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
  await compose.getByRole('textbox', { name: 'Subject' }).fill('Journey');
  await compose.getByRole('textbox', { name: 'Body' }).fill('Watch me travel.');
  await compose.getByRole('button', { name: 'Send' }).click();

  // Hop 1, event by event: EHLO goes out in plain text (open padlock), then STARTTLS closes the lock.
  const step = page.getByRole('button', { name: 'Step', exact: true });
  const ehlo = inFlight.getByRole('listitem', {
    name: /^SMTP from alice-laptop to smtp\.example\.com: EHLO alice-laptop \(port 587, submission, MUA to MSA, plain text/,
  });
  await expect
    .poll(
      async () => {
        await step.click();
        await record();
        return ehlo.count();
      },
      { timeout: 30_000, intervals: [0] },
    )
    .toBe(1);
  await expect(
    map.getByRole('img', { name: 'Plain text between alice-laptop and smtp.example.com: 1 connection' }),
  ).toBeVisible();
  const locked = map.getByRole('img', {
    name: 'Encrypted (TLS) between alice-laptop and smtp.example.com: 1 connection',
  });
  await expect
    .poll(
      async () => {
        await step.click();
        await record();
        return locked.count();
      },
      { timeout: 30_000, intervals: [0] },
    )
    .toBe(1);
  await showMap(page);
  await page.screenshot({ path: 'e2e/screenshots/journey-submission.png' });

  // Hops 2 and 3, 100 ms at a time: the relay to mx.example.net, then the MDA stores it for bob.
  const advance = page.getByRole('button', { name: 'Advance 100 ms' });
  const mx = map.getByRole('list', { name: 'Hosts' }).getByRole('listitem', { name: /^mx\.example\.net,/ });
  let screenshotTaken = false;
  await expect
    .poll(
      async () => {
        await advance.click();
        await record();
        const names = await envelopeNames(page);
        if (!screenshotTaken && names.some((n) => n.includes(', relay,') && n.endsWith('in flight)'))) {
          screenshotTaken = true;
          await page.screenshot({ path: 'e2e/screenshots/journey-relay.png' });
        }
        const name = (await mx.getAttribute('aria-label')) ?? '';
        if (name.includes('just delivered to a mailbox') && hops.at(-1) !== 'delivery') hops.push('delivery');
        return hops.includes('delivery');
      },
      { timeout: 30_000, intervals: [0] },
    )
    .toBe(true);
  await expect(mx).toHaveAccessibleName(/just delivered to a mailbox/);

  // Hop 4: bob's mail program checks over POP3 while the clock plays slowly.
  const program = await openTab(page, 'Mail program');
  await page.getByRole('combobox', { name: 'Speed' }).selectOption('0.1');
  await page.getByRole('button', { name: 'Play' }).click();
  await program.getByRole('button', { name: 'Check mail' }).click();
  const pop3 = inFlight.getByRole('listitem', {
    name: /^POP3 (\(TLS handshake\) )?from (mx\.example\.net|bob-laptop) to /,
  });
  await expect
    .poll(
      async () => {
        await record();
        return pop3.count();
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
  await record();
  await showMap(page);
  await page.screenshot({ path: 'e2e/screenshots/journey-retrieval.png' });
  await page.getByRole('button', { name: 'Pause' }).click();

  // The hops came in the journey's order: MUA → MSA → MTA → MDA → MUA.
  expect(hops.filter((h, i) => hops.indexOf(h) === i)).toEqual([
    'submission',
    'relay',
    'delivery',
    'retrieval',
  ]);
});
