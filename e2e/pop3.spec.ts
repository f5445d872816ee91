/**
 * POP3 as a learner meets it: by hand in the terminal from bob's laptop,
 * then through bob's mail program, comparing what "download and keep" and
 * "download and delete" leave on the server and on the laptop. The page runs
 * with `?clock=manual`; the paused clock runs by itself while the terminal or
 * a mail check waits for the server, and mail travels with Advance, so
 * nothing here sleeps.
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

/** Scrolls the tools to the top of the page, under the sticky header, for a screenshot. */
async function showTools(page: Page): Promise<void> {
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate('document.getElementById("tab-terminal").scrollIntoView({ block: "start" })');
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

/** Runs the clock with Advance until bob's server holds `count` messages, as the Mail program panel shows. */
async function untilOnServer(page: Page, count: number): Promise<Locator> {
  const panel = await openTab(page, 'Mail program');
  const server = panel.getByRole('list', { name: 'Messages on the server' }).getByRole('listitem');
  const advance = page.getByRole('button', { name: 'Advance 100 ms' });
  await expect
    .poll(
      async () => {
        if ((await server.count()) < count) await advance.click();
        return server.count();
      },
      { timeout: 20_000, intervals: [0] },
    )
    .toBe(count);
  return panel;
}

test.describe('POP3 in the app', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/?clock=manual');
  });

  test('reads bob’s mail by hand: USER, PASS, STAT, LIST, RETR and QUIT on mx.example.net:110 (RFC 1939)', async ({
    page,
  }) => {
    await sendToBob(page, 'POP3 by hand');
    await untilOnServer(page, 1);

    const terminal = await openTab(page, 'Terminal');
    await terminal.getByRole('combobox', { name: 'From host' }).selectOption('bob-laptop');
    await terminal.getByRole('combobox', { name: 'To', exact: true }).selectOption('mx.example.net:110');
    await terminal.getByRole('button', { name: 'Connect', exact: true }).click();

    const screen = terminal.getByRole('group', { name: 'Terminal screen' });
    const transcript = terminal.getByRole('log', { name: 'Session transcript' });
    const explanations = terminal.getByRole('list', { name: 'Reply explanations' });
    await expect(screen).toContainText('+OK POP3 server ready');
    await expect(explanations.getByRole('listitem').first()).toContainText('Greeting: the server is ready');

    // On a POP3 port, Tab completes POP3's verbs.
    const command = terminal.getByRole('textbox', { name: 'Command' });
    await expect(command).toHaveAttribute('placeholder', 'e.g. USER bob@example.net');
    await terminal.getByRole('textbox', { name: 'Terminal input' }).focus();
    await page.keyboard.type('us');
    await page.keyboard.press('Tab');
    await expect(command).toHaveValue('USER ');
    await page.keyboard.type('bob@example.net');
    await page.keyboard.press('Enter');
    await expect(transcript).toContainText('sent: USER bob@example.net');
    await expect(explanations.getByRole('listitem').first()).toContainText('USER accepted: now send PASS');

    const conversation: [string, string][] = [
      ['PASS bob-password', '+OK'],
      ['STAT', '+OK 1 '],
      ['LIST', '1 '],
      ['RETR 1', 'Subject: POP3 by hand'],
    ];
    for (const [line, reply] of conversation) {
      await command.fill(line);
      await command.press('Enter');
      await expect(transcript.getByText(`sent: ${line}`)).toBeAttached();
      await expect(transcript).toContainText(reply);
    }
    await expect(screen).toContainText('POP3 by hand, from Alice.');

    // One explanation per response: the STAT in context, and LIST and RETR once each despite their bodies.
    const items = explanations.getByRole('listitem');
    await expect(items).toHaveCount(6);
    await expect(items.filter({ hasText: 'after STAT' })).toContainText(/STAT: 1 message, \d+ octets/);
    await expect(items.filter({ hasText: 'after LIST' })).toContainText(
      'LIST: the scan listing follows (1 line)',
    );
    await expect(items.first()).toContainText(/RETR: the message follows \(\d+ lines\)/);
    // The end of the message on the screen above, the explanations below.
    await page.evaluate('document.getElementById("terminal-command").scrollIntoView({ block: "center" })');
    await page.screenshot({ path: 'e2e/screenshots/pop3-terminal.png' });

    await command.fill('DELE 1');
    await command.press('Enter');
    await expect(items.first()).toContainText('the server deletes marked messages only when you QUIT');
    await command.fill('QUIT');
    await command.press('Enter');
    await expect(transcript).toContainText('+OK POP3 server signing off');
    await expect(items.first()).toContainText('QUIT: UPDATE state, 1 message deleted');
    await expect(transcript).toContainText('Connection closed by foreign host.');

    const program = await openTab(page, 'Mail program');
    await expect(
      program.getByRole('list', { name: 'Messages on the server' }).getByRole('listitem'),
    ).toHaveCount(0);
  });

  test('compares download-and-keep with download-and-delete on the server and on bob’s laptop', async ({
    page,
  }) => {
    await sendToBob(page, 'Lunch on Friday?');
    await sendToBob(page, 'Minutes of the meeting');
    const program = await untilOnServer(page, 2);

    const server = program.getByRole('list', { name: 'Messages on the server' }).getByRole('listitem');
    const laptop = program.getByRole('list', { name: "Messages on Bob's laptop" }).getByRole('listitem');
    const result = program.getByRole('status');
    const mode = program.getByRole('radiogroup', { name: 'POP3 mode' });
    const check = program.getByRole('button', { name: 'Check mail' });
    await expect(program.getByRole('combobox', { name: 'User' })).toHaveValue('bob@example.net');
    await expect(laptop).toHaveCount(0);
    await expect(result).toHaveText('No check yet: choose a mode and press Check mail.');

    await mode.getByRole('radio', { name: 'Download and keep' }).check();
    await expect(program.getByRole('checkbox', { name: 'Delete from server after' })).not.toBeChecked();
    await check.click();
    await expect(result).toHaveText('Retrieved 2, deleted 0 on the server; 2 messages left there.');
    await expect(server).toHaveCount(2);
    await expect(laptop).toHaveCount(2);
    await expect(program.getByRole('region', { name: 'On the server' })).toContainText('2 messages');
    await expect(laptop.first()).toContainText('Lunch on Friday?');
    await expect(laptop.first()).toContainText('also on the server');

    await sendToBob(page, 'Train tickets');
    await untilOnServer(page, 3);
    await expect(server.last()).toContainText('not downloaded yet');
    await check.click();
    await expect(result).toHaveText('Retrieved 1, deleted 0 on the server; 3 messages left there.');
    await expect(server).toHaveCount(3);
    await expect(laptop).toHaveCount(3);

    // The keyboard picks the other mode: arrow keys move within the radio group.
    await mode.getByRole('radio', { name: 'Download and keep' }).focus();
    await page.keyboard.press('ArrowUp');
    await expect(mode.getByRole('radio', { name: 'Download and delete' })).toBeChecked();
    await check.click();
    await expect(result).toContainText('deleted 3 on the server; 0 messages left there.');
    await expect(server).toHaveCount(0);
    await expect(laptop).toHaveCount(3);
    await expect(laptop.first()).toContainText('only here');
    await expect(program.getByRole('region', { name: "On Bob's laptop" })).toContainText('3 messages');
    await showTools(page);
    await page.screenshot({ path: 'e2e/screenshots/pop3-modes.png' });
  });
});
