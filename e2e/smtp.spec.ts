/**
 * SMTP as a learner meets it: by hand in the terminal (like telnet), then
 * through a mail program, and finally in the recipient's mailbox. The page
 * runs with `?clock=manual`; a paused clock runs by itself while the terminal
 * waits for a reply, and the compose test runs it with Advance, so nothing
 * here sleeps.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

/** Scrolls the tools (the tab list) to the top of the page, under the sticky header, for a screenshot. */
async function showTools(page: Page): Promise<void> {
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate('document.getElementById("tab-terminal").scrollIntoView({ block: "start" })');
}

async function openTab(page: Page, name: string): Promise<Locator> {
  await page.getByRole('tab', { name, exact: true }).click();
  await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
  const region = page.getByRole('region', { name, exact: true });
  // xterm draws only while on screen: bring the panel into view, as a learner would.
  await region.scrollIntoViewIfNeeded();
  return region;
}

test.describe('SMTP in the app', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/?clock=manual');
  });

  test('talks SMTP to mx.example.net by hand, and the message lands in bob’s INBOX', async ({ page }) => {
    const terminal = await openTab(page, 'Terminal');
    await terminal.getByRole('combobox', { name: 'From host' }).selectOption('alice-laptop');
    await terminal.getByRole('combobox', { name: 'To', exact: true }).selectOption('mx.example.net:25');
    await terminal.getByRole('button', { name: 'Connect', exact: true }).click();

    const screen = terminal.getByRole('group', { name: 'Terminal screen' });
    const transcript = terminal.getByRole('log', { name: 'Session transcript' });
    await expect(screen).toContainText('220 mx.example.net ESMTP Mailroom');
    await expect(terminal.getByRole('status').first()).toContainText(
      'Connected: alice-laptop → mx.example.net:25, plain text.',
    );
    await expect(terminal.getByRole('button', { name: 'Disconnect' })).toBeVisible();
    await expect(terminal.getByRole('button', { name: 'Start TLS' })).toBeEnabled();

    // The first command is typed into xterm itself, key by key.
    await terminal.getByRole('textbox', { name: 'Terminal input' }).focus();
    await page.keyboard.type('EHLO alice-laptop.example.com');
    await expect(terminal.getByRole('textbox', { name: 'Command' })).toHaveValue(
      'EHLO alice-laptop.example.com',
    );
    await page.keyboard.press('Enter');
    await expect(screen).toContainText('250-PIPELINING');
    await expect(transcript).toContainText('sent: EHLO alice-laptop.example.com');

    // The rest through the plain Command field, as a screen reader user would.
    const command = terminal.getByRole('textbox', { name: 'Command' });
    const conversation: [string, string | undefined][] = [
      ['MAIL FROM:<alice@example.com>', '250 2.1.0 Ok'],
      ['RCPT TO:<bob@example.net>', '250 2.1.5 Ok'],
      ['DATA', '354 '],
      ['Subject: hi', undefined],
      ['', undefined],
      ['Hello Bob', undefined],
      ['.', '250 2.0.0 Ok: queued as '],
    ];
    for (const [line, reply] of conversation) {
      await command.fill(line);
      await command.press('Enter');
      await expect(transcript.getByText(line === '' ? 'sent:' : `sent: ${line}`).last()).toBeAttached();
      if (reply !== undefined) await expect(transcript).toContainText(reply);
    }
    await expect(screen).toContainText('250 2.0.0 Ok: queued as');

    const explanations = terminal.getByRole('list', { name: 'Reply explanations' });
    await expect(explanations.getByRole('listitem').filter({ hasText: /^354/ })).toContainText(
      'Start mail input',
    );
    await expect(explanations.getByRole('listitem').first()).toContainText('2.0.0');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/terminal.png' });
    // The README picture (tracked, so only rewritten on request): the map above the terminal and the trace.
    if (process.env['UPDATE_README_SCREENSHOT']) {
      await page.evaluate('window.scrollTo(0, 250)');
      await page.screenshot({ path: 'docs/screenshot.png' });
    }

    await command.fill('QUIT');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(transcript).toContainText('221 2.0.0 Bye');
    await expect(transcript).toContainText('Connection closed by foreign host.');
    await expect(terminal.getByRole('button', { name: 'Connect', exact: true })).toBeVisible();

    const mailboxes = await openTab(page, 'Mailboxes');
    await mailboxes.getByRole('combobox', { name: 'User' }).selectOption('bob@example.net');
    const inbox = mailboxes.getByRole('table', { name: 'INBOX of bob@example.net' });
    await inbox.getByRole('button', { name: 'hi', exact: true }).click();
    const source = mailboxes.getByRole('region', { name: 'hi' });
    await expect(source).toContainText('Received: from alice-laptop.example.com');
    await expect(source).toContainText('Hello Bob');
  });

  test('composes alice → bob, runs the clock, and reads the message with its Received chain', async ({
    page,
  }) => {
    const compose = await openTab(page, 'Compose');
    await compose.getByRole('combobox', { name: 'From' }).selectOption('alice@example.com');
    await compose.getByRole('textbox', { name: 'To' }).fill('bob@example.net');
    await compose.getByRole('textbox', { name: 'Subject' }).fill('Lunch?');
    await compose.getByRole('textbox', { name: 'Body' }).fill('Noon at the usual place?');
    await compose.getByRole('button', { name: 'Send' }).click();

    const submissions = compose.getByRole('list', { name: 'Submissions' });
    await expect(submissions.getByRole('listitem')).toHaveCount(1);
    await expect(submissions).toContainText('Submitting…');

    // Run the clock, 100 ms at a time, until the submission server has answered.
    const advance = page.getByRole('button', { name: 'Advance 100 ms' });
    await expect
      .poll(
        async () => {
          await advance.click();
          return submissions.textContent();
        },
        { timeout: 20_000, intervals: [0] },
      )
      .toContain('Queued');
    await expect(submissions).toContainText('Queued: the submission server accepted it (250');
    const trace = page.getByRole('list', { name: 'Trace' });
    await expect(trace).toContainText('agent');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/compose.png' });

    const mailboxes = await openTab(page, 'Mailboxes');
    await mailboxes.getByRole('combobox', { name: 'User' }).selectOption('bob@example.net');
    const lunch = mailboxes
      .getByRole('table', { name: 'INBOX of bob@example.net' })
      .getByRole('button', { name: 'Lunch?' });
    await expect
      .poll(
        async () => {
          if ((await lunch.count()) === 0) await advance.click();
          return lunch.count();
        },
        { timeout: 20_000, intervals: [0] },
      )
      .toBe(1);
    const row = mailboxes.getByRole('row').filter({ has: page.getByRole('button', { name: 'Lunch?' }) });
    await expect(row).toContainText('Alice <alice@example.com>');
    await lunch.click();
    await expect(lunch).toHaveAttribute('aria-pressed', 'true');
    const message = mailboxes.getByRole('region', { name: 'Lunch?' });
    await expect(message).toContainText('Received: from smtp.example.com');
    await expect(message.getByRole('list', { name: 'Received chain' }).getByRole('listitem')).toHaveCount(2);
    await expect(message).toContainText('Noon at the usual place?');
    // The MX checked SPF, both DKIM signatures the MSA added (WebCrypto in the page) and DMARC.
    await expect(message).toContainText(
      'Authentication-Results: mx.example.net; spf=pass smtp.mailfrom=example.com;',
    );
    await expect(message).toContainText('dkim=pass header.d=example.com header.s=ed2026');
    await expect(message).toContainText('dkim=pass header.d=example.com header.s=rsa2026');
    await expect(message).toContainText('dmarc=pass (p=reject dis=none) header.from=example.com');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/mailbox.png' });
  });

  test('builds the AUTH PLAIN line and puts it on the command line (RFC 4616, RFC 4954)', async ({
    page,
  }) => {
    const terminal = await openTab(page, 'Terminal');
    await terminal.getByText('AUTH PLAIN helper').click();
    await terminal.getByRole('textbox', { name: 'User' }).fill('alice@example.com');
    await terminal.getByRole('textbox', { name: 'Password' }).fill('alice-password');
    const output = terminal.getByRole('status', { name: 'Command' });
    await expect(output).toHaveText('AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGFsaWNlLXBhc3N3b3Jk');
    await expect(terminal).toContainText('\\0alice@example.com\\0alice-password');
    await terminal.getByRole('button', { name: 'Insert' }).click();
    const command = terminal.getByRole('textbox', { name: 'Command' });
    await expect(command).toBeFocused();
    await expect(command).toHaveValue('AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAGFsaWNlLXBhc3N3b3Jk');
  });

  test('edits the terminal line from the keyboard: Tab completion, history, and Tab leaving', async ({
    page,
  }) => {
    const terminal = await openTab(page, 'Terminal');
    await terminal.getByRole('combobox', { name: 'To', exact: true }).selectOption('mx.example.net:25');
    await terminal.getByRole('button', { name: 'Connect', exact: true }).click();
    const command = terminal.getByRole('textbox', { name: 'Command' });
    const screen = terminal.getByRole('group', { name: 'Terminal screen' });
    await expect(screen).toContainText('220 mx.example.net');

    await terminal.getByRole('textbox', { name: 'Terminal input' }).focus();
    // Two verbs start with HEL: Tab completes what they share, then lists them, as a shell does.
    await page.keyboard.type('he');
    await page.keyboard.press('Tab');
    await expect(command).toHaveValue('HEL');
    await page.keyboard.press('Tab');
    await expect(screen).toContainText('HELO  HELP');
    await page.keyboard.press('Control+U');
    await page.keyboard.type('eh');
    await page.keyboard.press('Tab');
    await expect(command).toHaveValue('EHLO ');
    await page.keyboard.type('alice-laptop.example.com');
    await page.keyboard.press('Enter');
    await expect(screen).toContainText('250 SMTPUTF8');

    await page.keyboard.type('ma');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(command).toHaveValue('MAIL FROM:<');
    await page.keyboard.type('alice@example.com>');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('M');
    await expect(command).toHaveValue('MAIL FROM:<alice@example.coM>');
    await page.keyboard.press('Control+U');
    await expect(command).toHaveValue('');
    await page.keyboard.press('ArrowUp');
    await expect(command).toHaveValue('EHLO alice-laptop.example.com');
    await page.keyboard.press('ArrowDown');
    await expect(command).toHaveValue('');

    // With nothing to complete, Tab leaves the terminal for the next control.
    await page.keyboard.press('Tab');
    await expect(terminal.getByRole('textbox', { name: 'Terminal input' })).not.toBeFocused();

    // Start TLS after STARTTLS's 220, then the session is encrypted.
    await command.fill('STARTTLS');
    await command.press('Enter');
    await expect(screen).toContainText('220 2.0.0 Ready to start TLS');
    await terminal.getByRole('button', { name: 'Start TLS' }).click();
    await expect(terminal.getByRole('status').first()).toContainText('encrypted (TLSv1.3)');
    await expect(terminal.getByRole('button', { name: 'Start TLS' })).toBeDisabled();
  });
});
