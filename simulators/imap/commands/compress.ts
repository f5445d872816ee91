/**
 * COMPRESS (RFC 4978 §3): `COMPRESS DEFLATE` is answered OK in plain text,
 * and from the octet after that OK's CRLF both directions are raw DEFLATE
 * streams; the session asks its driver for the layer (net/deflate-layer.ts)
 * and throws away anything the client pipelined behind the command, which
 * was sent before the client could know the answer. A second COMPRESS gets
 * `NO [COMPRESSIONACTIVE]` (RFC 4978 §3, RFC 5530); another mechanism BAD.
 *
 * STARTTLS comes first when both are used: COMPRESS is a command of the
 * authenticated state, STARTTLS of the not-authenticated one, so the
 * machine's states give the order (compression then runs inside TLS).
 */
import { bad, no, type CommandHandler } from './types.ts';

export const compress: CommandHandler<'COMPRESS'> = (s, cmd) => {
  if (cmd.mechanism !== 'DEFLATE') return bad(`Unknown compression mechanism: ${cmd.mechanism}`);
  if (s.compression !== undefined) return no('DEFLATE is already active.', { code: 'COMPRESSIONACTIVE' });
  return { untagged: [], done: { status: 'OK', text: 'DEFLATE active' }, startCompression: true };
};
