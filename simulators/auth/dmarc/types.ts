/**
 * The shapes of a DMARC evaluation: its input, its result and the steps it
 * records for the app's explanation tree (like SPF's `SpfStep`).
 */
import type { DnsAnswer, RRType } from '../../dns/records.ts';
import type { SpfResultCode } from '../spf/evaluate.ts';
import type { DmarcMode, DmarcPolicy, DmarcRecord } from './record.ts';

/** DMARC results (RFC 8601 §2.7.1 as extended by RFC 7489 §11.2 and RFC 9989). */
export type DmarcResultCode = 'pass' | 'fail' | 'none' | 'temperror' | 'permerror';

/** Identifier alignment mode (RFC 7489 §3.1): relaxed or strict. */
export type AlignmentMode = 'r' | 's';

/** What {@link evaluateDmarc} needs: the Author Domain and the underlying results. */
export interface DmarcInput {
  /** The RFC5322.From domain (see `fromDomainOf`). */
  readonly fromDomain: string;
  /** The SPF result and the domain it authenticated: the MAIL FROM domain (or the HELO name). */
  readonly spf: { readonly result: SpfResultCode; readonly domain: string };
  /** DKIM results, one per signature: `result` (`pass`…) and the signing domain `d=`. */
  readonly dkim: readonly { readonly result: string; readonly domain: string }[];
  /** The specification to follow; RFC 9989 if absent. */
  readonly mode?: DmarcMode;
  /**
   * RFC 7489 `pct` sampling: a source of numbers in [0, 1), e.g. the world's
   * seeded PRNG, so runs are reproducible. Only called when a failing
   * message meets 0 < pct < 100 and a policy other than none. Without it the
   * draw is 0, so any pct above 0 selects the message.
   */
  readonly random?: () => number;
}

/** The alignment of one authenticated identifier with the From domain. */
export interface IdentifierAlignment {
  /** The SPF or DKIM domain, lower-cased. */
  readonly domain: string;
  /** Whether SPF passed / the signature verified; only authenticated identifiers are checked. */
  readonly authenticated: boolean;
  readonly aligned: boolean;
  readonly mode: AlignmentMode;
  /** Why (or why not), for the learner. */
  readonly reason: string;
}

/** What DMARC concluded. */
export interface DmarcResult {
  readonly mode: DmarcMode;
  readonly result: DmarcResultCode;
  /** The From domain, lower-cased. */
  readonly fromDomain: string;
  /** Where the applied record was found; undefined when none applies. */
  readonly policyDomain?: string;
  /** The From domain's Organizational Domain (PSL for RFC 7489, Tree Walk for RFC 9989). */
  readonly organizationalDomain?: string;
  readonly record?: DmarcRecord;
  /** The policy the record requests for this message (from `p`, `sp` or `np`), when a record applies. */
  readonly policy?: DmarcPolicy;
  /** Which tag {@link DmarcResult.policy} came from. */
  readonly policyTag?: 'p' | 'sp' | 'np';
  /** What the receiver applies: none unless the message fails, lowered by `pct` sampling or `t=y`. */
  readonly disposition: DmarcPolicy;
  readonly alignment: {
    readonly spf: IdentifierAlignment;
    readonly dkim: readonly IdentifierAlignment[];
  };
  /** Reporting URIs that may be used (RFC 7489 §7.1 external destinations verified). */
  readonly reportTo: { readonly rua: readonly string[]; readonly ruf: readonly string[] };
  /** Why, in words for a learner. */
  readonly reason: string;
  /** Record problems and ignored tags, as text. */
  readonly warnings: readonly string[];
  /** DNS queries actually sent (answers reused from the evaluation's cache are not counted). */
  readonly queries: number;
  readonly steps: readonly DmarcStep[];
}

/**
 * One thing that happened. `depth` is 0 for the evaluation and 1 inside a
 * walk or an organizational-domain lookup (opened by a `walk` step and
 * closed by its `org-domain` step), so a view can nest them.
 */
export type DmarcStep =
  | { readonly kind: 'start'; readonly depth: 0; readonly fromDomain: string; readonly mode: DmarcMode }
  | {
      readonly kind: 'query';
      readonly depth: number;
      readonly name: string;
      readonly type: RRType;
      readonly purpose: string;
      readonly rcode: DnsAnswer['rcode'];
      readonly answers: readonly string[];
      /** The answer came from earlier in this evaluation; nothing was sent. */
      readonly cached: boolean;
    }
  | { readonly kind: 'record'; readonly depth: number; readonly domain: string; readonly text: string }
  | {
      readonly kind: 'record-ignored';
      readonly depth: number;
      readonly domain: string;
      readonly text: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'diagnostic';
      readonly depth: number;
      readonly domain: string;
      readonly text: string;
      readonly message: string;
      readonly position: number;
    }
  | {
      readonly kind: 'walk';
      readonly depth: number;
      readonly start: string;
      readonly purpose: 'policy' | 'organizational-domain';
      readonly targets: readonly string[];
    }
  | {
      readonly kind: 'org-domain';
      readonly depth: number;
      readonly domain: string;
      readonly organizationalDomain: string | undefined;
      readonly method: 'psl' | 'tree-walk';
      readonly reason: string;
    }
  | {
      readonly kind: 'policy-record';
      readonly depth: 0;
      readonly domain: string | undefined;
      readonly reason: string;
    }
  | {
      readonly kind: 'alignment';
      readonly depth: 0;
      readonly identifier: 'spf' | 'dkim';
      readonly alignment: IdentifierAlignment;
    }
  | {
      readonly kind: 'policy';
      readonly depth: 0;
      readonly policy: DmarcPolicy;
      readonly tag: 'p' | 'sp' | 'np';
      readonly reason: string;
    }
  | {
      readonly kind: 'disposition';
      readonly depth: 0;
      readonly disposition: DmarcPolicy;
      readonly reason: string;
    }
  | {
      readonly kind: 'report-uri';
      readonly depth: 0;
      readonly tag: 'rua' | 'ruf';
      readonly uri: string;
      readonly authorized: boolean;
      readonly reason: string;
    }
  | { readonly kind: 'note'; readonly depth: number; readonly message: string }
  | { readonly kind: 'result'; readonly depth: 0; readonly result: DmarcResultCode; readonly reason: string };
