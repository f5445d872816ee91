/**
 * What a receiving MTA checks before it takes a message from another
 * server (RFC 7208 SPF, RFC 6376 DKIM, RFC 9989 / RFC 7489 DMARC), and what
 * it records in the message: an Authentication-Results field (RFC 8601) and
 * a Received-SPF field (RFC 7208 §9.1).
 *
 * Theory of operation: at the end of DATA, SPF's check_host() runs with the
 * client's address, MAIL FROM and HELO; then every DKIM-Signature is
 * verified; then DMARC combines the two with the From domain's policy. Each
 * lookup is a `dns.query`/`dns.answer` pair in the trace with its purpose,
 * each crypto step an effect on the virtual clock (auth-driver.ts). The
 * verdicts are traced as one `agent` event `auth`, which views and lesson
 * checks read.
 *
 * SIMPLIFICATION: SPF is evaluated at the end of DATA, not at MAIL FROM, so
 * one verdict covers the message (Postfix's policy daemons may do either).
 * SIMPLIFICATION: Authentication-Results fields already in the message that
 * claim this receiver's name are not removed (RFC 8601 §5 says they should
 * be); the lab shows forged ones instead of hiding them.
 * An SPF `fail` alone does not refuse the message: DMARC decides
 * (RFC 7489 §10.1 warns that rejecting on SPF before DMARC breaks DMARC's
 * DKIM path, and RFC 9989 keeps that advice).
 */
import type { HostId } from '../core/ids.ts';
import { concatBytes, latin1Bytes } from '../core/bytes.ts';
import type { DkimResult } from '../auth/dkim/verify.ts';
import { verifyDkim } from '../auth/dkim/verify.ts';
import { formatAuthenticationResults } from '../auth/authentication-results.ts';
import { dmarcAuthorDomains, dmarcInputFor } from '../auth/dmarc-input.ts';
import { evaluateDmarc } from '../auth/dmarc/evaluate.ts';
import { loadPublicSuffixList, publicSuffixListLoaded } from '../auth/dmarc/org-domain.ts';
import { fromDomainOf, strictestResult } from '../auth/dmarc/from-domain.ts';
import type { DmarcMode } from '../auth/dmarc/record.ts';
import type { DmarcResult } from '../auth/dmarc/types.ts';
import type { DmarcEvaluationEntry, PolicyOverrideReason } from '../auth/dmarc/report-types.ts';
import { checkHost, spfInputFor, type SpfInput, type SpfResult } from '../auth/spf/evaluate.ts';
import { formatReceivedSpf } from '../auth/spf/header.ts';
import type { DnsAnswer, DnsQuery } from '../dns/records.ts';
import { readFirstField } from '../mime/header-section.ts';
import type { ReceivedMessage } from '../smtp/server-types.ts';
import { driveAuth, driveDns } from './auth-driver.ts';
import { traceAgent, type AgentEnv } from './env.ts';

/** What the receiver does with the message (the DMARC disposition). */
export type Disposition = 'none' | 'quarantine' | 'reject';

/** The receiver's verdicts on one message. */
export interface InboundVerdict {
  readonly spf: { readonly result: SpfResult; readonly input: SpfInput } | undefined;
  /** One result per signature; empty when DKIM was skipped (no crypto). */
  readonly dkim: readonly DkimResult[];
  readonly dmarc: DmarcResult | undefined;
  readonly disposition: Disposition;
  /** The message with Authentication-Results and Received-SPF below this hop's Received field. */
  readonly data: Uint8Array;
}

/** How the receiver evaluates. */
export interface InboundOptions {
  /** The receiver's name: the authserv-id of Authentication-Results (RFC 8601 §2.5). */
  readonly hostname: string;
  readonly dmarcMode: DmarcMode;
  /** RFC 7489 `pct` sampling draws, from the world's seeded random source. */
  readonly random: () => number;
  /** Where the receiver departs from the Domain Owner's policy. */
  readonly localPolicy?: DmarcLocalPolicy;
}

/**
 * A receiver's own DMARC rules, which override the Domain Owner's policy for
 * mail that fails (RFC 7489 §6.7 leaves the final decision to receivers;
 * their reports say why, RFC 9990 §3.1.6).
 */
export interface DmarcLocalPolicy {
  /** Quarantine what the policy says to reject, as some large receivers do. */
  readonly rejectAsQuarantine?: boolean;
  /** Client addresses of forwarders whose failing mail is delivered anyway. */
  readonly trustedForwarders?: readonly string[];
}

/** What the receiver applies to one DMARC result, and why when it is not what the policy asked. */
export function applyLocalPolicy(
  result: DmarcResult,
  clientIp: string,
  policy: DmarcLocalPolicy = {},
): { readonly disposition: Disposition; readonly reason?: PolicyOverrideReason } {
  if (result.result !== 'fail' || result.disposition === 'none') return { disposition: result.disposition };
  if (policy.trustedForwarders?.includes(clientIp)) {
    return {
      disposition: 'none',
      reason: { type: 'trusted_forwarder', comment: `${clientIp} is a forwarder this receiver trusts` },
    };
  }
  if (result.disposition === 'reject' && policy.rejectAsQuarantine === true) {
    return {
      disposition: 'quarantine',
      reason: { type: 'local_policy', comment: 'this receiver quarantines instead of rejecting' },
    };
  }
  return { disposition: result.disposition };
}

const STRENGTH: Readonly<Record<Disposition, number>> = { none: 0, quarantine: 1, reject: 2 };

/**
 * Wraps check_host() so each lookup is named by what asked for it:
 * `SPF record of example.com`, then `SPF include:_spf.example.com` or
 * `SPF redirect=…` when a record fetched earlier has that term, else
 * `SPF MX example.net` and the like. It reads the TXT answers as they pass.
 */
function labelledSpf<T>(generator: Generator<DnsQuery, T, DnsAnswer>): {
  readonly purpose: (query: DnsQuery) => string;
  readonly generator: Generator<DnsQuery, T, DnsAnswer>;
} {
  const records: string[] = [];
  let first = true;
  const purpose = (query: DnsQuery): string => {
    const name = query.name.toLowerCase().replace(/\.$/, '');
    if (first && query.type === 'TXT') {
      first = false;
      return `SPF record of ${name}`;
    }
    for (const text of records) {
      for (const term of text.split(' ')) {
        const bare = term.replace(/^[+~?-]/, '');
        const lower = bare.toLowerCase();
        if (
          (lower.startsWith('include:') && lower.slice('include:'.length) === name) ||
          (lower.startsWith('redirect=') && lower.slice('redirect='.length) === name)
        )
          return `SPF ${bare}`;
      }
    }
    return `SPF ${query.type} ${name}`;
  };
  function* wrapped(): Generator<DnsQuery, T, DnsAnswer> {
    let step = generator.next();
    while (!step.done) {
      const answer = yield step.value;
      for (const rr of answer.answers) if (rr.type === 'TXT') records.push(rr.strings.join(''));
      step = generator.next(answer);
    }
    return step.value;
  }
  return { purpose, generator: wrapped() };
}

/**
 * Runs SPF, DKIM and DMARC on a message received from another server, then
 * calls `done` with the verdicts and the annotated message.
 */
export function checkInbound(
  env: AgentEnv,
  host: HostId,
  message: ReceivedMessage,
  options: InboundOptions,
  done: (verdict: InboundVerdict) => void,
): void {
  const spfInput = spfInputFor({
    ip: message.peer.address,
    mailFrom: message.envelope.mailFrom,
    helo: message.helo,
    receiver: options.hostname,
    now: Math.floor(env.wallClock() / 1000),
  });
  const runSpf = (next: (spf: InboundVerdict['spf']) => void) => {
    let evaluator: ReturnType<typeof checkHost>;
    try {
      evaluator = checkHost(spfInput);
    } catch {
      // A client address that is not IP (cannot happen on the simulated network): no SPF result.
      next(undefined);
      return;
    }
    const labelled = labelledSpf(evaluator);
    driveDns(env, host, labelled.purpose, labelled.generator, (result) => next({ result, input: spfInput }));
  };
  const runDkim = (next: (dkim: readonly DkimResult[]) => void) => {
    if (env.crypto === undefined) {
      env.trace.append({
        type: 'note',
        host,
        text: 'DKIM verification skipped: this world has no crypto provider (dkim=none)',
      });
      next([]);
      return;
    }
    driveAuth(
      env,
      host,
      (q) => `DKIM key ${q.name}`,
      verifyDkim(message.data, { now: Math.floor(env.wallClock() / 1000) }),
      (outcome) => {
        if (!outcome.ok) throw outcome.error;
        next(outcome.value);
      },
    );
  };
  const runDmarc = (
    spf: InboundVerdict['spf'],
    dkim: readonly DkimResult[],
    next: (dmarc: DmarcResult | undefined, each: readonly DmarcResult[]) => void,
  ) => {
    const { domains, why } = dmarcAuthorDomains(fromDomainOf(message.data, options.dmarcMode));
    if (domains.length === 0) {
      // No single Author Domain (RFC 9989 exempts it; none or several From fields): no DMARC result.
      env.trace.append({
        type: 'note',
        host,
        text: `DMARC not applied: ${why ?? ''}`,
      });
      next(undefined, []);
      return;
    }
    if (options.dmarcMode === 'rfc7489' && !publicSuffixListLoaded()) {
      // RFC 7489 needs the Public Suffix List; loading it holds the clock, so the trace is the same either way.
      env.effects.run(loadPublicSuffixList, () => runDmarc(spf, dkim, next));
      return;
    }
    const results: DmarcResult[] = [];
    const one = (i: number) => {
      const fromDomain = domains[i];
      if (fromDomain === undefined) {
        next(strictestResult(results), results);
        return;
      }
      const evaluator = evaluateDmarc(
        dmarcInputFor(fromDomain, spf, dkim, { mode: options.dmarcMode, random: options.random }),
      );
      driveDns(
        env,
        host,
        (q) => `DMARC ${q.type} ${q.name}`,
        evaluator,
        (result) => {
          results.push(result);
          one(i + 1);
        },
      );
    };
    one(0);
  };

  runSpf((spf) =>
    runDkim((dkim) =>
      runDmarc(spf, dkim, (evaluated, each) => {
        const applied = each.map((r) => ({
          result: r,
          ...applyLocalPolicy(r, message.peer.address, options.localPolicy),
        }));
        const disposition = applied.reduce<Disposition>(
          (d, a) => (STRENGTH[a.disposition] > STRENGTH[d] ? a.disposition : d),
          'none',
        );
        // Authentication-Results says what was applied (`dis=`), a local rule included.
        const dmarc = evaluated && { ...evaluated, disposition };
        const authResults = formatAuthenticationResults({
          authservId: options.hostname,
          ...(spf ? { spf } : {}),
          dkim: dkim.filter((d) => d.result !== 'none'),
          ...(env.crypto === undefined ? { dkimNoneComment: 'no crypto available' } : {}),
          ...(dmarc ? { dmarc } : {}),
        });
        const fields = [
          authResults,
          ...(spf ? [formatReceivedSpf(spf.result, spf.input, options.hostname)] : []),
        ];
        traceAgent(env, host, 'mta', 'auth', {
          id: message.queueId,
          // The envelope and the client, so a reader of the trace knows which message this was.
          from: message.envelope.mailFrom || '<>',
          to: message.envelope.rcptTo,
          client: message.peer.address,
          spf: spf?.result.result ?? 'none',
          dkim: dkim.length === 0 ? ['none'] : dkim.map((d) => d.result),
          dkimSignatures: dkim.flatMap((d) =>
            d.domain === undefined ? [] : [`${d.domain} ${d.selector ?? ''}`.trim()],
          ),
          dmarc: dmarc?.result ?? 'none',
          ...(dmarc?.policy ? { policy: dmarc.policy } : {}),
          disposition,
          ...(dmarc ? { fromDomain: dmarc.fromDomain } : {}),
        });
        for (const a of applied) {
          const evaluation = evaluationEntry(message, spf, dkim, a.result, a.disposition, a.reason);
          if (evaluation)
            env.trace.append({ type: 'dmarc.evaluated', host, id: message.queueId, evaluation });
        }
        done({ spf, dkim, dmarc, disposition, data: insertBelowReceived(message.data, fields) });
      }),
    ),
  );
}

/** Longest `human_result` reported for a failed signature. */
const MAX_HUMAN_RESULT = 200;

/**
 * What an aggregate report needs to know of one DMARC result (RFC 9990
 * §3.1.1), or undefined when no policy record applied (nothing to report).
 */
function evaluationEntry(
  message: ReceivedMessage,
  spf: InboundVerdict['spf'],
  dkim: readonly DkimResult[],
  result: DmarcResult,
  disposition: Disposition,
  local: PolicyOverrideReason | undefined,
): DmarcEvaluationEntry | undefined {
  const { policyDomain, record, policy } = result;
  if (policyDomain === undefined || record === undefined || policy === undefined) return undefined;
  const mailFrom = message.envelope.mailFrom;
  const reasons: PolicyOverrideReason[] = local === undefined ? [] : [local];
  if (result.result === 'fail' && result.disposition !== policy) {
    // The evaluator lowers the policy for only these two reasons.
    reasons.push(
      result.mode === 'rfc7489'
        ? { type: 'sampled_out', comment: `pct=${record.pct}` }
        : { type: 'policy_test_mode', comment: 't=y' },
    );
  }
  return {
    mode: result.mode,
    sourceIp: message.peer.address,
    headerFrom: result.fromDomain,
    envelopeFrom: mailFrom === '' ? '' : mailFrom.slice(mailFrom.lastIndexOf('@') + 1).toLowerCase(),
    ...(spf
      ? {
          spf: {
            domain: spf.input.domain.toLowerCase(),
            scope: spf.input.identity === 'helo' ? ('helo' as const) : ('mfrom' as const),
            result: spf.result.result,
          },
        }
      : {}),
    dkim: dkim.flatMap((d) =>
      d.domain === undefined
        ? []
        : [
            {
              domain: d.domain.toLowerCase(),
              selector: d.selector ?? '',
              result: d.result,
              ...(d.result === 'pass' ? {} : { humanResult: d.reason.slice(0, MAX_HUMAN_RESULT) }),
            },
          ],
    ),
    result: result.result,
    spfAligned: result.alignment.spf.aligned,
    dkimAligned: result.alignment.dkim.some((a) => a.aligned),
    policy,
    disposition,
    reasons,
    policyDomain,
    record: record.text,
  };
}

/** Inserts header fields (each without CRLF) after the first field when it is this hop's Received. */
function insertBelowReceived(data: Uint8Array, fields: readonly string[]): Uint8Array {
  const first = readFirstField(data);
  const at = first && first.name.toLowerCase() === 'received' ? first.end : 0;
  return concatBytes([
    data.subarray(0, at),
    latin1Bytes(fields.map((f) => `${f}\r\n`).join('')),
    data.subarray(at),
  ]);
}
