/**
 * The tag=value list shared by DKIM-Signature fields and key records
 * (RFC 6376 §3.2):
 *
 *     tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
 *     tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
 *     tag-name  =  ALPHA *ALNUMPUNC
 *     tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
 *     tval      =  1*VALCHAR        ; VALCHAR = %x21-3A / %x3C-7E
 */

/** A parsed tag list: tags in order, names case-sensitive. */
export type TagListResult =
  | { readonly ok: true; readonly tags: ReadonlyMap<string, string>; readonly order: readonly string[] }
  | { readonly ok: false; readonly reason: string };

const FWS_EDGES = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
// VALCHAR plus internal whitespace. TOLERANCE: octets >= 0x80 pass (UTF-8 in
// i= and z=, RFC 8616 §4), as other verifiers accept them.
const TAG_VALUE = /^[\x21-\x3a\x3c-\x7e\x80-\uffff]*(?:[ \t\r\n]+[\x21-\x3a\x3c-\x7e\x80-\uffff]+)*$/;

/**
 * Parses a tag list. Duplicate tags are an error (§3.2 "Tags with duplicate
 * names MUST NOT occur within a single tag-list; if a tag name does occur more
 * than once, the entire tag-list is invalid"). TOLERANCE: empty tag-specs
 * (`a=1;; b=2`) are skipped, as dkimpy does; the grammar allows only a
 * trailing one.
 */
export function parseTagList(text: string): TagListResult {
  const tags = new Map<string, string>();
  const order: string[] = [];
  for (const spec of text.split(';')) {
    if (spec.replace(FWS_EDGES, '') === '') continue;
    const eq = spec.indexOf('=');
    if (eq === -1)
      return { ok: false, reason: `"${spec.replace(FWS_EDGES, '')}" has no "=" (RFC 6376 §3.2)` };
    const name = spec.slice(0, eq).replace(FWS_EDGES, '');
    const value = spec.slice(eq + 1).replace(FWS_EDGES, '');
    if (!TAG_NAME.test(name))
      return { ok: false, reason: `"${name}" is not a valid tag name (RFC 6376 §3.2)` };
    if (!TAG_VALUE.test(value))
      return { ok: false, reason: `the value of ${name}= has invalid characters (RFC 6376 §3.2)` };
    if (tags.has(name)) return { ok: false, reason: `tag ${name}= appears more than once (RFC 6376 §3.2)` };
    tags.set(name, value);
    order.push(name);
  }
  return { ok: true, tags, order };
}

/** Removes all whitespace, as base64 tag values allow FWS anywhere (§3.5 `b=`, `bh=`; §3.6.1 `p=`). */
export function stripFws(value: string): string {
  return value.replace(/[ \t\r\n]+/g, '');
}
