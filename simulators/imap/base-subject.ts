/**
 * The base subject of RFC 5256 §2.1, which SORT SUBJECT orders by and both
 * threading algorithms group by, and whether the subject marks a reply or
 * forward (RFC 5256 §4, REFERENCES step 5).
 *
 * ```
 * ; RFC 5256 §5 (strings case-insensitive)
 * subj-refwd   = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
 * subj-blob    = "[" *BLOBCHAR "]" *WSP
 * subj-fwd-hdr = "[fwd:"
 * subj-fwd-trl = "]"
 * subj-leader  = (*subj-blob subj-refwd) / WSP
 * subj-trailer = "(fwd)" / WSP
 * BLOBCHAR     = %x01-5a / %x5c / %x5e-ff   ; any CHAR8 except "[" and "]"
 * ```
 *
 * The steps, numbered as in §2.1: (1) decode RFC 2047 encoded words, turn
 * tabs and folding into spaces and runs of spaces into one; (2) strip
 * trailers; (3) strip a leader; (4) strip a leading blob unless nothing
 * would be left; (5) repeat 3–4 while they change something; (6) unwrap
 * `[fwd: … ]` and start again at 2.
 */
import { decodeEncodedWords } from '../mime/header-values.ts';

/** The base subject and whether extracting it removed a reply or forward marker. */
export interface BaseSubject {
  /** The base subject text (not yet case-mapped). */
  readonly subject: string;
  /** A subj-refwd, a `(fwd)` trailer or a `[fwd: … ]` wrapper was removed (RFC 5256 §4). */
  readonly replyOrForward: boolean;
}

const TRAILER = /(?:\(fwd\)| )$/i;
/** subj-leader: blobs then subj-refwd, or one space (step 1 left single spaces only). */
const LEADER = /^(?: |(?:\[[^[\]]*\] *)*(?:re|fwd?) *(?:\[[^[\]]*\] *)?:)/i;
const BLOB = /^\[[^[\]]*\] */;
const FWD_HDR = /^\[fwd:/i;

/** Step 1: encoded words decoded, every run of white space one space. */
function normalise(headerValue: string): string {
  return decodeEncodedWords(headerValue).replace(/[ \t\r\n]+/g, ' ');
}

/**
 * The base subject of a Subject header value (as raw header text: encoded
 * words are decoded here). An absent Subject is the empty string.
 */
export function baseSubject(headerValue: string | undefined): BaseSubject {
  let s = normalise(headerValue ?? '');
  let replyOrForward = false;
  for (;;) {
    // (2) trailers, repeatedly.
    for (let m = TRAILER.exec(s); m !== null; m = TRAILER.exec(s)) {
      if (m[0] !== ' ') replyOrForward = true;
      s = s.slice(0, s.length - m[0].length);
    }
    // (3) and (4), repeated until neither matches (5).
    for (let changed = true; changed;) {
      changed = false;
      const leader = LEADER.exec(s);
      if (leader !== null) {
        if (leader[0] !== ' ') replyOrForward = true;
        s = s.slice(leader[0].length);
        changed = true;
      }
      const blob = BLOB.exec(s);
      // The blob goes only when a non-empty subj-base is left.
      if (blob !== null && blob[0].length < s.length) {
        s = s.slice(blob[0].length);
        changed = true;
      }
    }
    // (6) `[fwd: subject]`: unwrap and go back to step 2.
    if (FWD_HDR.test(s) && s.endsWith(']')) {
      s = s.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    return { subject: s, replyOrForward };
  }
}
