/**
 * Which protocol a TXT record speaks, by its text and where it is published:
 * the one decision the record checks and the outline share.
 */
import { isKeyName } from './dkim/lint.ts';
import { DMARC_PREFIX } from './dmarc/lint.ts';
import { isDmarcRecord } from './dmarc/record.ts';
import { isSpfRecord } from './spf/record.ts';

/** What a TXT record is, by its text and where it is published. */
export type RecordKind = 'spf' | 'dmarc' | 'dkim' | 'other';

/** A DMARC authorisation record of RFC 7489 §7.1 sits at `<domain>._report._dmarc.<host>`. */
export function isReportAuthorisation(owner: string): boolean {
  return owner.includes('._report._dmarc.');
}

/** What a TXT record with `text` at `owner` is read as. */
export function recordKind(text: string, owner: string): RecordKind {
  if (isSpfRecord(text)) return 'spf';
  if (isReportAuthorisation(owner)) return 'other';
  if (owner.startsWith(DMARC_PREFIX) || isDmarcRecord(text)) return 'dmarc';
  if (isKeyName(owner) || /^v=DKIM1(?:;|\s|$)/.test(text)) return 'dkim';
  return 'other';
}
