import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1Bytes } from '../core/bytes.ts';
import { findField, readFirstField, readHeaderSection } from './header-section.ts';

describe('readHeaderSection', () => {
  it('reads fields with offsets, unfolds folded values and finds the body (RFC 5322 §2.2)', () => {
    const text = 'From: a@example.com\r\nSubject: hello\r\n world\r\nX-Empty:\r\n\r\nbody\r\n';
    const section = readHeaderSection(latin1Bytes(text));
    expect(section).toEqual({
      fields: [
        { name: 'From', value: 'a@example.com', start: 0, end: 21 },
        { name: 'Subject', value: 'hello world', start: 21, end: 45 },
        { name: 'X-Empty', value: '', start: 45, end: 55 },
      ],
      bodyOffset: 57,
    });
    expect(text.slice(section.bodyOffset)).toBe('body\r\n');
    expect(findField(section, 'subject')?.value).toBe('hello world');
  });

  it('treats a message without an empty line as all header', () => {
    const section = readHeaderSection(latin1Bytes('Subject: x\r\n'));
    expect(section.bodyOffset).toBe(12);
    expect(section.fields.map((f) => f.name)).toEqual(['Subject']);
  });

  it('never throws and keeps offsets inside the message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const s = readHeaderSection(bytes);
        return (
          s.bodyOffset <= bytes.length && s.fields.every((f) => f.start < f.end && f.end <= bytes.length)
        );
      }),
      { numRuns: 300 },
    );
  });

  it('reads the first field alone exactly as the whole section reads it', () => {
    const lines = fc.constantFrom(
      'Received: from a\r\n',
      '\tby b\r\n',
      'X: y\n',
      'junk\r\n',
      '\r\n',
      ' z\r\n',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(lines, { maxLength: 8 }).map((l) => latin1Bytes(l.join(''))),
          fc.uint8Array({ maxLength: 200 }),
        ),
        (bytes) => {
          expect(readFirstField(bytes)).toEqual(readHeaderSection(bytes).fields[0]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
