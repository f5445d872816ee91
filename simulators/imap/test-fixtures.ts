/**
 * Fixtures shared by the IMAP tests: a store with bob's mailboxes, and a
 * server session fed by hand whose `say` sends octets and returns the
 * response lines. Not imported by engine code.
 */
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import type { TlsInfo } from '../core/session.ts';
import { MailStore } from '../store/mail-store.ts';
import { DEFAULT_IMAP_SERVER_CONFIG, type ImapServerConfig } from './server-config.ts';
import { ImapServerSession, type ImapServerAppEvent, type SessionClock } from './server-session.ts';

/** The TLS facts a simulated handshake reports. */
export const TEST_TLS: TlsInfo = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  serverName: 'imap.example.net',
};

/** Epoch ms the tests' wall clock starts at: 2026-11-30T00:53:20Z. */
export const EPOCH = 1_796_000_000_000;

/**
 * A nested multipart: 1 multipart/alternative (1.1 text/plain, 1.2
 * text/html), 2 text/plain.
 */
export const NESTED = [
  'From: Alice <alice@example.com>',
  'To: bob@example.net',
  'Subject: nested',
  'Date: Mon, 30 Nov 2026 09:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/plain',
  '',
  'plain alternative',
  '--inner',
  'Content-Type: text/html',
  '',
  '<p>0123456789abcdef</p>',
  '--inner--',
  '--outer',
  'Content-Type: text/plain',
  '',
  'second part',
  '--outer--',
  '',
].join('\r\n');

/** Bob's INBOX: three messages (the third is {@link NESTED}). */
export const MESSAGES = [
  'From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: hello\r\nDate: Sun, 1 Nov 2026 08:00:00 +0000\r\n\r\nHello Bob.\r\n',
  'From: Carol <carol@example.com>\r\nTo: bob@example.net\r\nCc: dave@example.com\r\nSubject: =?UTF-8?Q?caf=C3=A9?= plans\r\nDate: Tue, 10 Nov 2026 12:00:00 +0000\r\n\r\nLunch at noon?\r\n',
  NESTED,
] as const;

/** Internal dates of {@link MESSAGES}: 1 Nov 08:00, 10 Nov 12:00 and 30 Nov 2026 00:53:20 UTC. */
export const DATES = [1_793_520_000_000, 1_794_312_000_000, EPOCH] as const;

/** A store with bob@example.net (password `secret`) and carol@example.net (`hunter2`). */
export function makeStore(messages: readonly string[] = MESSAGES): MailStore {
  const store = new MailStore(1_700_000_000);
  const bob = store.createAccount('bob@example.net', 'secret');
  messages.forEach((m, i) => bob.inbox.append(latin1Bytes(m), { internalDate: DATES[i] ?? EPOCH }));
  store.createAccount('carol@example.net', 'hunter2');
  return store;
}

/** Options for {@link serverHarness}. */
export interface HarnessOptions {
  readonly config?: Partial<ImapServerConfig>;
  readonly store?: MailStore;
  readonly implicitTls?: boolean;
}

/** A server session fed by hand. */
export function serverHarness(clock: SessionClock & { readonly now: number }, options: HarnessOptions = {}) {
  const store = options.store ?? makeStore();
  const session = new ImapServerSession(
    {
      config: { ...DEFAULT_IMAP_SERVER_CONFIG, hostname: 'imap.example.net', ...options.config },
      store,
      nonce: () => '1896.697170952',
      now: () => EPOCH + clock.now,
      ...(options.implicitTls === true ? { implicitTls: true } : {}),
    },
    clock,
  );
  const events: ImapServerAppEvent[] = [];
  const kinds: string[] = [];
  const violations: string[] = [];
  const states: string[] = [];
  let wire = '';
  let wakes = 0;
  const drain = () => {
    for (let out = session.poll(); out; out = session.poll()) {
      kinds.push(out.kind);
      if (out.kind === 'transmit') wire += bytesToLatin1(out.bytes);
      if (out.kind === 'event') events.push(out.event);
      if (out.kind === 'violation') violations.push(out.rule);
      if (out.kind === 'state') states.push(`${out.state} <- ${out.event}`);
    }
  };
  session.setWaker(() => {
    wakes++;
    drain();
  });
  /** Everything written since the last take, split into lines (CRLF removed). */
  const take = (): string[] => {
    drain();
    const lines = wire.split('\r\n');
    wire = '';
    lines.pop();
    return lines;
  };
  const greeting = take();
  return {
    session,
    store,
    events,
    kinds,
    violations,
    states,
    greeting,
    take,
    get wakes() {
      return wakes;
    },
    /** Sends raw text (add the CRLF yourself) and returns the response lines. */
    say(text: string): string[] {
      session.receive(latin1Bytes(text));
      return take();
    },
    /** Logs in with LOGIN and returns the response lines. */
    login(user = 'bob@example.net', password = 'secret'): string[] {
      session.receive(latin1Bytes(`L1 LOGIN ${user} ${password}\r\n`));
      return take();
    },
    /** Logs in and selects a mailbox; returns the SELECT response lines. */
    select(mailbox = 'INBOX', verb = 'SELECT'): string[] {
      session.receive(latin1Bytes(`L1 LOGIN bob@example.net secret\r\nS1 ${verb} ${mailbox}\r\n`));
      return take().slice(1);
    },
  };
}
