/** DKIM (RFC 6376, RFC 8463, RFC 8301): signing and verifying as effectful generators. */
export * from './types.ts';
export { webCryptoDkim, performCryptoOp, type SubtleLike } from './crypto.ts';
export * from './canonicalize.ts';
export * from './signature.ts';
export * from './key-record.ts';
export * from './verify.ts';
export * from './sign.ts';
export * from './pem.ts';
export * from './driver.ts';
