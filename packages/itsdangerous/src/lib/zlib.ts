/**
 * zlib (RFC 1950) compression for the URL-safe serializers, and bounded decompression.
 * @module
 */
import { Unzlib, zlibSync } from 'fflate';
import { activeBackend } from './backend.js';

/** Input slice fed to the inflater at a time. Deflate expands at most ~1032:1, so the output
 * can overshoot the limit by at most ~264 KiB before the next check aborts the inflate. */
const INFLATE_CHUNK = 256;

/**
 * `zlib.compress(data)` at Python's default level (-1 = 6), zlib container (`78 9c`). The result
 * may be a view of a buffer that the next call overwrites (see Backend): read it before then.
 */
export function zlibCompress(data: Uint8Array): Uint8Array {
  return activeBackend().zlibCompress(data) ?? zlibSync(data, { level: 6 });
}

/** Thrown when the inflated size passes the limit. */
export class InflateLimitExceeded extends Error {
  /**
   * @param limit the limit in bytes
   * @param produced bytes inflated when the inflate was abandoned
   * @param consumed compressed bytes fed to the inflater by then
   */
  constructor(
    readonly limit: number,
    readonly produced: number,
    readonly consumed: number,
  ) {
    super(`Decompressed payload exceeds ${limit} bytes`);
    this.name = 'InflateLimitExceeded';
  }
}

/**
 * `zlib.decompress(data)`, streaming: input is pushed in small slices and inflating stops as
 * soon as the output passes `maxBytes` (throws {@link InflateLimitExceeded}), so a small
 * "zip bomb" token never allocates more than about `maxBytes` + 264 KiB.
 * Bytes after the end of the zlib stream are ignored, as in Python. Corrupt or truncated
 * streams throw fflate's error.
 */
export function zlibDecompressBounded(data: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let consumed = 0;
  const inflater = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new InflateLimitExceeded(maxBytes, total, consumed);
    if (chunk.length > 0) chunks.push(chunk);
  });
  if (data.length === 0) {
    inflater.push(data, true);
  } else {
    for (let start = 0; start < data.length; start += INFLATE_CHUNK) {
      const end = Math.min(start + INFLATE_CHUNK, data.length);
      consumed = end;
      inflater.push(data.subarray(start, end), end === data.length);
    }
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
