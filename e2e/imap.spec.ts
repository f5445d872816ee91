/**
 * IMAP as a learner meets it: bob's mail app (the IMAP client tab), where
 * every click is carried out by the engine's IMAP client and shows its
 * commands beside the view, and a session typed by hand in the terminal on
 * port 143. The page runs with `?clock=manual`: the paused clock runs by
 * itself while a click or a typed line waits for the server, and mail
 * travels with Advance, so nothing here sleeps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

async function openTab(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
  const region = page.getByRole('region', { name, exact: true });
  // xterm draws only while on screen: bring the panel into view, as a learner would.
  await region.scrollIntoViewIfNeeded();
  return region;
}

/** Alice writes to bob from the Compose panel. */
async function sendToBob(page: Page, subject: string): Promise<void> {
  const compose = await openTab(page, 'Compose');
  await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
  await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
  await compose.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await compose.getByRole('textbox', { name: 'Body' }).fill(`${subject}, from Alice.`);
  await compose.getByRole('button', { name: 'Send' }).click();
}

/** Clicks Advance until `items` has `count` entries (mail travels while the clock runs). */
async function advanceUntil(page: Page, items: Locator, count: number): Promise<void> {
  const advance = page.getByRole('button', { name: 'Advance 100 ms' });
  await expect
    .poll(
      async () => {
        if ((await items.count()) < count) await advance.click();
        return items.count();
      },
      { timeout: 30_000, intervals: [0] },
    )
    .toBe(count);
}

/** Runs the clock until bob's server holds `count` messages, as the Mailboxes panel shows. */
async function untilDelivered(page: Page, count: number): Promise<void> {
  const mailboxes = await openTab(page, 'Mailboxes');
  await mailboxes.getByRole('combobox', { name: 'User' }).selectOption('bob@example.net');
  const rows = mailboxes.getByRole('table', { name: 'INBOX of bob@example.net' }).locator('tbody tr');
  await advanceUntil(page, rows, count);
}

/** Scrolls the tools to the top of the page, under the sticky header, for a screenshot. */
async function showTools(page: Page): Promise<void> {
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate('document.getElementById("tab-terminal").scrollIntoView({ block: "start" })');
}

test.describe('the IMAP client in the app', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/?clock=manual');
  });

  test('reads a message (\\Seen), flags it, searches and moves it, each click shown as IMAP', async ({
    page,
  }) => {
    await sendToBob(page, 'Lunch on Friday?');
    await sendToBob(page, 'Minutes of the meeting');
    await untilDelivered(page, 2);

    const client = await openTab(page, 'IMAP client');
    await expect(client.getByRole('combobox', { name: 'User' })).toHaveValue('bob@example.net');
    const status = client.getByRole('status');
    await expect(status).toContainText('INBOX: waiting in IDLE');
    const folders = client.getByRole('navigation', { name: 'Folders' });
    await expect(folders.getByRole('button', { name: /^INBOX/ })).toHaveAttribute('aria-current', 'true');
    await expect(folders.getByRole('button', { name: /^Sent/ })).toContainText('\\Sent');
    const list = client.getByRole('list', { name: 'Messages in INBOX' });
    await expect(list.getByRole('listitem')).toHaveCount(2);
    const lunch = list.getByRole('button', { name: /Lunch on Friday\?/ });
    await expect(lunch).toContainText('unread');

    const steps = client.getByRole('list', { name: 'IMAP steps' }).getByRole('listitem');
    await expect(steps.first()).toContainText('Wait for new mail (IDLE)');
    await expect(steps.nth(1)).toContainText('UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)');
    await expect(steps.last()).toContainText('Connect to mx.example.net:143 and log in');

    // Reading: BODY[] without PEEK, and the server sets \Seen.
    await lunch.click();
    const reader = client.getByRole('region', { name: 'Reading pane' });
    await expect(reader.getByLabel('Message text')).toHaveText('Lunch on Friday?, from Alice.');
    await expect(reader).toContainText('From');
    await expect(reader).toContainText('Alice <alice@example.com>');
    await expect(lunch).toContainText(', read');
    const read = steps.filter({ hasText: 'Read message UID 1' });
    await expect(read).toContainText('A008 UID FETCH 1 (UID FLAGS BODY[])');
    await expect(read).toContainText('* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) BODY[] {');

    const actions = reader.getByRole('group', { name: 'Message actions' });
    await actions.getByRole('button', { name: 'Flag', exact: true }).click();
    await expect(actions.getByRole('button', { name: 'Unflag' })).toBeVisible();
    await expect(lunch).toContainText('flagged');
    const flag = steps.filter({ hasText: 'Set \\Flagged on UID 1' });
    await expect(flag).toContainText('UID STORE 1 +FLAGS (\\Flagged)');
    await expect(flag).toContainText('* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged \\Recent))');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/imap-client.png' });
    await client.screenshot({ path: 'e2e/screenshots/imap-client-panel.png' });

    // Search on the server: words become TEXT.
    const search = client.getByRole('search', { name: 'Search messages' });
    await search.getByRole('textbox', { name: 'Search' }).fill('Minutes');
    await search.getByRole('button', { name: 'Search' }).click();
    await expect(client.getByText('UID SEARCH TEXT "Minutes" found 1 message.')).toBeVisible();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await expect(list).toContainText('Minutes of the meeting');
    await expect(steps.filter({ hasText: 'Search TEXT "Minutes"' })).toContainText('* SEARCH 2');
    await search.getByRole('button', { name: 'Show all' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(2);

    // Move to Archive: UID MOVE, and the server expunges it here.
    await actions.getByRole('combobox', { name: 'Move to folder' }).selectOption('Archive');
    await actions.getByRole('button', { name: 'Move' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    const move = steps.filter({ hasText: 'Move UID 1 to Archive' });
    await expect(move).toContainText('UID MOVE 1 Archive');
    await expect(move).toContainText('* 1 EXPUNGE');
    await expect(reader).toContainText('Choose a message to read it.');

    await folders.getByRole('button', { name: /^Archive/ }).click();
    const archive = client.getByRole('list', { name: 'Messages in Archive' });
    await expect(archive.getByRole('listitem')).toHaveCount(1);
    await expect(archive.getByRole('button', { name: /Lunch on Friday\?/ })).toContainText('read, flagged');
    await expect(steps.first()).toContainText('Wait for new mail (IDLE)');
    await expect(steps.nth(1)).toContainText('SELECT Archive');

    // A phone-sized window: everything stacks, nothing runs off the side.
    await page.setViewportSize({ width: 400, height: 900 });
    await archive.getByRole('button', { name: /Lunch on Friday\?/ }).click();
    await expect(client.getByLabel('Message text')).toBeVisible();
    await client.screenshot({ path: 'e2e/screenshots/imap-client-narrow.png' });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBe(0);
  });

  test('deletes and expunges: \\Deleted first, gone for good only at EXPUNGE', async ({ page }) => {
    await sendToBob(page, 'Old newsletter');
    await untilDelivered(page, 1);
    const client = await openTab(page, 'IMAP client');
    const list = client.getByRole('list', { name: 'Messages in INBOX' });
    const message = list.getByRole('button', { name: /Old newsletter/ });
    await message.click();
    const actions = client.getByRole('group', { name: 'Message actions' });
    await actions.getByRole('button', { name: 'Delete' }).click();
    await expect(message).toContainText('deleted');
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await client.getByRole('button', { name: 'Expunge' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(0);
    const steps = client.getByRole('list', { name: 'IMAP steps' }).getByRole('listitem');
    await expect(steps.filter({ hasText: 'Expunge deleted messages' })).toContainText('* 1 EXPUNGE');
  });

  test('shows new mail without a click: EXISTS arrives while the client waits in IDLE (RFC 2177)', async ({
    page,
  }) => {
    const client = await openTab(page, 'IMAP client');
    await expect(client.getByRole('status')).toContainText('INBOX: waiting in IDLE');
    const list = client.getByRole('list', { name: 'Messages in INBOX' });
    await expect(list.getByRole('listitem')).toHaveCount(0);

    await sendToBob(page, 'Are you there?');
    await openTab(page, 'IMAP client');
    await advanceUntil(page, list.getByRole('listitem'), 1);
    await expect(list.getByRole('button', { name: /Are you there\?/ })).toContainText('unread');
    const steps = client.getByRole('list', { name: 'IMAP steps' }).getByRole('listitem');
    await expect(steps.filter({ hasText: 'New mail arrived' })).toContainText('UID FETCH 1:*');
    await expect(steps.filter({ hasText: 'Wait for new mail (IDLE)' }).last()).toContainText('* 1 EXISTS');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/imap-idle.png' });
  });
});

test.describe('IMAP by hand in the terminal', () => {
  test('LOGIN with literals, SELECT INBOX, FETCH a header field and LOGOUT on mx.example.net:143 (RFC 3501)', async ({
    page,
  }) => {
    await page.goto('/?clock=manual');
    await sendToBob(page, 'IMAP by hand');
    await untilDelivered(page, 1);

    const terminal = await openTab(page, 'Terminal');
    await terminal.getByRole('combobox', { name: 'From host' }).selectOption('bob-laptop');
    await terminal.getByRole('combobox', { name: 'To', exact: true }).selectOption('mx.example.net:143');
    await terminal.getByRole('button', { name: 'Connect', exact: true }).click();

    const screen = terminal.getByRole('group', { name: 'Terminal screen' });
    const transcript = terminal.getByRole('log', { name: 'Session transcript' });
    const explanations = terminal.getByRole('list', { name: 'Reply explanations' });
    const command = terminal.getByRole('textbox', { name: 'Command' });
    const next = terminal.getByText(/^Next command:|^Literal/);
    await expect(screen).toContainText('* OK [CAPABILITY IMAP4rev1');
    await expect(explanations.getByRole('listitem').first()).toContainText('Greeting: the server is ready');
    await expect(command).toHaveAttribute('placeholder', 'e.g. a1 LOGIN bob@example.net bob-password');
    await expect(next).toHaveText('Next command: start it with a tag, a1 (Tab adds it).');

    // Typed without a tag, Tab puts a1 in front; the user name goes as a literal, announced with {15}.
    await terminal.getByRole('textbox', { name: 'Terminal input' }).focus();
    await page.keyboard.type('LOGIN {15}');
    await page.keyboard.press('Tab');
    await expect(command).toHaveValue('a1 LOGIN {15}');
    await page.keyboard.press('Enter');
    await expect(transcript).toContainText('+ OK');
    await expect(explanations.getByRole('listitem').first()).toContainText('Go on: send the literal');
    await expect(next).toHaveText('Literal: 15 more octets (Enter adds CRLF, 2 octets).');
    // The literal's 15 octets, then the command goes on with the password as a second literal.
    await page.keyboard.type('bob@example.net {12}');
    await page.keyboard.press('Enter');
    await expect(next).toHaveText('Literal: 12 more octets (Enter adds CRLF, 2 octets).');
    await page.keyboard.type('bob-password');
    await page.keyboard.press('Enter');
    await expect(transcript).toContainText('a1 OK [CAPABILITY');
    await expect(explanations.getByRole('listitem').first()).toContainText('after a1 LOGIN {15}');
    await expect(explanations.getByRole('listitem').first()).toContainText('LOGIN completed');

    await page.keyboard.type('sel');
    await page.keyboard.press('Tab');
    await expect(command).toHaveValue('a2 SELECT ');
    await page.keyboard.type('INBOX');
    await page.keyboard.press('Enter');
    await expect(transcript).toContainText('* 1 EXISTS');
    await expect(transcript).toContainText('a2 OK [READ-WRITE] Select completed.');
    await expect(explanations.getByRole('listitem').first()).toContainText(
      '[READ-WRITE]: the mailbox is open for changes',
    );

    await command.fill('a3 FETCH 1 BODY[HEADER.FIELDS (SUBJECT)]');
    await command.press('Enter');
    await expect(screen).toContainText('* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {25}');
    await expect(screen).toContainText('Subject: IMAP by hand');
    await expect(screen).toContainText('a3 OK Fetch completed.');
    await expect(explanations.getByRole('listitem').first()).toContainText('after 1 untagged line');
    await page.evaluate('document.getElementById("terminal-command").scrollIntoView({ block: "center" })');
    await page.screenshot({ path: 'e2e/screenshots/imap-terminal.png' });

    await command.fill('a4 LOGOUT');
    await command.press('Enter');
    await expect(transcript).toContainText('* BYE Logging out');
    await expect(transcript).toContainText('a4 OK Logout completed.');
    await expect(transcript).toContainText('Connection closed by foreign host.');
  });
});
