/**
 * A protocol violation: input that broke a rule of an RFC. It is data, not an
 * exception (h11's LocalProtocolError / RemoteProtocolError split): the
 * engine answers with the proper error reply and reports the violation so
 * the app can highlight it.
 */
export interface Violation {
  /** `peer`: the other side broke the rule; `local`: this side was asked to. */
  readonly by: 'local' | 'peer';
  /** Where the rule comes from, e.g. `RFC 5321 §4.5.3.1.4`. */
  readonly rule: string;
  /** What happened, for a learner. */
  readonly message: string;
}
