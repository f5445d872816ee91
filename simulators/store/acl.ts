/**
 * Access control lists on mailboxes (RFC 4314): who may do what with a
 * mailbox, kept with the mailbox so that DELETE drops its ACL and RENAME
 * keeps it (RFC 4314 §4).
 *
 * Rights are the eleven standard ones, `lrswipkxtea` (§2.1). The obsolete
 * RFC 2086 rights are virtual (§2.1.1): given in a rights list, `c` stands
 * for `k` and `x` and `d` for `e` and `t` (the first of the RFC's two
 * groupings, the one its examples use); in ACL and MYRIGHTS output `c`
 * appears when `k` or `x` is held and `d` when `e` or `t` is. Digits (the
 * RFC 2086 implementation-defined rights) are not supported.
 *
 * Identifiers are user names (an account's address, case-insensitive),
 * `anyone`, and their negative forms `-name`, whose rights are taken away
 * (§2). The owner always holds `lkxa` (§2: "an implementation MAY force
 * rights to always … be granted"), so an owner can never lock themselves
 * out of their own mailbox; their other rights default to all of them and
 * may be narrowed with SETACL like anyone's.
 */

/** A standard right (RFC 4314 §2.1). */
export type Right = 'l' | 'r' | 's' | 'w' | 'i' | 'p' | 'k' | 'x' | 't' | 'e' | 'a';

/** The standard rights in the order responses list them. */
export const STANDARD_RIGHTS: readonly Right[] = ['l', 'r', 's', 'w', 'i', 'p', 'k', 'x', 't', 'e', 'a'];

/** The rights the owner of a mailbox always holds. */
export const OWNER_IMPLICIT_RIGHTS: readonly Right[] = ['l', 'k', 'x', 'a'];

/** RFC 4314 §2: the identifier that matches every user. */
export const ANYONE = 'anyone';

/** RFC 4314 §2.1.1: the members of the virtual rights. */
const VIRTUAL_RIGHTS: Readonly<Record<'c' | 'd', readonly Right[]>> = { c: ['k', 'x'], d: ['e', 't'] };

/** What a rights string (`; RFC 4314 §7 rights`) reads as. */
export type ParsedRights =
  | { readonly ok: true; readonly rights: ReadonlySet<Right> }
  | { readonly ok: false; readonly message: string };

/** A SETACL modification (`; RFC 4314 §7 mod-rights`): add, remove or replace. */
export interface RightsModification {
  readonly mode: 'add' | 'remove' | 'replace';
  readonly rights: ReadonlySet<Right>;
}

/**
 * Reads a rights string, expanding `c` and `d`. Anything but the standard
 * rights and `c`/`d` is refused: "an unrecognized right MUST cause the
 * command to return the BAD response" (RFC 4314 §3.1).
 */
export function parseRights(text: string): ParsedRights {
  const rights = new Set<Right>();
  for (const ch of text) {
    if (ch === 'c' || ch === 'd') {
      for (const r of VIRTUAL_RIGHTS[ch]) rights.add(r);
    } else if ((STANDARD_RIGHTS as readonly string[]).includes(ch)) {
      rights.add(ch as Right);
    } else if (/^[A-Z]$/.test(ch)) {
      return { ok: false, message: 'Uppercase rights are not allowed.' };
    } else {
      return { ok: false, message: `The ${ch} right is not supported.` };
    }
  }
  return { ok: true, rights };
}

/** Reads SETACL's third argument: `+rights`, `-rights` or `rights`. */
export function parseRightsModification(
  text: string,
):
  | { readonly ok: true; readonly modification: RightsModification }
  | { readonly ok: false; readonly message: string } {
  const mode = text.startsWith('+') ? 'add' : text.startsWith('-') ? 'remove' : 'replace';
  const parsed = parseRights(mode === 'replace' ? text : text.slice(1));
  return parsed.ok ? { ok: true, modification: { mode, rights: parsed.rights } } : parsed;
}

/** Applies a modification to the rights an identifier had. */
export function modifyRights(current: ReadonlySet<Right>, change: RightsModification): Set<Right> {
  if (change.mode === 'replace') return new Set(change.rights);
  const out = new Set(current);
  for (const r of change.rights)
    if (change.mode === 'add') out.add(r);
    else out.delete(r);
  return out;
}

/** A rights set as a response writes it, with the virtual `c` and `d` (RFC 4314 §2.1.1). */
export function formatRights(rights: ReadonlySet<Right>): string {
  let out = STANDARD_RIGHTS.filter((r) => r !== 'a' && rights.has(r)).join('');
  if (VIRTUAL_RIGHTS.c.some((r) => rights.has(r))) out += 'c';
  if (VIRTUAL_RIGHTS.d.some((r) => rights.has(r))) out += 'd';
  if (rights.has('a')) out += 'a';
  return out;
}

/**
 * The canonical form of an identifier: user names are addresses, which the
 * store compares case-insensitively, and `anyone` is matched in any case.
 */
export function canonicalIdentifier(identifier: string): string {
  return identifier.toLowerCase();
}

/** One mailbox's access control list. */
export class MailboxAcl {
  readonly #entries = new Map<string, Set<Right>>();

  /** The rights stored for `identifier`, with the owner's defaults and forced rights. */
  #stored(identifier: string, owner: string): Set<Right> | undefined {
    const entry = this.#entries.get(identifier);
    if (identifier !== owner) return entry;
    const rights = new Set(entry ?? STANDARD_RIGHTS);
    for (const r of OWNER_IMPLICIT_RIGHTS) rights.add(r);
    return rights;
  }

  /** Every identifier with its rights, the owner first (RFC 4314 §3.6 ACL response data). */
  entries(owner: string): readonly (readonly [string, ReadonlySet<Right>])[] {
    const out: [string, ReadonlySet<Right>][] = [[owner, this.#stored(owner, owner)!]];
    for (const [identifier, rights] of this.#entries)
      if (identifier !== owner) out.push([identifier, rights]);
    return out;
  }

  /** The rights stored for one identifier (not the effective rights of a user). */
  rightsFor(identifier: string, owner: string): ReadonlySet<Right> {
    return this.#stored(canonicalIdentifier(identifier), owner) ?? new Set();
  }

  /** Sets an identifier's rights; an empty set removes a non-owner's entry. */
  set(identifier: string, rights: Iterable<Right>, owner: string): void {
    const id = canonicalIdentifier(identifier);
    const set = new Set(rights);
    if (set.size === 0 && id !== owner) this.#entries.delete(id);
    else this.#entries.set(id, set);
  }

  /** DELETEACL: removes an identifier's entry; the owner keeps the forced rights. */
  delete(identifier: string, owner: string): void {
    const id = canonicalIdentifier(identifier);
    if (id === owner) this.#entries.set(id, new Set(OWNER_IMPLICIT_RIGHTS));
    else this.#entries.delete(id);
  }

  /** Replaces this list with a copy of another (a new mailbox inherits its parent's ACL, RFC 4314 §4). */
  copyFrom(other: MailboxAcl): void {
    this.#entries.clear();
    for (const [id, rights] of other.#entries) this.#entries.set(id, new Set(rights));
  }

  /**
   * What `user` may do (RFC 4314 §2): the rights of `user` and `anyone`,
   * less those of `-user` and `-anyone`; the owner's forced rights stay.
   */
  rightsOf(user: string, owner: string): ReadonlySet<Right> {
    const id = canonicalIdentifier(user);
    const out = new Set<Right>([...(this.#stored(id, owner) ?? []), ...(this.#entries.get(ANYONE) ?? [])]);
    for (const r of [...(this.#entries.get(`-${id}`) ?? []), ...(this.#entries.get(`-${ANYONE}`) ?? [])])
      out.delete(r);
    if (id === owner) for (const r of OWNER_IMPLICIT_RIGHTS) out.add(r);
    return out;
  }
}
