/**
 * The world's driver for the email-authentication evaluators (STYLE.md §S3).
 * SPF, DKIM and DMARC are synchronous generators that yield requests; this
 * module answers them the way the world answers everything else:
 *
 * - a DNS question goes from the asking host to the name server and back
 *   with link latency, as a `dns.query` / `dns.answer` pair in the trace
 *   (`env.dns.lookup`), so a learner sees each lookup SPF counts;
 * - a crypto request (a hash, a signature, a verification) is an effect
 *   (`env.effects.run`): WebCrypto answers with a promise, the virtual clock
 *   holds while it runs, and the generator resumes at the same instant, in
 *   the order the effects began, so runs stay byte-identical.
 *
 * Without a crypto provider (a World built without `crypto`) a crypto
 * request is answered with a `crypto-error`; callers check
 * `env.crypto` first and skip DKIM with a note instead.
 */
import type { HostId } from '../core/ids.ts';
import { performCryptoOp } from '../auth/dkim/crypto.ts';
import type { DkimGenerator, DkimRequest, DkimResponse } from '../auth/dkim/types.ts';
import type { DnsAnswer, DnsQuery } from '../dns/records.ts';
import type { EffectOutcome } from '../world/effects.ts';
import type { AgentEnv } from './env.ts';

/** Names the purpose of a lookup, as the trace shows it (`SPF include:_spf.example.com`). */
export type LookupPurpose = string | ((query: DnsQuery) => string);

function purposeOf(purpose: LookupPurpose, query: DnsQuery): string {
  return typeof purpose === 'string' ? purpose : purpose(query);
}

/** Why a crypto effect failed, as the evaluator is told. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Drives a DKIM-style generator (DNS and crypto requests) on behalf of host
 * `from`. `done` gets its return value, or the exception it threw (a
 * signing request the signer refuses, say), always asynchronously.
 */
export function driveAuth<T>(
  env: AgentEnv,
  from: HostId,
  purpose: LookupPurpose,
  evaluator: DkimGenerator<T>,
  done: (outcome: EffectOutcome<T>) => void,
): void {
  const crypto = env.crypto;
  const resume = (response?: DkimResponse): void => {
    let step: IteratorResult<DkimRequest, T>;
    try {
      step = response === undefined ? evaluator.next() : evaluator.next(response);
    } catch (error) {
      done({ ok: false, error });
      return;
    }
    if (step.done) {
      done({ ok: true, value: step.value });
      return;
    }
    const request = step.value;
    if (request.kind === 'dns') {
      env.dns.lookup(from, request.query, purposeOf(purpose, request.query), (answer) =>
        resume({ kind: 'dns', answer }),
      );
    } else if (crypto === undefined) {
      // Still asynchronous, so every continuation runs from the scheduler.
      env.scheduler.schedule(0, () => resume({ kind: 'crypto-error', message: 'no crypto available' }));
    } else {
      const op = request.op;
      env.effects.run(
        () => performCryptoOp(crypto, op),
        (outcome) =>
          resume(outcome.ok ? outcome.value : { kind: 'crypto-error', message: errorText(outcome.error) }),
      );
    }
  };
  resume();
}

/**
 * Drives a DNS-only generator (SPF's check_host, DMARC's discovery) like
 * `DnsService.drive`, but naming each lookup's purpose from its question.
 */
export function driveDns<T>(
  env: AgentEnv,
  from: HostId,
  purpose: LookupPurpose,
  evaluator: Generator<DnsQuery, T, DnsAnswer>,
  done: (result: T) => void,
): void {
  const resume = (answer?: DnsAnswer): void => {
    const step = answer === undefined ? evaluator.next() : evaluator.next(answer);
    if (step.done) done(step.value);
    else env.dns.lookup(from, step.value, purposeOf(purpose, step.value), resume);
  };
  resume();
}
