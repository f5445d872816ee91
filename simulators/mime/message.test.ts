import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToLatin1, latin1Bytes } from '../core/bytes.ts';
import { CORPUS, crlf } from './fixtures/corpus.ts';
import { findPart, MAX_MIME_DEPTH, parseMessage, walkParts, type MimePart } from './message.ts';

/** The tree as rows: section, kind, media type, offsets, lines, body text. */
function outline(raw: Uint8Array) {
  const rows: [string, string, string, number, number, number, number, string][] = [];
  walkParts(parseMessage(raw), (p, path) =>
    rows.push([
      path.join('.') || '[]',
      p.kind,
      `${p.contentType.type}/${p.contentType.subtype}`,
      p.start,
      p.headerEnd,
      p.end,
      p.lines,
      bytesToLatin1(raw, p.headerEnd, Math.min(p.end, p.headerEnd + 24)),
    ]),
  );
  return rows;
}

/** Structural invariants every parse must satisfy. */
function checkOffsets(raw: Uint8Array, part: MimePart, lo: number, hi: number): void {
  expect(
    lo <= part.start && part.start <= part.headerEnd && part.headerEnd <= part.end && part.end <= hi,
  ).toBe(true);
  expect(part.header.bodyOffset).toBe(part.headerEnd);
  for (const f of part.header.fields) expect(part.start <= f.start && f.end <= part.headerEnd).toBe(true);
  let lines = 0;
  for (let i = part.headerEnd; i < part.end; i++) if (raw[i] === 0x0a) lines++;
  expect(part.lines).toBe(lines);
  let previous = part.headerEnd;
  for (const child of part.children) {
    checkOffsets(raw, child, previous, part.end);
    previous = child.end;
  }
  if (part.embedded) {
    expect(part.embedded.start).toBe(part.headerEnd);
    expect(part.embedded.end).toBe(part.end);
    checkOffsets(raw, part.embedded, part.headerEnd, part.end);
  }
}

describe('parseMessage', () => {
  it.each([
    ['PLAIN', [['1', 'single', 'text/plain', 0, 189, 226, 2, 'Shall we have lunch at n']]],
    [
      'ALTERNATIVE',
      [
        ['[]', 'multipart', 'multipart/alternative', 0, 144, 441, 12, 'This is a multi-part mes'],
        ['1', 'single', 'text/plain', 199, 287, 305, 0, 'Caf=C3=A9 at noon?'],
        ['2', 'single', 'text/html', 316, 403, 428, 0, '<p>Caf=C3=A9 at noon?</p'],
      ],
    ],
    [
      'MIXED_PDF',
      [
        ['[]', 'multipart', 'multipart/mixed', 0, 108, 443, 15, '--mix\r\nContent-Type: tex'],
        ['1', 'single', 'text/plain', 115, 161, 185, 0, 'See the attached report.'],
        ['2', 'single', 'application/pdf', 194, 380, 430, 1, 'JVBERi0xLjQKMSAwIG9iaiA8'],
      ],
    ],
    [
      'NESTED_RELATED',
      [
        ['[]', 'multipart', 'multipart/mixed', 0, 116, 714, 27, '--outer\r\nContent-Type: m'],
        ['1', 'multipart', 'multipart/related', 125, 196, 464, 13, '--inner\r\nContent-Type: t'],
        ['1.1', 'single', 'text/html', 205, 273, 305, 0, '<img src="cid:logo@examp'],
        ['1.2', 'single', 'image/png', 316, 439, 451, 0, 'iVBORw0KGgo='],
        ['2', 'single', 'application/octet-stream', 475, 688, 691, 0, 'xyz'],
      ],
    ],
    [
      'FORWARD',
      [
        ['[]', 'multipart', 'multipart/mixed', 0, 141, 702, 27, '--fwd\r\nContent-Type: tex'],
        ['1', 'single', 'text/plain', 148, 176, 194, 1, 'Forwarding this.\r\n'],
        ['2', 'message', 'message/rfc822', 203, 293, 691, 16, 'From: =?ISO-8859-1?Q?And'],
        ['2', 'multipart', 'multipart/alternative', 293, 505, 691, 10, '--orig\r\nContent-Type: te'],
        ['2.1', 'single', 'text/plain', 513, 594, 599, 0, 'Gr\xfc\xdfe'],
        ['2.2', 'single', 'text/html', 609, 656, 679, 0, '<b>Gr&uuml;&szlig;e</b>'],
      ],
    ],
    [
      'DIGEST',
      [
        ['[]', 'multipart', 'multipart/digest', 0, 108, 209, 11, '--d\r\n\r\nFrom: one@example'],
        ['1', 'message', 'message/rfc822', 113, 115, 159, 3, 'From: one@example.com\r\nS'],
        ['1.1', 'single', 'text/plain', 115, 154, 159, 0, 'first'],
        ['2', 'single', 'text/plain', 166, 194, 200, 0, 'a note'],
      ],
    ],
    [
      'MALFORMED',
      [
        ['[]', 'multipart', 'multipart/mixed', 0, 64, 231, 12, '--b \t\r\nContent-Type: mul'],
        ['1', 'multipart', 'multipart/alternative', 71, 130, 152, 2, '--b-inner\r\n\r\ninner one'],
        ['1.1', 'single', 'text/plain', 141, 143, 152, 0, 'inner one'],
        ['2', 'single', 'text/plain', 159, 183, 183, 0, ''],
        ['3', 'single', 'text/plain', 190, 208, 231, 1, 'last part runs to EOF\r\n'],
      ],
    ],
  ] as const)('builds the part tree of %s with byte offsets (RFC 2046 §5.1.1)', (name, rows) => {
    expect(outline(CORPUS[name])).toEqual(rows);
  });

  it('leaves the CRLF before a delimiter, the preamble and the epilogue out of every part (RFC 2046 §5.1.1)', () => {
    const raw = crlf(
      'Content-Type: multipart/mixed; boundary=x',
      '',
      'pre',
      '--x',
      '',
      'one',
      '',
      '--x--',
      'post',
    );
    const root = parseMessage(raw);
    expect(root.children.map((c) => bytesToLatin1(raw, c.headerEnd, c.end))).toEqual(['one\r\n']);
    expect(bytesToLatin1(raw, root.headerEnd, root.end)).toBe(
      'pre\r\n--x\r\n\r\none\r\n\r\n--x--\r\npost\r\n',
    );
  });

  it('reads MIME header fields: the first of each, disposition, language, id (RFC 2045 §3, RFC 2183)', () => {
    const root = parseMessage(CORPUS.NESTED_RELATED);
    const [related, data] = root.children;
    expect(related!.children[0]!.language).toEqual(['en', 'de']);
    expect(related!.children[1]).toMatchObject({
      contentId: '<logo@example.com>',
      disposition: { type: 'inline', params: [] },
      transferEncoding: 'base64',
    });
    expect(data).toMatchObject({
      description: 'raw data',
      location: 'http://example.com/data.bin',
      md5: 'Q2hlY2sgSW50ZWdyaXR5IQ==',
      disposition: { type: 'attachment', params: [{ name: 'filename', value: 'data.bin' }] },
    });
    const twice = parseMessage(
      crlf('MIME-Version: 1.0', 'Content-Type: text/html', 'Content-Type: image/png', '', 'x'),
    );
    expect(twice.contentType).toEqual({ type: 'text', subtype: 'html', params: [] });
  });

  it('ignores Content-* fields of a part that is not MIME (RFC 2045 §4)', () => {
    const root = parseMessage(crlf('Content-Transfer-Encoding: base64', 'Content-ID: <x@y>', '', 'aGk='));
    expect(root).toMatchObject({ transferEncoding: '7bit', explicitType: false });
    expect(root.contentId).toBeUndefined();
  });

  it.each([
    ['multipart without a boundary has no parts', 'Content-Type: multipart/mixed', 'multipart', 0],
    ['an empty boundary is no boundary', 'Content-Type: multipart/mixed; boundary=""', 'multipart', 0],
    ['"multipart" without a subtype is not multipart', 'Content-Type: multipart', 'single', 0],
  ] as const)('%s', (_name, field, kind, children) => {
    const root = parseMessage(crlf(field, '', '--', 'x'));
    expect([root.kind, root.children.length]).toEqual([kind, children]);
  });

  it('accepts bare LF line ends (TOLERANCE)', () => {
    const raw = latin1Bytes('Content-Type: multipart/mixed; boundary=b\n\n--b\n\nhi\n--b--\n');
    const child = parseMessage(raw).children[0]!;
    expect([child.start, child.headerEnd, child.end, bytesToLatin1(raw, child.headerEnd, child.end)]).toEqual(
      [47, 48, 50, 'hi'],
    );
  });

  it('stops splitting below MAX_MIME_DEPTH and never overflows the stack', () => {
    const deep = latin1Bytes('Content-Type: message/rfc822\r\n\r\n'.repeat(5000) + 'body\r\n');
    let depth = 0;
    for (let p: MimePart | undefined = parseMessage(deep); p; p = p.embedded) depth++;
    expect(depth).toBe(MAX_MIME_DEPTH + 1);
    const nested = latin1Bytes('Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n'.repeat(3000));
    checkOffsets(nested, parseMessage(nested), 0, nested.length);
  });

  it('finds parts by IMAP section number (RFC 3501 §6.4.5)', () => {
    const root = parseMessage(CORPUS.FORWARD);
    const names = (path: number[]) => {
      const p = findPart(root, path);
      return p && `${p.contentType.type}/${p.contentType.subtype}`;
    };
    // As in Dovecot, a final ".1" after a non-multipart part names the part itself.
    expect([[], [1], [2], [2, 1], [2, 2], [3], [1, 1], [1, 1, 1], [2, 1, 1], [2, 3]].map(names)).toEqual([
      'multipart/mixed',
      'text/plain',
      'message/rfc822',
      'text/plain',
      'text/html',
      undefined,
      'text/plain',
      undefined,
      'text/plain',
      undefined,
    ]);
    const plain = parseMessage(CORPUS.PLAIN);
    expect([findPart(plain, [1]) === plain, findPart(plain, [2])]).toEqual([true, undefined]);
  });

  it('caches the tree per byte array', () => {
    expect(parseMessage(CORPUS.DIGEST)).toBe(parseMessage(CORPUS.DIGEST));
  });

  it('never throws on random octets and keeps offsets nested and increasing', () => {
    const octet = fc.oneof(
      fc.constantFrom(...'\r\n-:; =\t"'.split('').map((c) => c.charCodeAt(0))),
      fc.integer({ min: 0, max: 255 }),
    );
    const chunks = fc.array(
      fc.oneof(
        fc.constantFrom(
          'Content-Type: multipart/mixed; boundary=b\r\n',
          'Content-Type: message/rfc822\r\n',
          'Content-Type: multipart/digest; boundary=bb\r\n',
          '\r\n--b\r\n',
          '\r\n--bb\r\n',
          '\r\n--b--\r\n',
          '\r\n\r\n',
          'Subject: x\r\n',
        ),
        fc.uint8Array({ maxLength: 12 }).map((b) => bytesToLatin1(b)),
        fc.array(octet, { maxLength: 12 }).map((a) => String.fromCharCode(...a)),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(chunks, (parts) => {
        const raw = latin1Bytes(parts.join(''));
        checkOffsets(raw, parseMessage(raw), 0, raw.length);
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips generated MIME trees (RFC 2046 §5.1)', () => {
    type Tree = { leaf: string } | { parts: Tree[] };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ leaf: fc.stringMatching(/^[a-z \r\n]{0,20}$/) }),
        fc.record({ parts: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      ),
    }));
    let counter = 0;
    const render = (t: Tree): string => {
      if ('leaf' in t) return `Content-Type: text/plain\r\n\r\n${t.leaf}`;
      const b = `=_b${counter++}`;
      return `Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n${t.parts.map((p) => `--${b}\r\n${render(p)}\r\n`).join('')}--${b}--`;
    };
    const shape = (p: MimePart, raw: Uint8Array): Tree =>
      p.kind === 'multipart'
        ? { parts: p.children.map((c) => shape(c, raw)) }
        : { leaf: bytesToLatin1(raw, p.headerEnd, p.end) };
    fc.assert(
      fc.property(tree, (t) => {
        const raw = latin1Bytes(render(t));
        expect(shape(parseMessage(raw), raw)).toEqual(t);
      }),
      { numRuns: 200 },
    );
  });
});
