/**
 * Encoding helpers (`itsdangerous.encoding`): URL-safe base64 without padding, and the
 * big-endian integer packing used for timestamps.
 * @module
 */
import { BadData } from './errors.js';
import { decodeLenient, encodeToString } from './lib/base64.js';
import { asciiIgnore, type BytesLike, isBytes, wantBytes } from './lib/bytes.js';

/**
 * URL-safe base64 of the bytes (text is UTF-8 encoded first), with every trailing `=`
 * removed. Python returns bytes; this returns the same characters as a string.
 * @example base64Encode('a') === 'YQ'
 */
export function base64Encode(data: BytesLike): string {
  return encodeToString(wantBytes(data, 'data'));
}

/**
 * Decodes URL-safe base64 exactly as Python's itsdangerous does (SPEC §1.3): padding is
 * optional, characters outside the alphabet are skipped, `+` and `/` are accepted, decoding
 * stops once padding completes a quad, and unused trailing bits are ignored. Text input drops
 * non-ASCII characters first; bytes input keeps every byte.
 * @throws BadData (`ERR_BASE64_INVALID`) when Python raises it (e.g. a length ≡ 1 mod 4).
 */
export function base64Decode(data: BytesLike): Uint8Array {
  const bytes = typeof data === 'string' ? asciiIgnore(data) : wantBytes(data, 'data');
  const out = decodeLenient(bytes);
  if (out === null) throw new BadData('Invalid base64-encoded data', { code: 'ERR_BASE64_INVALID' });
  return out;
}

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * The 8-byte big-endian unsigned encoding of `n` with leading zero bytes stripped
 * (`int_to_bytes`). `0` gives an empty array.
 * @throws TypeError if `n` is not an integer; RangeError if `n < 0` or `n ≥ 2^64`
 *   (Python raises `struct.error`).
 */
export function intToBytes(n: number | bigint): Uint8Array {
  let value: bigint;
  if (typeof n === 'bigint') {
    value = n;
  } else if (typeof n === 'number' && Number.isInteger(n)) {
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER) return smallIntToBytes(n);
    value = BigInt(n);
  } else {
    throw new TypeError('intToBytes expects an integer');
  }
  if (value < 0n || value > UINT64_MAX) throw new RangeError('intToBytes: integer out of range [0, 2^64)');
  const out = new Uint8Array(8);
  let len = 0;
  for (let v = value; v > 0n; v >>= 8n) len++;
  for (let i = len - 1, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out.subarray(0, len);
}

function smallIntToBytes(n: number): Uint8Array {
  // n ≤ 2^53 - 1 fits in 7 bytes: count them, then fill one array from the low end.
  let length = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) length++;
  const out = new Uint8Array(length);
  for (let i = length - 1, rest = n; i >= 0; i--, rest = Math.floor(rest / 256)) out[i] = rest % 256;
  return out;
}

/**
 * Reads up to 8 bytes as a big-endian unsigned integer (`bytes_to_int`); leading zeros are
 * allowed and an empty array is `0`. Returns a `number` when the value is at most
 * `Number.MAX_SAFE_INTEGER`, otherwise a `bigint` (Python integers are unbounded).
 * @throws RangeError for more than 8 bytes (Python raises `struct.error`).
 */
export function bytesToInt(bytes: Uint8Array): number | bigint {
  if (!isBytes(bytes)) throw new TypeError('bytesToInt expects a Uint8Array');
  const value = _bytesToIntOrNull(bytes);
  if (value === null) throw new RangeError('bytesToInt: more than 8 bytes');
  return value;
}

/** @internal {@link bytesToInt} that returns `null` instead of throwing. */
export function _bytesToIntOrNull(bytes: Uint8Array): number | bigint | null {
  const n = bytes.length;
  if (n > 8) return null;
  // Up to 6 bytes always fits a double exactly; beyond that, check against 2^53.
  let value = 0;
  for (let i = 0; i < n; i++) value = value * 256 + (bytes[i] as number);
  if (value <= Number.MAX_SAFE_INTEGER) return value;
  let big = 0n;
  for (let i = 0; i < n; i++) big = (big << 8n) | BigInt(bytes[i] as number);
  return big;
}
