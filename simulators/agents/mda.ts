/**
 * The MDA: final delivery into a user's mailbox. It adds the two headers a
 * delivery agent is expected to add — Return-Path with the envelope sender
 * (RFC 5321 §4.4: "the final delivery SMTP server … MUST insert a
 * return-path line") and Delivered-To with the envelope recipient (Postfix's
 * loop guard) — and stores the octets with the delivery time as the internal
 * date.
 *
 * A recipient over quota (RFC 9208 limits on the account) is a temporary
 * failure, X.2.2 "Mailbox full" (RFC 3463 §3.3): the MTA keeps the message
 * and retries, and the MX can refuse the recipient at RCPT already with
 * `452 4.2.2` ({@link mailboxFull}, as Postfix does with Dovecot's
 * quota-status policy service).
 */
import { concatBytes, utf8Bytes } from '../core/bytes.ts';
import { StoreFullError, type MailStore, type StoredMessage } from '../store/mail-store.ts';

/** The outcome of one local delivery. */
export type DeliveryResult =
  | { readonly ok: true; readonly message: StoredMessage; readonly mailbox: string }
  /** Taken by an alias or a list, which post it again (mediators.ts). */
  | { readonly ok: true; readonly redirected: string }
  | { readonly ok: false; readonly temporary: boolean; readonly reason: string };

/**
 * Whether a message of `octets` (0 when the size is not known yet) would
 * take `recipient`'s account over its quota; false for an unknown recipient.
 */
export function mailboxFull(store: MailStore, recipient: string, octets: number): boolean {
  return store.account(recipient)?.quotaExceededBy(octets) !== undefined;
}

/**
 * Delivers `data` for `recipient` into its INBOX, or into the mailbox with
 * the special use `mailbox` names (RFC 6154, e.g. `\\Junk` for a message
 * DMARC quarantines) when the account has one.
 */
export function deliverLocal(
  store: MailStore,
  delivery: {
    readonly mailFrom: string;
    readonly recipient: string;
    readonly data: Uint8Array;
    readonly now: number;
    /** A special use (`\\Junk`); INBOX when absent or when the account has no such mailbox. */
    readonly mailbox?: string;
  },
): DeliveryResult {
  const account = store.account(delivery.recipient);
  if (!account) return { ok: false, temporary: false, reason: `no mailbox for ${delivery.recipient}` };
  const headers = `Return-Path: <${delivery.mailFrom}>\r\nDelivered-To: ${delivery.recipient}\r\n`;
  const box =
    (delivery.mailbox === undefined ? undefined : account.specialMailbox(delivery.mailbox)) ?? account.inbox;
  try {
    // A full account throws StoreFullError before anything is stored.
    const message = box.append(concatBytes([utf8Bytes(headers), delivery.data]), {
      internalDate: delivery.now,
    });
    return { ok: true, message, mailbox: box.name };
  } catch (e) {
    if (e instanceof StoreFullError) return { ok: false, temporary: true, reason: e.message };
    throw e;
  }
}
