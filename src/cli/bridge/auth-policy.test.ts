/**
 * Off loopback the bridge takes no password before TLS. This machine's tests
 * may only listen on loopback, so they force the off-loopback policy with
 * `plaintextAuth: false` (what `serve` sets for a non-loopback `--listen`, or
 * for `--require-tls-for-auth`) and check what clients are told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgs } from '../commands/serve.ts';
import { startBridge, type Bridge } from './bridge.ts';
import { SmtpLineClient } from './smtp-line-client.ts';
import { connect } from 'node:net';

/** Sends `lines` to a line protocol and returns everything said until `until` matches. */
function converse(port: number, lines: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ${until} in: ${text}`));
    }, 10_000);
    socket.setEncoding('latin1');
    socket.once('data', () => socket.write(lines));
    socket.on('data', (t: string) => {
      text += t;
      if (until.test(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

describe('serve chooses the policy from --listen', () => {
  it('takes passwords in plain text on loopback, unless told not to', () => {
    const loopback = parseServeArgs([]);
    const forced = parseServeArgs(['--require-tls-for-auth']);
    const remote = parseServeArgs(['--listen', '0.0.0.0', '--allow-remote']);
    if (typeof loopback === 'string' || typeof forced === 'string' || typeof remote === 'string')
      throw new Error('usage error');
    expect(loopback.requireTlsForAuth).toBe(false);
    expect(forced.requireTlsForAuth).toBe(true);
    expect(remote.listen).toBe('0.0.0.0');
  });
});

describe('a bridge that takes no password before TLS', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await startBridge({
      ports: { submission: 0, pop3: 0, imap: 0 },
      users: [{ address: 'test@example.org', password: 'pw' }],
      plaintextAuth: false,
    });
  });
  afterAll(async () => {
    await bridge?.stop();
  });

  it('is off when asked, and on by default on loopback', async () => {
    expect(bridge.plaintextAuth).toBe(false);
    const plain = await startBridge({ ports: { submission: 0 } });
    try {
      expect(plain.plaintextAuth).toBe(true);
    } finally {
      await plain.stop();
    }
  });

  it('SMTP: does not offer AUTH PLAIN/LOGIN and refuses it with 538 5.7.11', async () => {
    const c = await SmtpLineClient.connect(bridge.ports.submission!);
    try {
      await c.reply();
      const ehlo = await c.command('EHLO client.example');
      expect(ehlo.lines.join('\n')).not.toMatch(/AUTH.*PLAIN/);
      const auth = await c.command(`AUTH PLAIN ${Buffer.from('\0test@example.org\0pw').toString('base64')}`);
      expect(auth.code).toBe(538);
    } finally {
      c.destroy();
    }
  });

  it('IMAP: advertises LOGINDISABLED and refuses LOGIN', async () => {
    const text = await converse(
      bridge.ports.imap!,
      'a CAPABILITY\r\nb LOGIN test@example.org pw\r\n',
      /^b (OK|NO|BAD).*\r\n/m,
    );
    expect(text).toMatch(/LOGINDISABLED/);
    expect(text).toMatch(/^b NO /m);
  });

  it('POP3: refuses USER/PASS with -ERR', async () => {
    const text = await converse(
      bridge.ports.pop3!,
      'USER test@example.org\r\nPASS pw\r\n',
      /(-ERR.*\r\n){2}|\+OK Logged/,
    );
    expect(text).toMatch(/-ERR/);
    expect(text).not.toMatch(/\+OK.*(logged|maildrop)/i);
  });
});
