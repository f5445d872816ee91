import { describe, expect, it } from 'vitest';
import { utf8Bytes, type StoredMessage } from '../../../simulators/index.ts';
import { formatArrival, messageSource, summarizeMessage } from './message-view.ts';

/** 2026-11-29 09:00:04 UTC. */
const ARRIVED = Date.UTC(2026, 10, 29, 9, 0, 4);

function stored(text: string, uid = 1): StoredMessage {
  return { uid, raw: utf8Bytes(text), internalDate: ARRIVED, flags: new Set(), modseq: 1 };
}

const RELAYED = [
  'Return-Path: <alice@example.com>',
  'Received: from smtp.example.com (smtp.example.com [192.0.2.25])',
  '\tby mx.example.net (Mailroom) with ESMTPS id 1661798C8B',
  '\tfor <bob@example.net>;',
  '\tSun, 29 Nov 2026 09:00:00 +0000',
  'Received: from alice-laptop (alice-laptop.example.com [192.0.2.10])',
  '\tby smtp.example.com (Mailroom) with ESMTPSA id A09CC3B208',
  '\tfor <bob@example.net>; Sun, 29 Nov 2026 09:00:00 +0000',
  'From: =?UTF-8?B?QWxpY2Ugw4k=?= <alice@example.com>',
  'Subject: =?UTF-8?B?TWl0dGFnZXNzZW4/?=',
  'Date: Sun, 29 Nov 2026 09:00:00 +0000',
  '',
  'Hello Bob',
  '',
].join('\r\n');

describe('summarizeMessage', () => {
  it('reads From, Subject and Date, decoding encoded words (RFC 5322 §3.6, RFC 2047)', () => {
    expect(summarizeMessage(stored(RELAYED, 7))).toEqual({
      uid: 7,
      from: 'Alice É <alice@example.com>',
      subject: 'Mittagessen?',
      date: 'Sun, 29 Nov 2026 09:00:00 +0000',
      size: utf8Bytes(RELAYED).length,
    });
  });

  it('leaves From and Subject empty and shows the arrival time when a message has no such fields', () => {
    expect(summarizeMessage(stored('Subject: hi\r\n\r\nHello Bob\r\n'))).toEqual({
      uid: 1,
      from: '',
      subject: 'hi',
      date: '2026-11-29 09:00:04 UTC',
      size: 26,
    });
  });
});

describe('messageSource', () => {
  it('marks each Received field and lists the hops oldest first (RFC 5321 §4.4)', () => {
    const source = messageSource(utf8Bytes(RELAYED));
    expect(source.hops).toEqual([
      'from alice-laptop (alice-laptop.example.com [192.0.2.10]) by smtp.example.com (Mailroom) with ESMTPSA id A09CC3B208 for <bob@example.net>; Sun, 29 Nov 2026 09:00:00 +0000',
      'from smtp.example.com (smtp.example.com [192.0.2.25]) by mx.example.net (Mailroom) with ESMTPS id 1661798C8B for <bob@example.net>; Sun, 29 Nov 2026 09:00:00 +0000',
    ]);
    expect(source.parts.map((p) => [p.received, p.text.split('\n')[0]])).toEqual([
      [false, 'Return-Path: <alice@example.com>'],
      [true, 'Received: from smtp.example.com (smtp.example.com [192.0.2.25])'],
      [true, 'Received: from alice-laptop (alice-laptop.example.com [192.0.2.10])'],
      [false, 'From: =?UTF-8?B?QWxpY2Ugw4k=?= <alice@example.com>'],
    ]);
    // Nothing is lost: the parts are the whole message, with newlines for CRLF.
    expect(source.parts.map((p) => p.text).join('')).toBe(RELAYED.replace(/\r\n/g, '\n'));
  });

  it('gives one plain part and no hops for a message that was never relayed', () => {
    expect(messageSource(utf8Bytes('Subject: hi\r\n\r\nHello\r\n'))).toEqual({
      parts: [{ text: 'Subject: hi\n\nHello\n', received: false }],
      hops: [],
    });
  });
});

describe('formatArrival', () => {
  it('writes an epoch time as a UTC date and time', () => {
    expect(formatArrival(ARRIVED)).toBe('2026-11-29 09:00:04 UTC');
  });
});
