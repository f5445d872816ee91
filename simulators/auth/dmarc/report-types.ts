/**
 * The shapes of DMARC aggregate reporting: what a receiver records about
 * each message it evaluated (the input of the aggregator, carried in the
 * trace), and the feedback document of RFC 9990 §3 (and of RFC 7489
 * Appendix C, the older schema most reports in the wild still follow).
 *
 * Element names map one to one: `source_ip` is `sourceIp`, `policy_evaluated`
 * fields sit on the record, `auth_results` are `dkimResults`/`spfResults`.
 *
 * RFC 9990 sections are cited as its last draft
 * (draft-ietf-dmarc-aggregate-reporting-30) numbers them: §3.1.1 the XML
 * elements, §3.1.3 DKIM signatures, §3.5.2 email, §4 external destinations.
 */
import type { DmarcMode, DmarcPolicy } from './record.ts';
import type { DmarcResultCode } from './types.ts';

/** The namespace of RFC 9990 reports (§6.1). */
export const DMARC_NAMESPACE = 'urn:ietf:params:xml:ns:dmarc-2.0';

/** Which schema a report follows. */
export type ReportFormat = 'rfc9990' | 'rfc7489';

/** How the policy was found (RFC 9990 `discovery_method`). */
export type DiscoveryMethod = 'psl' | 'treewalk';

/**
 * Why the disposition differs from the policy (RFC 9990 §3.1.6 and RFC 7489
 * §7.2.1: `forwarded` and `sampled_out` exist only in RFC 7489,
 * `policy_test_mode` only in RFC 9990).
 */
export type PolicyOverride =
  | 'forwarded'
  | 'sampled_out'
  | 'trusted_forwarder'
  | 'mailing_list'
  | 'local_policy'
  | 'other'
  | 'policy_test_mode';

/** A `reason` element. */
export interface PolicyOverrideReason {
  readonly type: PolicyOverride;
  readonly comment?: string;
}

/** What the receiver did (RFC 9990 `ActionDispositionType`; `pass` is RFC 9990 only). */
export type ReportDisposition = 'none' | 'pass' | 'quarantine' | 'reject';

/** DKIM results of RFC 8601 §2.7.1. */
export type ReportDkimResult = 'none' | 'pass' | 'fail' | 'policy' | 'neutral' | 'temperror' | 'permerror';

/** SPF results of RFC 8601 §2.7.2. */
export type ReportSpfResult = 'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror';

/** One DKIM signature's result, uninterpreted by DMARC. */
export interface DkimAuthResult {
  /** `d=`. */
  readonly domain: string;
  /** `s=` (required by RFC 9990, optional in RFC 7489). */
  readonly selector?: string;
  readonly result: ReportDkimResult;
  readonly humanResult?: string;
}

/** The SPF result, uninterpreted by DMARC. */
export interface SpfAuthResult {
  readonly domain: string;
  /** `mfrom` (the only value RFC 9990 allows) or `helo`. */
  readonly scope?: 'mfrom' | 'helo';
  readonly result: ReportSpfResult;
  readonly humanResult?: string;
}

/** One `record`: messages that share a source, a verdict and identifiers, and how many. */
export interface ReportRecord {
  readonly sourceIp: string;
  readonly count: number;
  readonly disposition: ReportDisposition;
  /** DKIM, aligned and passing, as DMARC sees it. */
  readonly dkim: 'pass' | 'fail';
  /** SPF, aligned and passing, as DMARC sees it. */
  readonly spf: 'pass' | 'fail';
  readonly reasons: readonly PolicyOverrideReason[];
  readonly headerFrom: string;
  /** The MAIL FROM domain; `''` for the null reverse-path (RFC 9990 §3.1.1.10). */
  readonly envelopeFrom?: string;
  readonly envelopeTo?: string;
  readonly dkimResults: readonly DkimAuthResult[];
  readonly spfResults: readonly SpfAuthResult[];
}

/** `policy_published`: the record as the receiver found it, defaults filled in. */
export interface PolicyPublished {
  readonly domain: string;
  readonly discoveryMethod?: DiscoveryMethod;
  readonly adkim?: 'r' | 's';
  readonly aspf?: 'r' | 's';
  readonly p: DmarcPolicy;
  readonly sp?: DmarcPolicy;
  /** RFC 9990 only. */
  readonly np?: DmarcPolicy;
  /** RFC 7489 only. */
  readonly pct?: number;
  readonly fo?: string;
  /** RFC 9990 only: the `t` tag. */
  readonly testing?: 'y' | 'n';
}

/** `report_metadata`. */
export interface ReportMetadata {
  readonly orgName: string;
  readonly email: string;
  readonly extraContactInfo?: string;
  readonly reportId: string;
  /** Seconds since the epoch, UTC. */
  readonly begin: number;
  readonly end: number;
  readonly errors: readonly string[];
  /** RFC 9990 only: the software that wrote the report. */
  readonly generator?: string;
}

/** A whole aggregate report (the `feedback` element). */
export interface FeedbackReport {
  readonly format: ReportFormat;
  /** The `version` element, when present (RFC 9990: `1.0`). */
  readonly version?: string;
  readonly metadata: ReportMetadata;
  readonly policy: PolicyPublished;
  readonly records: readonly ReportRecord[];
}

/**
 * What a receiving MTA records about one message and one Author Domain
 * once DMARC has run, when a DMARC policy record applied: everything an
 * aggregate report row needs (OpenDMARC keeps the same in its history
 * file). Traced as a `dmarc.evaluated` event.
 */
export interface DmarcEvaluationEntry {
  readonly mode: DmarcMode;
  /** The SMTP client's address. */
  readonly sourceIp: string;
  /** The RFC5322.From domain. */
  readonly headerFrom: string;
  /** The RFC5321.MailFrom domain, `''` for the null reverse-path. */
  readonly envelopeFrom: string;
  readonly spf?: SpfAuthResult;
  readonly dkim: readonly DkimAuthResult[];
  readonly result: DmarcResultCode;
  readonly spfAligned: boolean;
  readonly dkimAligned: boolean;
  /** The policy the record asks for this message. */
  readonly policy: DmarcPolicy;
  /** What the receiver applied. */
  readonly disposition: DmarcPolicy;
  readonly reasons: readonly PolicyOverrideReason[];
  /** Where the record was found, and its text as discovered. */
  readonly policyDomain: string;
  readonly record: string;
}
