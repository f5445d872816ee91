import { describe, expect, it } from 'vitest';
import { base64Encode, latin1Bytes, toHex, utf8Bytes } from '../core/bytes.ts';
import { cramMd5Response, plainResponse } from '../auth/sasl.ts';
import { md5 } from '../auth/md5.ts';
import { Scheduler } from '../net/scheduler.ts';
import { Pop3LoginRegistry } from './server-config.ts';
import { EPOCH, makeStore, serverHarness, TEST_TLS, type HarnessOptions } from './test-fixtures.ts';

const server = (options: HarnessOptions = {}) => serverHarness(new Scheduler(), options);
const TIMESTAMP = '<1896.697170952@pop.example.net>';
const plain = (user: string, password: string) => base64Encode(plainResponse(user, password));

describe('Pop3ServerSession', () => {
  it('greets with +OK and an APOP timestamp, and answers CAPA (RFC 1939 §4, RFC 2449 §5)', () => {
    const s = server({ config: { loginDelayMs: 900_000 }, logins: new Pop3LoginRegistry() });
    expect(s.greeting).toEqual([`+OK POP3 server ready ${TIMESTAMP}`]);
    expect(s.say('CAPA\r\n')).toEqual([
      '+OK Capability list follows',
      'TOP',
      'USER',
      'SASL PLAIN LOGIN CRAM-MD5',
      'RESP-CODES',
      'AUTH-RESP-CODE',
      'PIPELINING',
      'UIDL',
      'STLS',
      'LOGIN-DELAY 900',
      'IMPLEMENTATION Mailroom',
      '.',
    ]);
    expect(s.session.state).toBe('authorization.awaitingUser');
  });

  it('runs the RFC 1939 §10 example session: USER/PASS, STAT, LIST, RETR, DELE, QUIT', () => {
    const s = server();
    expect(s.say('USER bob@example.net\r\n')).toEqual(['+OK']);
    expect(s.session.state).toBe('authorization.awaitingPass');
    expect(s.say('PASS secret\r\n')).toEqual(['+OK maildrop has 3 messages (176 octets)']);
    expect(s.session.state).toBe('transaction');
    expect(s.say('STAT\r\n')).toEqual(['+OK 3 176']);
    expect(s.say('LIST\r\n')).toEqual(['+OK 3 messages (176 octets)', '1 69', '2 67', '3 40', '.']);
    expect(s.say('RETR 1\r\n')).toEqual([
      '+OK 69 octets',
      'From: alice@example.com',
      'Subject: one',
      '',
      'Hello Bob.',
      'Line 2',
      'Line 3',
      '.',
    ]);
    expect(s.say('DELE 1\r\n')).toEqual(['+OK message 1 deleted']);
    expect(s.say('QUIT\r\n')).toEqual(['+OK POP3 server signing off (2 messages left)']);
    expect(s.session.state).toBe('update');
    expect(s.kinds.slice(-3)).toEqual(['transmit', 'close', 'state']);
    expect(s.store.account('bob@example.net')!.inbox.messages.map((m) => m.uid)).toEqual([2, 3]);
    expect(s.events).toEqual([
      { type: 'loggedIn', user: 'bob@example.net' },
      { type: 'expunged', user: 'bob@example.net', uids: [1] },
    ]);
    s.session.receiveEnd();
    expect(s.session.state).toBe('closed');
  });

  it('sends message octets exactly as stored, dot-stuffed, and a message without body (RFC 1939 §3, §7)', () => {
    const s = server();
    s.login();
    expect(s.say('RETR 2\r\n')).toEqual([
      '+OK 67 octets',
      'From: carol@example.com',
      'Subject: two',
      '',
      '..dotted line',
      '...two dots',
      '.',
    ]);
    expect(s.say('RETR 3\r\n')).toEqual(['+OK 40 octets', 'From: dave@example.com', 'Subject: three', '.']);
  });

  it('answers TOP with the header, the blank line and n body lines (RFC 1939 §7)', () => {
    const s = server();
    s.login();
    expect(s.say('TOP 1 0\r\n')).toEqual([
      '+OK top of message follows',
      'From: alice@example.com',
      'Subject: one',
      '',
      '.',
    ]);
    expect(s.say('TOP 1 2\r\n')).toEqual([
      '+OK top of message follows',
      'From: alice@example.com',
      'Subject: one',
      '',
      'Hello Bob.',
      'Line 2',
      '.',
    ]);
    expect(s.say('TOP 1 99\r\n')).toHaveLength(8);
    expect(s.say('TOP 3 5\r\n')).toEqual([
      '+OK top of message follows',
      'From: dave@example.com',
      'Subject: three',
      '.',
    ]);
  });

  it('gives UIDs from UIDVALIDITY and UID, stable across sessions (RFC 1939 §7 UIDL)', () => {
    const store = makeStore();
    const first = server({ store });
    first.login();
    expect(first.say('UIDL\r\n')).toEqual(['+OK', '1 1700000000.1', '2 1700000000.2', '3 1700000000.3', '.']);
    first.say('DELE 1\r\nQUIT\r\n');
    const second = server({ store, sessionId: 'pop-2' });
    second.login();
    expect(second.say('UIDL\r\n')).toEqual(['+OK', '1 1700000000.2', '2 1700000000.3', '.']);
    expect(second.say('UIDL 2\r\n')).toEqual(['+OK 2 1700000000.3']);
  });

  it('keeps message numbers for the session: later deliveries are invisible until next login (RFC 1939 §5)', () => {
    const s = server();
    s.login();
    s.store.account('bob@example.net')!.inbox.append(latin1Bytes('Subject: late\r\n\r\nx\r\n'), {
      internalDate: EPOCH,
    });
    expect(s.say('STAT\r\n')).toEqual(['+OK 3 176']);
    expect(s.say('RETR 4\r\n')).toEqual(['-ERR no such message, only 3 messages in maildrop']);
    expect(s.say('QUIT\r\n')).toEqual(['+OK POP3 server signing off (4 messages left)']);
  });

  it('hides deleted messages from STAT, LIST, RETR, TOP, UIDL and DELE, and RSET restores them (RFC 1939 §6, §7)', () => {
    const s = server();
    s.login();
    expect(s.say('DELE 2\r\n')).toEqual(['+OK message 2 deleted']);
    expect(s.say('STAT\r\n')).toEqual(['+OK 2 109']);
    expect(s.say('LIST\r\n')).toEqual(['+OK 2 messages (109 octets)', '1 69', '3 40', '.']);
    for (const cmd of ['LIST 2', 'RETR 2', 'TOP 2 1', 'UIDL 2', 'DELE 2'])
      expect(s.say(`${cmd}\r\n`)).toEqual(['-ERR message 2 already deleted']);
    expect(s.say('UIDL\r\n')).toEqual(['+OK', '1 1700000000.1', '3 1700000000.3', '.']);
    expect(s.say('RSET\r\n')).toEqual(['+OK maildrop has 3 messages (176 octets)']);
    expect(s.say('LIST 2\r\n')).toEqual(['+OK 2 67']);
    expect(s.say('QUIT\r\n')).toEqual(['+OK POP3 server signing off (3 messages left)']);
    expect(s.store.account('bob@example.net')!.inbox.messages).toHaveLength(3);
  });

  it('deletes nothing when the connection drops in TRANSACTION, and frees the lock (RFC 1939 §6)', () => {
    const s = server();
    s.login();
    s.say('DELE 1\r\nDELE 2\r\n');
    expect(s.store.account('bob@example.net')!.maildropLock).toBe('pop-1');
    s.session.receiveEnd();
    expect(s.session.state).toBe('closed');
    expect(s.store.account('bob@example.net')!.inbox.messages).toHaveLength(3);
    expect(s.store.account('bob@example.net')!.maildropLock).toBeUndefined();
  });

  it('closes at the 10-minute autologout without UPDATE and without a response, on virtual time (RFC 1939 §3)', () => {
    const clock = new Scheduler();
    const s = serverHarness(clock);
    s.login();
    s.say('DELE 1\r\n');
    clock.advance(599_999);
    expect(s.take()).toEqual([]);
    s.say('NOOP\r\n');
    clock.advance(599_999);
    expect(s.take()).toEqual([]);
    clock.advance(1);
    expect(s.take()).toEqual([]);
    expect(s.kinds.slice(-2)).toEqual(['close', 'state']);
    expect(s.session.state).toBe('closed');
    expect(s.states).toEqual([
      'authorization.awaitingUser <- start',
      'authorization.awaitingPass <- cmd.USER',
      'transaction <- cmd.PASS',
      'closed <- timer.idleTimeout',
    ]);
    expect(s.store.account('bob@example.net')!.inbox.messages).toHaveLength(3);
    expect(s.store.account('bob@example.net')!.maildropLock).toBeUndefined();
  });

  it('starts secure on implicit TLS (port 995): no STLS, cleartext rules lifted (RFC 8314 §3)', () => {
    const s = server({ config: { allowPlaintextAuth: false } });
    s.session.handleTlsEstablished(TEST_TLS);
    const capa = s.say('CAPA\r\n');
    expect(capa).toContain('USER');
    expect(capa).not.toContain('STLS');
    expect(s.login()).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('refuses a second concurrent login with [IN-USE], and allows it once the first has quit (RFC 2449 §8.1.1)', () => {
    const store = makeStore();
    const first = server({ store });
    first.login();
    const second = server({ store, sessionId: 'pop-2' });
    expect(second.login()).toEqual(['-ERR [IN-USE] Unable to lock maildrop: already in use.']);
    expect(second.session.state).toBe('authorization.awaitingUser');
    first.say('QUIT\r\n');
    expect(second.login()).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('releases the lock when the driver stops the session in any state', () => {
    const store = makeStore();
    const s = server({ store });
    s.login();
    s.session.stop();
    expect(store.account('bob@example.net')!.maildropLock).toBeUndefined();
  });

  it('refuses bad credentials with [AUTH] and returns to AUTHORIZATION (RFC 3206 §4, RFC 1939 §7)', () => {
    const s = server();
    expect(s.login('bob@example.net', 'wrong')).toEqual(['-ERR [AUTH] Authentication failed.']);
    expect(s.login('nobody@example.net', 'secret')).toEqual(['-ERR [AUTH] Authentication failed.']);
    expect(s.session.state).toBe('authorization.awaitingUser');
    expect(s.login()).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('refuses PASS without USER and a repeated USER, and stays usable (RFC 1939 §7)', () => {
    const s = server();
    expect(s.say('PASS secret\r\n')).toEqual(['-ERR No username given.']);
    expect(s.say('USER bob@example.net\r\n')).toEqual(['+OK']);
    expect(s.say('USER carol@example.net\r\n')).toEqual(['-ERR USER already given; send PASS']);
    expect(s.say('PASS secret\r\n')).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('logs in with APOP: MD5 of the greeting timestamp and the secret (RFC 1939 §7)', () => {
    const s = server();
    const digest = toHex(md5(utf8Bytes(`${TIMESTAMP}secret`)));
    expect(s.say(`APOP bob@example.net ${'0'.repeat(32)}\r\n`)).toEqual([
      '-ERR [AUTH] Authentication failed.',
    ]);
    expect(s.say(`APOP bob@example.net ${digest}\r\n`)).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('logs in with AUTH PLAIN, with and without an initial response (RFC 5034 §4)', () => {
    const s = server();
    expect(s.say(`AUTH PLAIN ${plain('bob@example.net', 'wrong')}\r\n`)).toEqual([
      '-ERR [AUTH] Authentication failed.',
    ]);
    expect(s.say('AUTH PLAIN\r\n')).toEqual(['+ ']);
    expect(s.session.state).toBe('authorization.authenticating');
    expect(s.say(`${plain('bob@example.net', 'secret')}\r\n`)).toEqual([
      '+OK maildrop has 3 messages (176 octets)',
    ]);
  });

  it('runs LOGIN and CRAM-MD5, cancels with *, refuses unknown mechanisms (RFC 5034 §4)', () => {
    const s = server();
    expect(s.say('AUTH XOAUTH2\r\n')).toEqual(['-ERR Unsupported authentication mechanism']);
    expect(s.say('AUTH LOGIN\r\n')).toEqual(['+ VXNlcm5hbWU6']);
    expect(s.say('*\r\n')).toEqual(['-ERR Authentication aborted']);
    expect(s.say('AUTH PLAIN\r\n!!!\r\n')).toEqual(['+ ', '-ERR cannot decode the response']);
    expect(s.say(`AUTH PLAIN\r\n${'A'.repeat(13_000)}\r\n`)).toEqual([
      '+ ',
      '-ERR Authentication line too long',
    ]);
    expect(s.session.state).toBe('authorization.awaitingUser');
    const challenge = s.say('AUTH CRAM-MD5\r\n')[0]!;
    expect(challenge).toBe(`+ ${base64Encode(latin1Bytes(TIMESTAMP))}`);
    const answer = base64Encode(cramMd5Response(TIMESTAMP, 'bob@example.net', 'secret'));
    expect(s.say(`${answer}\r\n`)).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('enforces LOGIN-DELAY with its response code (RFC 2449 §6.5, §8.1.2)', () => {
    const clock = new Scheduler();
    const logins = new Pop3LoginRegistry();
    const store = makeStore();
    const options = { store, logins, config: { loginDelayMs: 60_000 } };
    const first = serverHarness(clock, options);
    first.login();
    first.say('QUIT\r\n');
    clock.advance(30_000);
    const second = serverHarness(clock, { ...options, sessionId: 'pop-2' });
    expect(second.login()).toEqual(['-ERR [LOGIN-DELAY] Logged in too recently; try again later.']);
    clock.advance(30_000);
    expect(second.login()).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('starts TLS on STLS, discards commands pipelined behind it, and starts AUTHORIZATION afresh (RFC 2595 §4)', () => {
    const s = server();
    s.say('USER bob@example.net\r\n');
    expect(s.say('STLS\r\nPASS injected\r\n')).toEqual(['+OK Begin TLS negotiation']);
    expect(s.violations).toContain('RFC 2595 §3.1');
    expect(s.session.state).toBe('awaitingTls');
    s.session.handleTlsEstablished(TEST_TLS);
    expect(s.session.state).toBe('authorization.awaitingUser');
    expect(s.say('PASS secret\r\n')).toEqual(['-ERR No username given.']);
    expect(s.say('CAPA\r\n')).not.toContain('STLS');
    expect(s.say('STLS\r\n')).toEqual(['-ERR Command not permitted when TLS active']);
  });

  it('refuses STLS when not offered (RFC 2595 §4)', () => {
    const s = server({ config: { offerStls: false } });
    expect(s.say('CAPA\r\n')).not.toContain('STLS');
    expect(s.say('STLS\r\n')).toEqual(['-ERR STLS not available']);
  });

  it('neither offers nor accepts cleartext passwords before TLS when the config forbids them (RFC 2595 §2.2)', () => {
    const s = server({ config: { allowPlaintextAuth: false } });
    const capa = s.say('CAPA\r\n');
    expect(capa).not.toContain('USER');
    expect(capa).toContain('SASL CRAM-MD5');
    const refused = '-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.';
    expect(s.say('USER bob@example.net\r\n')).toEqual([refused]);
    expect(s.say(`AUTH PLAIN ${plain('bob@example.net', 'secret')}\r\n`)).toEqual([refused]);
    s.say('STLS\r\n');
    s.session.handleTlsEstablished(TEST_TLS);
    expect(s.say('CAPA\r\n')).toContain('SASL PLAIN LOGIN CRAM-MD5');
    expect(s.login()).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it('answers bad arguments with -ERR and stays usable (RFC 1939 §7)', () => {
    const s = server();
    s.login();
    expect(s.say('RETR 0\r\n')).toEqual(['-ERR no such message, only 3 messages in maildrop']);
    expect(s.say('RETR 99999\r\n')).toEqual(['-ERR no such message, only 3 messages in maildrop']);
    expect(s.say('TOP 1 -1\r\n')).toEqual([
      '-ERR TOP needs a message number and a non-negative number of lines',
    ]);
    expect(s.say('LIST abc\r\n')).toEqual(['-ERR LIST takes at most one argument: a message number']);
    expect(s.say('FOO\r\n')).toEqual(['-ERR Unknown command']);
    expect(s.say('STAT\r\n')).toEqual(['+OK 3 176']);
    expect(s.session.state).toBe('transaction');
  });

  it('accepts a 255-octet command line, refuses a longer one, and goes on (RFC 2449 §4)', () => {
    const s = server();
    expect(s.say(`USER ${'x'.repeat(248)}\r\n`)).toEqual(['+OK']);
    expect(s.say(`PASS ${'x'.repeat(249)}\r\n`)).toEqual(['-ERR Command line too long (max 255 octets)']);
    expect(s.violations).toContain('RFC 2449 §4');
    expect(s.say('PASS x\r\n')).toEqual(['-ERR [AUTH] Authentication failed.']);
  });

  it('answers a pipelined batch in order (RFC 2449 §6.6)', () => {
    const s = server();
    expect(s.say('USER bob@example.net\r\nPASS secret\r\nSTAT\r\nLIST 3\r\nNOOP\r\nQUIT\r\n')).toEqual([
      '+OK',
      '+OK maildrop has 3 messages (176 octets)',
      '+OK 3 176',
      '+OK 3 40',
      '+OK',
      '+OK POP3 server signing off (3 messages left)',
    ]);
  });

  it('QUIT in AUTHORIZATION signs off without UPDATE (RFC 1939 §5)', () => {
    const s = server();
    expect(s.say('QUIT\r\n')).toEqual(['+OK POP3 server signing off']);
    expect(s.session.state).toBe('closed');
    expect(s.say('STAT\r\n')).toEqual([]);
  });

  it('says "maildrop empty" when UPDATE removed everything (RFC 1939 §6)', () => {
    const s = server();
    s.login();
    expect(s.say('DELE 1\r\nDELE 2\r\nDELE 3\r\nQUIT\r\n').at(-1)).toBe(
      '+OK POP3 server signing off (maildrop empty)',
    );
    expect(s.store.account('bob@example.net')!.inbox.messages).toEqual([]);
  });
});

describe('forbidden commands (RFC 1939 §3: -ERR, nothing changes)', () => {
  const TRANSACTION_ONLY = [
    'STAT',
    'LIST',
    'LIST 1',
    'RETR 1',
    'DELE 1',
    'NOOP',
    'RSET',
    'TOP 1 1',
    'UIDL',
    'UIDL 1',
  ];
  const AUTHORIZATION_ONLY = [
    'USER bob@example.net',
    'PASS secret',
    `APOP bob@example.net ${'0'.repeat(32)}`,
    'AUTH PLAIN',
    'STLS',
  ];

  it.each(TRANSACTION_ONLY)('refuses %s in AUTHORIZATION.awaitingUser', (command) => {
    const s = server();
    const verb = command.split(' ')[0]!;
    expect(s.say(`${command}\r\n`)).toEqual([`-ERR ${verb} not valid in the AUTHORIZATION state`]);
    expect(s.session.state).toBe('authorization.awaitingUser');
    expect(s.violations).toEqual(['RFC 1939 §3']);
  });

  it.each(TRANSACTION_ONLY)('refuses %s in AUTHORIZATION.awaitingPass', (command) => {
    const s = server();
    s.say('USER bob@example.net\r\n');
    const verb = command.split(' ')[0]!;
    expect(s.say(`${command}\r\n`)).toEqual([`-ERR ${verb} not valid in the AUTHORIZATION state`]);
    expect(s.session.state).toBe('authorization.awaitingPass');
    // The USER given is still remembered.
    expect(s.say('PASS secret\r\n')).toEqual(['+OK maildrop has 3 messages (176 octets)']);
  });

  it.each(AUTHORIZATION_ONLY)('refuses %s in TRANSACTION', (command) => {
    const s = server();
    s.login();
    s.say('DELE 1\r\n');
    const verb = command.split(' ')[0]!;
    expect(s.say(`${command}\r\n`)).toEqual([`-ERR ${verb} not valid in the TRANSACTION state`]);
    expect(s.session.state).toBe('transaction');
    expect(s.say('STAT\r\n')).toEqual(['+OK 2 107']);
    expect(s.store.account('bob@example.net')!.maildropLock).toBe('pop-1');
  });
});
