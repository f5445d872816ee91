/**
 * The SMTP codec: pure functions and small buffers that turn bytes into
 * typed lines, commands, replies and messages, and back. No state machine
 * lives here (h11's split): the session feeds bytes in, and a machine tag
 * (`codec:data`) tells it whether to use {@link LineReader} or
 * {@link DataReader}.
 *
 * This file holds command-mode line framing and re-exports the rest:
 * `data.ts` (DATA framing, dot-stuffing), `commands.ts` (command
 * parse/format), `replies.ts` (reply parse/format) and `reply-codes.ts` (the
 * learner's catalogue).
 */

export * from './commands.ts';
export * from './data.ts';
export * from './replies.ts';
export * from './reply-codes.ts';
export { LineReader, type LineReaderOptions, type LineResult } from '../core/line-reader.ts';

/** RFC 5321 §4.5.3.1.4: command line ≤ 512 octets incl. CRLF. */
export const MAX_COMMAND_LINE = 512;
/** RFC 5321 §4.5.3.1.5: reply line ≤ 512 octets incl. CRLF. */
export const MAX_REPLY_LINE = 512;
