/**
 * The codec's result type. Protocol errors are data (STYLE.md §S3): every
 * parser in `codec/` returns one of these instead of throwing, with a message
 * written for a learner reading the transcript.
 */

/** A parsed value, or why the input was refused. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Wraps a successful value. */
export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** Wraps a refusal. */
export function fail<T>(message: string): Parsed<T> {
  return { ok: false, message };
}
