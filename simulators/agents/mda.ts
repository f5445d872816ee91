/**
 * The MDA: final delivery into a user's mailbox. It adds the two headers a
 * delivery agent is expected to add — Return-Path with the envelope sender
 * (RFC 5321 §4.4: "the final delivery SMTP server … MUST insert a
 * return-path line") and Delivered-To with the envelope recipient (Postfix's
 * loop guard) — and stores the octets with the delivery time as the internal
 * date.
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
    const message = box.append(concatBytes([utf8Bytes(headers), delivery.data]), {
      internalDate: delivery.now,
    });
    return { ok: true, message, mailbox: box.name };
  } catch (e) {
    if (e instanceof StoreFullError) return { ok: false, temporary: true, reason: e.message };
    throw e;
  }
}
