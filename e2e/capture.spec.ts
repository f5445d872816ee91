/**
 * The trace leaves the app as a packet capture: the learner runs the default
 * scenario, downloads the capture, and Wireshark's tshark (from the test
 * machine's packages) finds the SMTP conversation inside TLS thanks to the
 * keys in the file, with the MAIL FROM alice typed.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { sendAliceToBobAndDeliver } from './send-mail.ts';

function tshark(file: string, filter: string, ...fields: string[]): string[] {
  const args = ['-r', file, '-n', '-Y', filter, '-T', 'fields', '-E', 'separator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '');
}

test('downloads a capture of the default scenario that tshark dissects', async ({ page }, testInfo) => {
  await page.goto('/?clock=manual');
  await sendAliceToBobAndDeliver(page, 'Captured', 'Seen by Wireshark');

  const region = page.getByRole('region', { name: 'Trace' });
  await expect(region.getByRole('checkbox', { name: 'include TLS keys' })).toBeChecked();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    region.getByRole('button', { name: 'Download capture (.pcapng)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('mailroom-with-tls-keys.pcapng');
  const file = testInfo.outputPath('capture.pcapng');
  await download.saveAs(file);
  await page.screenshot({ path: 'e2e/screenshots/capture.png' });

  const relay = tshark(
    file,
    'smtp.req.command && ip.src == 192.0.2.25',
    'smtp.req.command',
    'smtp.req.parameter',
  );
  expect(relay.some((l) => /^MAIL(,|\|).*FROM:<alice@example\.com>/.test(l))).toBe(true);
  expect(tshark(file, 'dns.qry.type == 15 && dns.flags.response == 1', 'dns.mx.mail_exchange')).toContain(
    'mx.example.net',
  );
});
