import { Buffer } from "node:buffer";
import { constants, deflateRawSync } from "node:zlib";

const MB = 1 << 20;

/**
 * A zlib stream that inflates to `megabytes` MB of zeros, built without ever holding them:
 * one megabyte of zeros deflated with a sync flush is a run of whole, non-final blocks that can
 * be repeated; a final empty block and the Adler-32 of the zeros close the stream.
 */
export function zlibZeros(megabytes: number): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(MB), {
    level: 9,
    finishFlush: constants.Z_SYNC_FLUSH,
  });
  const out = new Uint8Array(2 + block.length * megabytes + 2 + 4);
  out.set([0x78, 0xda]);
  for (let i = 0; i < megabytes; i++) out.set(block, 2 + i * block.length);
  let at = 2 + block.length * megabytes;
  out.set([0x03, 0x00], at); // a final, empty block with fixed codes
  at += 2;
  // Adler-32 of n zeros: a stays 1, b is n mod 65521.
  const b = (megabytes * MB) % 65521;
  new DataView(out.buffer).setUint32(at, ((b << 16) | 1) >>> 0);
  return out;
}
