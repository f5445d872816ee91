/**
 * A host that sends a message straight to each recipient domain's MX, as a
 * script with a socket does: no submission server, no DKIM signature, no
 * queue, no retry, no bounce. It is how a spoofer sends mail in another
 * domain's name, and how a bulk-mail service delivers a newsletter; the
 * receiving MTA's checks are what stand between it and the INBOX.
 *
 * The envelope (MAIL FROM) and the header From: are set independently, as
 * nothing but SPF and DMARC ties them together. MX lookup follows RFC 5321
 * §5.1 in its simplest form: the lowest-preference exchange, or the domain
 * itself when it has no MX. SIMPLIFICATION: one exchange is tried, once.
 */
import { toHex, utf8Bytes } from '../core/bytes.ts';
import { formatRfc5322Date } from '../core/civil-time.ts';
import type { HostId } from '../core/ids.ts';
import type { Host } from '../net/network.ts';
import { SmtpClientSession, type SmtpClientAppEvent } from '../smtp/client-session.ts';
import { traceAgent, type AgentEnv } from './env.ts';

/** A message for {@link sendDirect}. */
export interface DirectMessage {
  /** The envelope sender (RFC 5321 MAIL FROM); `''` for the null sender. */
  readonly mailFrom: string;
  /** Envelope recipients; also written in To:. */
  readonly to: readonly string[];
  /** The header From: value (RFC 5322), e.g. `Alice <alice@example.com>`. */
  readonly from: string;
  readonly subject: string;
  readonly body: string;
  /** The EHLO name; the host's id by default. */
  readonly helo?: string;
}

/** How one recipient fared. */
export interface DirectRecipientResult {
  readonly address: string;
  readonly ok: boolean;
  /** The server's reply (`550 5.7.1 …`), or why nothing was sent. */
  readonly reply: string;
}

/** The sending script of one host. */
export class DirectSender {
  readonly #random;

  constructor(
    readonly env: AgentEnv,
    readonly host: Host,
  ) {
    this.#random = env.random(`direct:${host.id}`);
  }

  /** Sends `message`; `done` hears each recipient's outcome. Returns the Message-ID. */
  send(message: DirectMessage, done: (results: readonly DirectRecipientResult[]) => void = () => {}): string {
    const messageId = `<${toHex(this.#random.bytes(8))}@${message.helo ?? this.host.id}>`;
    sendOnce(this.env, this.host, messageId, message, done);
    return messageId;
  }
}

function sendOnce(
  env: AgentEnv,
  host: Host,
  messageId: string,
  message: DirectMessage,
  done: (results: readonly DirectRecipientResult[]) => void,
): void {
  const helo = message.helo ?? host.id;
  const data = utf8Bytes(
    [
      `From: ${message.from}`,
      `To: ${message.to.join(', ')}`,
      `Subject: ${message.subject}`,
      `Date: ${formatRfc5322Date(env.wallClock())}`,
      `Message-ID: ${messageId}`,
      '',
      message.body.replace(/\r?\n/g, '\r\n').replace(/(\r\n)?$/, '\r\n'),
    ].join('\r\n'),
  );
  const trace = (action: string, detail: Readonly<Record<string, string | readonly string[]>>) =>
    traceAgent(env, host.id as HostId, 'sender', action, { messageId, ...detail });
  trace('composed', { from: message.mailFrom || '<>', to: message.to });

  const byDomain = new Map<string, string[]>();
  for (const rcpt of message.to) {
    const domain = rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase();
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), rcpt]);
  }
  const results: DirectRecipientResult[] = [];
  let outstanding = byDomain.size;
  /** One domain's outcome: every recipient of it, at once. */
  const settle = (outcomes: readonly DirectRecipientResult[]) => {
    for (const r of outcomes) {
      results.push(r);
      trace(r.ok ? 'sent' : 'refused', { to: r.address, reply: r.reply });
    }
    if (--outstanding === 0) done(results);
  };
  for (const [domain, recipients] of byDomain) {
    const fail = (why: string) => settle(recipients.map((address) => ({ address, ok: false, reply: why })));
    env.dns.lookup(host.id, { name: domain, type: 'MX' }, `MX lookup for ${domain}`, (mx) => {
      const best = mx.answers
        .flatMap((rr) => (rr.type === 'MX' ? [rr] : []))
        .sort((a, b) => a.preference - b.preference)[0];
      const exchange = best?.exchange || domain;
      env.dns.lookup(host.id, { name: exchange, type: 'A' }, `address of MX ${exchange}`, (a) => {
        const address = a.answers.find((rr) => rr.type === 'A');
        if (!address || address.type !== 'A') return fail(`${exchange}: no address record (${a.rcode})`);
        const socket = host.connect(
          { address: address.address, port: 25, serverName: exchange },
          {
            failed: (reason) => fail(`connect to ${exchange}:25: ${reason}`),
            opened: () => {
              const session = new SmtpClientSession(
                { heloName: helo, tls: 'opportunistic', implicitTls: false, replyTimeoutMs: 300_000 },
                env.scheduler,
              );
              let reported = false;
              env.driver.attach(socket, session, {
                protocol: 'smtp',
                onEvent: (event: SmtpClientAppEvent) => {
                  if (reported || (event.type !== 'result' && event.type !== 'failed')) return;
                  reported = true;
                  if (event.type === 'failed') return fail(event.reason);
                  settle(
                    event.recipients.map(({ address, reply }) => ({
                      address,
                      ok: reply.code < 300,
                      reply: `${reply.code} ${reply.enhanced ? `${reply.enhanced} ` : ''}${[reply.text].flat().join(' ')}`,
                    })),
                  );
                },
              });
              session.send({ id: messageId, mailFrom: message.mailFrom, rcptTo: recipients, data });
              session.quit();
            },
          },
        );
        void socket;
      });
    });
  }
}
