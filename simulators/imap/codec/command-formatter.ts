/**
 * The client side: writes an {@link ImapCommand} to octets, the inverse of
 * `parseCommand` (`parseCommand(formatCommand(c))` gives `c` back). Strings
 * take the safest short form (atom, quoted, literal; see `value-writer.ts`),
 * mailbox names are encoded in modified UTF-7 unless UTF8=ACCEPT is on.
 *
 * A command with synchronising literals must be sent in pieces, waiting for
 * the server's `+` after each (RFC 3501 §7.5): {@link formatCommandSegments}
 * returns those pieces. With LITERAL+ (RFC 7888) one piece suffices.
 */
import type { CommandArgs, ImapCommand, ListReturnOption } from './command-types.ts';
import { formatDateTime } from './dates.ts';
import { formatFetchAttribute } from './fetch-attributes.ts';
import { encodeMutf7 } from './mutf7.ts';
import { searchKeysToValues } from './search-keys.ts';
import { formatSequenceSet } from './sequence-set.ts';
import { ValueWriter, type WriteOptions } from './value-writer.ts';
import { allChars, astr, atom, isListChar, list, literal, nil, num, str, type ImapValue } from './values.ts';

/** How a client writes commands. */
export interface FormatCommandOptions {
  /** UTF8=ACCEPT is enabled: mailbox names and quoted strings go as UTF-8 (RFC 6855 §3). */
  readonly utf8Accept?: boolean;
  /** The server offers LITERAL+ (RFC 7888): write `{n+}` and send in one piece. */
  readonly literalPlus?: boolean;
}

function mailboxValue(name: string, o: FormatCommandOptions): ImapValue {
  return astr(o.utf8Accept === true ? name : encodeMutf7(name));
}

/** `; RFC 3501 §9 list-mailbox = 1*list-char / string`: wildcards may stay bare. */
function patternValue(pattern: string, o: FormatCommandOptions): ImapValue {
  const encoded = o.utf8Accept === true ? pattern : encodeMutf7(pattern);
  return allChars(encoded, isListChar) && encoded.toUpperCase() !== 'NIL' ? atom(encoded) : astr(encoded);
}

function returnOptionValues(options: readonly ListReturnOption[]): ImapValue[] {
  return options.flatMap((r) =>
    r.option === 'STATUS' ? [atom('STATUS'), list(...r.items.map(atom))] : [atom(r.option)],
  );
}

/** The command's arguments as values, after the tag and name. */
function argumentValues(cmd: CommandArgs, o: FormatCommandOptions): ImapValue[] {
  switch (cmd.name) {
    case 'CAPABILITY':
    case 'NOOP':
    case 'LOGOUT':
    case 'STARTTLS':
    case 'CHECK':
    case 'CLOSE':
    case 'UNSELECT':
    case 'IDLE':
    case 'NAMESPACE':
      return [];
    case 'AUTHENTICATE':
      return cmd.initialResponse === undefined
        ? [atom(cmd.mechanism)]
        : [atom(cmd.mechanism), atom(cmd.initialResponse === '' ? '=' : cmd.initialResponse)];
    case 'LOGIN':
      return [astr(cmd.username), astr(cmd.password)];
    case 'SELECT':
    case 'EXAMINE':
      return cmd.condstore
        ? [mailboxValue(cmd.mailbox, o), list(atom('CONDSTORE'))]
        : [mailboxValue(cmd.mailbox, o)];
    case 'CREATE':
      return cmd.specialUse === undefined
        ? [mailboxValue(cmd.mailbox, o)]
        : [mailboxValue(cmd.mailbox, o), list(atom('USE'), list(...cmd.specialUse.map(atom)))];
    case 'DELETE':
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
    case 'GETACL':
    case 'MYRIGHTS':
    case 'GETQUOTAROOT':
      return [mailboxValue(cmd.mailbox, o)];
    case 'RENAME':
      return [mailboxValue(cmd.from, o), mailboxValue(cmd.to, o)];
    case 'LIST': {
      const out: ImapValue[] = [];
      if (cmd.selectOptions) out.push(list(...cmd.selectOptions.map(atom)));
      out.push(astr(o.utf8Accept === true ? cmd.reference : encodeMutf7(cmd.reference)));
      const patterns = cmd.patterns.map((p) => patternValue(p, o));
      out.push(...(cmd.patternList ? [list(...patterns)] : patterns));
      if (cmd.returnOptions) out.push(atom('RETURN'), list(...returnOptionValues(cmd.returnOptions)));
      return out;
    }
    case 'LSUB':
      return [
        astr(o.utf8Accept === true ? cmd.reference : encodeMutf7(cmd.reference)),
        patternValue(cmd.pattern, o),
      ];
    case 'STATUS':
      return [mailboxValue(cmd.mailbox, o), list(...cmd.items.map(atom))];
    case 'APPEND':
      return [
        mailboxValue(cmd.mailbox, o),
        ...cmd.messages.flatMap((m) => [
          ...(m.flags ? [list(...m.flags.map(atom))] : []),
          ...(m.date ? [str(formatDateTime(m.date))] : []),
          literal(m.message, m.binary),
        ]),
      ];
    case 'EXPUNGE':
      return cmd.uid ? [atom(formatSequenceSet(cmd.sequence))] : [];
    case 'SEARCH':
      return [
        ...(cmd.returnOptions ? [atom('RETURN'), list(...cmd.returnOptions.map(atom))] : []),
        ...(cmd.charset !== undefined ? [atom('CHARSET'), astr(cmd.charset)] : []),
        ...searchKeysToValues(cmd.criteria),
      ];
    case 'FETCH': {
      const attrs = cmd.attributes.map((a) => atom(formatFetchAttribute(a)));
      const what =
        cmd.macro !== undefined ? atom(cmd.macro) : attrs.length === 1 ? attrs[0]! : list(...attrs);
      return [
        atom(formatSequenceSet(cmd.sequence)),
        what,
        ...(cmd.changedSince !== undefined ? [list(atom('CHANGEDSINCE'), num(cmd.changedSince))] : []),
      ];
    }
    case 'STORE': {
      const action = `${cmd.mode === 'add' ? '+' : cmd.mode === 'remove' ? '-' : ''}FLAGS${cmd.silent ? '.SILENT' : ''}`;
      return [
        atom(formatSequenceSet(cmd.sequence)),
        ...(cmd.unchangedSince !== undefined ? [list(atom('UNCHANGEDSINCE'), num(cmd.unchangedSince))] : []),
        atom(action),
        list(...cmd.flags.map(atom)),
      ];
    }
    case 'COPY':
    case 'MOVE':
      return [atom(formatSequenceSet(cmd.sequence)), mailboxValue(cmd.mailbox, o)];
    case 'ENABLE':
      return cmd.capabilities.map(atom);
    case 'ID':
      return cmd.parameters === null
        ? [nil]
        : [list(...cmd.parameters.flatMap(([k, v]) => [str(k), v === null ? nil : str(v)]))];
    case 'GETQUOTA':
      return [astr(cmd.root)];
    case 'SETQUOTA':
      return [astr(cmd.root), list(...cmd.limits.flatMap((l) => [atom(l.resource), num(l.limit)]))];
    case 'SETACL':
      return [mailboxValue(cmd.mailbox, o), astr(cmd.identifier), astr(cmd.rights)];
    case 'DELETEACL':
    case 'LISTRIGHTS':
      return [mailboxValue(cmd.mailbox, o), astr(cmd.identifier)];
    case 'SORT':
      return [
        list(...cmd.criteria.flatMap((c) => (c.reverse ? [atom('REVERSE'), atom(c.key)] : [atom(c.key)]))),
        astr(cmd.charset),
        ...searchKeysToValues(cmd.search),
      ];
    case 'THREAD':
      return [atom(cmd.algorithm), astr(cmd.charset), ...searchKeysToValues(cmd.search)];
    case 'COMPRESS':
      return [atom(cmd.mechanism)];
  }
}

function write(cmd: ImapCommand, options: FormatCommandOptions): ValueWriter {
  const w: WriteOptions = {
    ...(options.utf8Accept === true ? { utf8: true } : {}),
    ...(options.literalPlus === true ? { literalPlus: true } : {}),
  };
  const writer = new ValueWriter(w);
  const name = 'uid' in cmd && cmd.uid ? `UID ${cmd.name}` : cmd.name;
  writer.text(`${cmd.tag} ${name}`);
  for (const v of argumentValues(cmd, options)) writer.text(' ').value(v);
  return writer.text('\r\n');
}

/** The whole command, CRLF included, literals inline. */
export function formatCommand(cmd: ImapCommand, options: FormatCommandOptions = {}): Uint8Array {
  return write(cmd, options).bytes();
}

/**
 * The command split where the client must wait for the server's `+`
 * continuation (after each `{n}` CRLF); one piece with LITERAL+.
 */
export function formatCommandSegments(cmd: ImapCommand, options: FormatCommandOptions = {}): Uint8Array[] {
  return write(cmd, options).segments();
}
