/**
 * THREAD (RFC 5256 §4 BASE.6.4.THREAD): the ORDEREDSUBJECT and REFERENCES
 * algorithms as pure functions of the messages' headers, dates and sequence
 * numbers ({@link SortInput}). Both return a forest: each node is a message,
 * or a dummy (`message` undefined) that stands for a message which is
 * referred to but not among those searched.
 *
 * REFERENCES follows §4's six steps in order, and its rules on message ids:
 * a message whose Message-ID is missing or invalid, or repeats an earlier
 * message's, gets an id of its own that nothing refers to; the references
 * are the References field's ids, or when it has none the first id of
 * In-Reply-To; ids are compared case-sensitively after their quoting is
 * normalised (`<"a"@b>` is `<a@b>`). A valid id has an `@` (RFC 5322
 * §3.6.4 msg-id); anything else in these fields is ignored.
 *
 * "Sent date" is §2.2's (`sentDate` in sort.ts), and every ordering by it
 * breaks ties by sequence number.
 */
import { parseMessageIds } from '../mime/header-values.ts';
import { baseSubject } from './base-subject.ts';
import { casemapKey, compareKeys } from './collation.ts';
import { sentDate, type SortInput } from './sort.ts';

/** A node of a thread. */
export interface ThreadNode<M> {
  /** The message, or undefined for a dummy. */
  readonly message: M | undefined;
  /** Replies, oldest first. */
  readonly children: readonly ThreadNode<M>[];
}

/** The message id as the algorithm compares it: no quotes around the local part. */
export function normalizeMessageId(id: string): string {
  // parseMessageIds has already dropped CFWS and undone quoted-pairs; it keeps the quotes.
  return id.replace(/"/g, '');
}

function validIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  return parseMessageIds(value)
    .filter((id) => /.@./.test(id))
    .map(normalizeMessageId);
}

/** The first valid id of a Message-ID field, if any. */
export function messageIdOf(value: string | undefined): string | undefined {
  return validIds(value)[0];
}

/** §4: the References field's ids, else the first id of In-Reply-To, else none. */
export function referencesOf(references: string | undefined, inReplyTo: string | undefined): string[] {
  const ids = validIds(references);
  if (ids.length > 0) return ids;
  const first = validIds(inReplyTo)[0];
  return first === undefined ? [] : [first];
}

/** What threading needs of one message, computed once. */
interface Facts {
  readonly seq: number;
  readonly date: number;
  /** The base subject, case-mapped (§4 step 5: subject comparisons are case-insensitive). */
  readonly subject: string;
  readonly replyOrForward: boolean;
}

function factsOf(m: SortInput): Facts {
  const base = baseSubject(m.header('subject'));
  return {
    seq: m.seq,
    date: sentDate(m),
    subject: casemapKey(base.subject),
    replyOrForward: base.replyOrForward,
  };
}

/** A container of the REFERENCES algorithm (a node under construction). */
interface Container<M> {
  message: M | undefined;
  facts: Facts | undefined;
  parent: Container<M> | undefined;
  children: Container<M>[];
}

const newContainer = <M>(): Container<M> => ({
  message: undefined,
  facts: undefined,
  parent: undefined,
  children: [],
});

function link<M>(parent: Container<M>, child: Container<M>): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink<M>(child: Container<M>): void {
  const parent = child.parent;
  if (parent === undefined) return;
  parent.children.splice(parent.children.indexOf(child), 1);
  child.parent = undefined;
}

/** Whether making `parent` the parent of `child` would close a loop: `parent` is `child` or below it. */
function wouldLoop<M>(parent: Container<M>, child: Container<M>): boolean {
  for (let p: Container<M> | undefined = parent; p !== undefined; p = p.parent) if (p === child) return true;
  return false;
}

/** The facts that order a container: its own, or for a dummy its first child's (§4 steps 4 and 6). */
function orderFacts<M>(c: Container<M>): Facts | undefined {
  return c.facts ?? (c.children[0] === undefined ? undefined : orderFacts(c.children[0]));
}

function byDate<M>(a: Container<M>, b: Container<M>): number {
  const x = orderFacts(a);
  const y = orderFacts(b);
  if (x === undefined || y === undefined) return 0;
  return x.date - y.date || x.seq - y.seq;
}

/** Step 3: dummies without children go; others hand their children up, except to the root when they have several. */
function prune<M>(siblings: readonly Container<M>[], atRoot: boolean): Container<M>[] {
  const out: Container<M>[] = [];
  for (const c of siblings) {
    c.children = prune(c.children, false);
    if (c.message !== undefined) out.push(c);
    else if (c.children.length === 0) continue;
    else if (atRoot && c.children.length > 1) out.push(c);
    else {
      for (const child of c.children) child.parent = c.parent;
      out.push(...c.children);
    }
  }
  return out;
}

/** Step 6: every set of siblings by sent date, the deepest first. */
function sortDeep<M>(siblings: Container<M>[]): void {
  for (const c of siblings) sortDeep(c.children);
  siblings.sort(byDate);
}

function freeze<M>(c: Container<M>): ThreadNode<M> {
  return { message: c.message, children: c.children.map(freeze) };
}

/** RFC 5256 §4 REFERENCES. */
export function threadByReferences<M extends SortInput>(messages: readonly M[]): ThreadNode<M>[] {
  const byId = new Map<string, Container<M>>();
  const all: Container<M>[] = [];
  const containerOf = (id: string): Container<M> => {
    let c = byId.get(id);
    if (c === undefined) {
      c = newContainer();
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };

  // Step 1, in sequence order ("the first (lowest sequence number) message" keeps a shared id).
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    const id = messageIdOf(m.header('message-id'));
    let own = id === undefined ? undefined : containerOf(id);
    if (own === undefined || own.message !== undefined) {
      own = newContainer();
      all.push(own);
    }
    own.message = m;
    own.facts = factsOf(m);
    const refs = referencesOf(m.header('references'), m.header('in-reply-to'));
    // (A) Chain the references; an existing parent stays (the field may have been truncated).
    for (let i = 0; i + 1 < refs.length; i++) {
      const parent = containerOf(refs[i]!);
      const child = containerOf(refs[i + 1]!);
      if (child.parent === undefined && !wouldLoop(parent, child)) link(parent, child);
    }
    // (B) The last reference is the parent; this link wins over (A)'s, so the old one goes first.
    unlink(own);
    const last = refs.at(-1);
    if (last !== undefined) {
      const parent = containerOf(last);
      if (!wouldLoop(parent, own)) link(parent, own);
    }
  }

  // Step 2: the parentless are the roots. Step 3: prune the dummies.
  let roots = prune(
    all.filter((c) => c.parent === undefined),
    true,
  );
  for (const c of roots) c.parent = undefined;

  // Step 4: the roots by sent date; a dummy by its first child's, its children sorted first.
  for (const c of roots) if (c.message === undefined) c.children.sort(byDate);
  roots.sort(byDate);

  roots = groupBySubject(roots); // step 5
  sortDeep(roots); // step 6
  return roots.map(freeze);
}

/** Step 5: roots whose thread subjects are equal are merged. */
function groupBySubject<M>(roots: Container<M>[]): Container<M>[] {
  const subjectOf = (c: Container<M>) => orderFacts(c)?.subject ?? '';
  const isReply = (c: Container<M>) => c.facts?.replyOrForward === true;

  // (B) One container per subject: a dummy wins over a message, a message over a reply.
  const table = new Map<string, Container<M>>();
  for (const c of roots) {
    const subject = subjectOf(c);
    if (subject === '') continue;
    const held = table.get(subject);
    if (held === undefined) table.set(subject, c);
    else if (held.message !== undefined && (c.message === undefined || (isReply(held) && !isReply(c))))
      table.set(subject, c);
  }

  // (C) Merge into the table's container; `slots` keeps each surviving root in its place.
  const slots: (Container<M> | undefined)[] = [...roots];
  const slotOf = new Map(roots.map((c, i) => [c, i] as const));
  roots.forEach((c, i) => {
    const subject = subjectOf(c);
    if (subject === '') return;
    const held = table.get(subject)!;
    if (held === c) return;
    slots[i] = undefined;
    if (held.message === undefined && c.message === undefined) {
      for (const child of c.children) link(held, child);
    } else if (held.message === undefined || (isReply(c) && !isReply(held))) {
      link(held, c);
    } else {
      const dummy = newContainer<M>();
      const at = slotOf.get(held)!;
      link(dummy, held);
      link(dummy, c);
      slots[at] = dummy;
      slotOf.set(dummy, at);
      table.set(subject, dummy);
    }
  });
  return slots.filter((c) => c !== undefined);
}

/**
 * RFC 5256 §4 ORDEREDSUBJECT: messages with the same base subject form one
 * thread, the earliest at its root and the others its children, oldest
 * first; threads are ordered by their first message.
 */
export function threadByOrderedSubject<M extends SortInput>(messages: readonly M[]): ThreadNode<M>[] {
  const rows = messages.map((m) => ({ m, f: factsOf(m) }));
  rows.sort((a, b) => compareKeys(a.f.subject, b.f.subject) || byFacts(a.f, b.f));
  const threads: { head: (typeof rows)[number]; rest: M[] }[] = [];
  for (const row of rows) {
    const current = threads.at(-1);
    if (current !== undefined && current.head.f.subject === row.f.subject) current.rest.push(row.m);
    else threads.push({ head: row, rest: [] });
  }
  threads.sort((a, b) => byFacts(a.head.f, b.head.f));
  return threads.map((t) => ({
    message: t.head.m,
    children: t.rest.map((m) => ({ message: m, children: [] })),
  }));
}

function byFacts(x: Facts, y: Facts): number {
  return x.date - y.date || x.seq - y.seq;
}
