/**
 * Fixtures shared by the POP3 tests: a store with bob's INBOX, and a server
 * session fed by hand whose `say` sends lines and returns what came back.
 * Not imported by engine code.
 */
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import type { TlsInfo } from '../core/session.ts';
import { MailStore } from '../store/mail-store.ts';
import {
  DEFAULT_POP3_SERVER_CONFIG,
  type Pop3LoginRegistry,
  type Pop3ServerConfig,
} from './server-config.ts';
import { Pop3ServerSession, type Pop3ServerAppEvent, type SessionClock } from './server-session.ts';

/** The TLS facts a simulated handshake reports. */
export const TEST_TLS: TlsInfo = {
  version: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  serverName: 'pop.example.net',
};

/** Epoch ms the tests' wall clock starts at. */
export const EPOCH = 1_796_000_000_000;

/** Three messages; the second has a line starting with a dot, the third no body at all. */
export const MESSAGES = [
  'From: alice@example.com\r\nSubject: one\r\n\r\nHello Bob.\r\nLine 2\r\nLine 3\r\n',
  'From: carol@example.com\r\nSubject: two\r\n\r\n.dotted line\r\n..two dots\r\n',
  'From: dave@example.com\r\nSubject: three\r\n',
] as const;

/** A store with bob@example.net (password `secret`, three messages) and an empty carol@example.net. */
export function makeStore(messages: readonly string[] = MESSAGES): MailStore {
  const store = new MailStore(1_700_000_000);
  const bob = store.createAccount('bob@example.net', 'secret');
  for (const m of messages) bob.inbox.append(latin1Bytes(m), { internalDate: EPOCH });
  store.createAccount('carol@example.net', 'hunter2');
  return store;
}

/** Options for {@link serverHarness}. */
export interface HarnessOptions {
  readonly config?: Partial<Pop3ServerConfig>;
  readonly store?: MailStore;
  readonly sessionId?: string;
  readonly logins?: Pop3LoginRegistry;
  readonly now?: () => number;
}

/** A server session fed by hand. */
export function serverHarness(clock: SessionClock & { readonly now: number }, options: HarnessOptions = {}) {
  const store = options.store ?? makeStore();
  const session = new Pop3ServerSession(
    {
      config: { ...DEFAULT_POP3_SERVER_CONFIG, hostname: 'pop.example.net', ...options.config },
      store,
      nonce: () => '1896.697170952',
      now: options.now ?? (() => EPOCH + clock.now),
      sessionId: options.sessionId ?? 'pop-1',
      ...(options.logins ? { logins: options.logins } : {}),
    },
    clock,
  );
  const events: Pop3ServerAppEvent[] = [];
  const kinds: string[] = [];
  const violations: string[] = [];
  /** `state <- cause` for every state output. */
  const states: string[] = [];
  let wire = '';
  const drain = () => {
    for (let out = session.poll(); out; out = session.poll()) {
      kinds.push(out.kind);
      if (out.kind === 'transmit') wire += bytesToLatin1(out.bytes);
      if (out.kind === 'event') events.push(out.event);
      if (out.kind === 'violation') violations.push(out.rule);
      if (out.kind === 'state') states.push(`${out.state} <- ${out.event}`);
    }
  };
  session.setWaker(drain);
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
    /** Sends raw text (add the CRLF yourself) and returns the response lines. */
    say(text: string): string[] {
      session.receive(latin1Bytes(text));
      return take();
    },
    /** Logs in with USER/PASS and returns the PASS response. */
    login(user = 'bob@example.net', password = 'secret'): string[] {
      session.receive(latin1Bytes(`USER ${user}\r\nPASS ${password}\r\n`));
      return take().slice(1);
    },
  };
}
