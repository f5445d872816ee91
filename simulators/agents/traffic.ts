/**
 * Background mail a scenario schedules (its `traffic`): streams of messages
 * sent at a steady rate over virtual time, so a week of mail from several
 * senders can be watched, as a DMARC rollout needs.
 *
 * A stream sends either as a user (their mail program submits to their MSA,
 * exactly as Send in the app does) or from a host's own MTA: a platform or a
 * script that hands messages to the local queue (`sendmail`), with an
 * envelope sender and From field of its choosing, signed with the DKIM keys
 * the stream names. That second kind is how a newsletter service and a
 * spoofer send, and neither needs a mail program on the map.
 *
 * Each stream schedules only its next message, so a world with traffic
 * still comes to rest once the streams are done.
 *
 * SIMPLIFICATION: a message handed to the local queue gets no Received
 * field of its own (Postfix's pickup would add one).
 */
import { toHex, utf8Bytes } from '../core/bytes.ts';
import { formatRfc5322Date } from '../core/civil-time.ts';
import type { HostId } from '../core/ids.ts';
import type { DkimSigningKey } from './dkim-signer.ts';
import { signWithKeys } from './dkim-signer.ts';
import { traceAgent, type AgentEnv } from './env.ts';
import type { Draft } from './mua.ts';

/** One stream of messages. */
export interface TrafficStream {
  /** Send as this user, through their mail program … */
  readonly user?: string | undefined;
  /** … or from this host's MTA. */
  readonly host?: string | undefined;
  /** Host streams: the From field, e.g. `Example News <news@example.com>`. */
  readonly from?: string | undefined;
  /** Host streams: the envelope sender (default: the From address). */
  readonly mailFrom?: string | undefined;
  /** Host streams: the keys to sign with, among those the host holds. */
  readonly dkim: readonly { readonly domain: string; readonly selector: string }[];
  readonly to: readonly string[];
  readonly subject: string;
  readonly body: string;
  /** Virtual ms of the first message. */
  readonly startMs: number;
  readonly everyMs: number;
  readonly count: number;
}

/** What the streams need from the world. */
export interface TrafficDeps {
  /** The user's mail program sends `draft`. */
  send(user: string, draft: Draft): void;
  /** Puts a message in `host`'s outbound queue. */
  inject(host: string, message: { mailFrom: string; rcptTo: readonly string[]; data: Uint8Array }): void;
  /** The DKIM keys `host` holds. */
  keys(host: string): readonly DkimSigningKey[];
}

/** The address in a From value (`Name <a@b>` or `a@b`). */
function addressOf(from: string): string {
  return /<([^>]*)>/.exec(from)?.[1] ?? from.trim();
}

/** Starts every stream; each message goes at `startMs + k × everyMs`. */
export function startTraffic(env: AgentEnv, streams: readonly TrafficStream[], deps: TrafficDeps): void {
  streams.forEach((stream, index) => {
    const random = env.random(`traffic:${index}`);
    const fire = (k: number) => {
      const subject = stream.count > 1 ? `${stream.subject} (${k + 1}/${stream.count})` : stream.subject;
      if (stream.user !== undefined) deps.send(stream.user, { to: stream.to, subject, body: stream.body });
      else if (stream.host !== undefined)
        sendFromHost(env, stream, stream.host, subject, random.bytes(8), deps);
      if (k + 1 < stream.count) env.scheduler.schedule(stream.everyMs, () => fire(k + 1), `traffic ${index}`);
    };
    env.scheduler.schedule(stream.startMs, () => fire(0), `traffic ${index}`);
  });
}

function sendFromHost(
  env: AgentEnv,
  stream: TrafficStream,
  host: string,
  subject: string,
  nonce: Uint8Array,
  deps: TrafficDeps,
): void {
  const from = stream.from ?? `postmaster@${host}`;
  const address = addressOf(from);
  const messageId = `<${toHex(nonce)}@${address.slice(address.lastIndexOf('@') + 1)}>`;
  const body = stream.body.replace(/\r?\n/g, '\r\n');
  const data = utf8Bytes(
    [
      `From: ${from}`,
      `To: ${stream.to.join(', ')}`,
      `Subject: ${subject}`,
      `Date: ${formatRfc5322Date(env.wallClock())}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      body.endsWith('\r\n') ? body.slice(0, -2) : body,
      '',
    ].join('\r\n'),
  );
  const held = deps.keys(host);
  const keys = stream.dkim.flatMap((want) => {
    const key = held.find(
      (k) => k.domain.toLowerCase() === want.domain.toLowerCase() && k.selector === want.selector,
    );
    return key === undefined ? [] : [key];
  });
  traceAgent(env, host as HostId, 'sender', 'composed', { messageId, from: address, to: stream.to });
  signWithKeys(env, host as HostId, messageId, keys, data, (signed) =>
    deps.inject(host, { mailFrom: stream.mailFrom ?? address, rcptTo: stream.to, data: signed }),
  );
}
