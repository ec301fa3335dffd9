/**
 * URL-safe base64 without padding, through lookup tables.
 *
 * Two decoders:
 * - {@link decodeLenient} is CPython's non-strict `binascii.a2b_base64` as itsdangerous calls it
 *   (SPEC §1.3): junk skipped, `+/` accepted, stops at completing padding, ignores non-zero
 *   trailing bits. Used for payloads, timestamps and the exported `base64Decode`.
 * - {@link decodeCanonical} accepts only the one text `base64Encode` produces for some bytes.
 *   Used for signatures by default, so a signature has exactly one valid spelling.
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 6-bit value → ASCII code. */
const ENCODE = /* @__PURE__ */ Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

const PAD = 0x3d; // '='
const INVALID = 0xff;

/** ASCII code → 6-bit value, accepting `-_` and `+/` (lenient); INVALID otherwise. */
const DECODE_LENIENT = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256).fill(INVALID);
  for (let i = 0; i < 64; i++) t[ENCODE[i] as number] = i;
  t[0x2b] = 62; // '+'
  t[0x2f] = 63; // '/'
  return t;
})();

/** ASCII code → 6-bit value for the URL-safe alphabet only. */
const DECODE_URLSAFE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256).fill(INVALID);
  for (let i = 0; i < 64; i++) t[ENCODE[i] as number] = i;
  return t;
})();

/** Length of the unpadded encoding of `n` bytes: ceil(4n/3). */
export function encodedLength(n: number): number {
  return Math.ceil((n * 4) / 3);
}

/**
 * Writes the unpadded URL-safe base64 of `src` into `dst` at `offset`; returns the new offset.
 * `dst` must have room for {@link encodedLength}(src.length) bytes.
 */
export function encodeInto(src: Uint8Array, dst: Uint8Array, offset: number): number {
  const n = src.length;
  const full = n - (n % 3);
  let o = offset;
  let i = 0;
  for (; i < full; i += 3) {
    const v = ((src[i] as number) << 16) | ((src[i + 1] as number) << 8) | (src[i + 2] as number);
    dst[o++] = ENCODE[v >>> 18] as number;
    dst[o++] = ENCODE[(v >>> 12) & 63] as number;
    dst[o++] = ENCODE[(v >>> 6) & 63] as number;
    dst[o++] = ENCODE[v & 63] as number;
  }
  const rest = n - full;
  if (rest === 1) {
    const v = src[i] as number;
    dst[o++] = ENCODE[v >>> 2] as number;
    dst[o++] = ENCODE[(v & 3) << 4] as number;
  } else if (rest === 2) {
    const v = ((src[i] as number) << 8) | (src[i + 1] as number);
    dst[o++] = ENCODE[v >>> 10] as number;
    dst[o++] = ENCODE[(v >>> 4) & 63] as number;
    dst[o++] = ENCODE[(v & 15) << 2] as number;
  }
  return o;
}

/** Unpadded URL-safe base64 of `src`, as ASCII bytes. */
export function encodeToBytes(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(encodedLength(src.length));
  encodeInto(src, out, 0);
  return out;
}

/** Unpadded URL-safe base64 of `src`, as a string. */
export function encodeToString(src: Uint8Array): string {
  const n = src.length;
  const full = n - (n % 3);
  let out = '';
  let i = 0;
  for (; i < full; i += 3) {
    const v = ((src[i] as number) << 16) | ((src[i + 1] as number) << 8) | (src[i + 2] as number);
    out +=
      ALPHABET.charAt(v >>> 18) +
      ALPHABET.charAt((v >>> 12) & 63) +
      ALPHABET.charAt((v >>> 6) & 63) +
      ALPHABET.charAt(v & 63);
  }
  const rest = n - full;
  if (rest === 1) {
    const v = src[i] as number;
    out += ALPHABET.charAt(v >>> 2) + ALPHABET.charAt((v & 3) << 4);
  } else if (rest === 2) {
    const v = ((src[i] as number) << 8) | (src[i + 1] as number);
    out += ALPHABET.charAt(v >>> 10) + ALPHABET.charAt((v >>> 4) & 63) + ALPHABET.charAt((v & 15) << 2);
  }
  return out;
}

/**
 * Python `itsdangerous.base64_decode` on bytes, bit for bit (SPEC §1.3):
 * pad with `=` to a multiple of 4 (counting every byte, junk included), then CPython's
 * non-strict decoder. Returns `null` where Python raises BadData.
 */
export function decodeLenient(src: Uint8Array, scratch?: Uint8Array): Uint8Array | null {
  // Canonical text (everything the encoder produces) decodes to the same bytes either way;
  // the 4-characters-at-a-time decoder is faster, and gives up early on anything else.
  const canonical = decodeCanonical(src, scratch);
  if (canonical !== null) return canonical;
  // Step 1 appends (-len) mod 4 '=' characters. They only matter when the data reaches them:
  // they can complete a quad (q >= 2) or be ignored. Simulate them after the real input.
  const appended = (4 - (src.length % 4)) % 4;
  const out = new Uint8Array(Math.floor(((src.length + appended) * 3) / 4));
  let o = 0;
  let q = 0;
  let pads = 0;
  let acc = 0;
  const total = src.length + appended;
  for (let i = 0; i < total; i++) {
    const c = i < src.length ? (src[i] as number) : PAD;
    if (c === PAD) {
      if (q >= 2) {
        pads++;
        if (q + pads >= 4) return out.subarray(0, o);
      }
      continue;
    }
    const v = DECODE_LENIENT[c] as number;
    if (v === INVALID) continue;
    pads = 0;
    switch (q) {
      case 0:
        acc = v;
        q = 1;
        break;
      case 1:
        out[o++] = ((acc << 2) | (v >>> 4)) & 0xff;
        acc = v & 0x0f;
        q = 2;
        break;
      case 2:
        out[o++] = ((acc << 4) | (v >>> 2)) & 0xff;
        acc = v & 0x03;
        q = 3;
        break;
      default:
        out[o++] = ((acc << 6) | v) & 0xff;
        acc = 0;
        q = 0;
    }
  }
  return q === 0 ? out.subarray(0, o) : null;
}

/**
 * Strict decoder: accepts exactly the output of {@link encodeInto} (URL-safe alphabet, no
 * padding, no junk, zero trailing bits, length not ≡ 1 mod 4). Returns `null` otherwise.
 * Whether the text is canonical depends only on the text, so the early exits here leak nothing
 * about any secret.
 *
 * With `scratch` large enough, the bytes are written there and a view of it is returned: no
 * allocation (an array over 64 bytes costs V8 an off-heap store, a third of a microsecond),
 * for callers that consume the bytes before the next call.
 */
export function decodeCanonical(src: Uint8Array, scratch?: Uint8Array): Uint8Array | null {
  const n = src.length;
  const rest = n % 4;
  if (rest === 1) return null;
  const length = (n >>> 2) * 3 + (rest === 0 ? 0 : rest - 1);
  const out =
    scratch !== undefined && scratch.length >= length ? scratch.subarray(0, length) : new Uint8Array(length);
  const full = n - rest;
  let o = 0;
  let i = 0;
  for (; i < full; i += 4) {
    const a = DECODE_URLSAFE[src[i] as number] as number;
    const b = DECODE_URLSAFE[src[i + 1] as number] as number;
    const c = DECODE_URLSAFE[src[i + 2] as number] as number;
    const d = DECODE_URLSAFE[src[i + 3] as number] as number;
    // Valid values are < 64; INVALID (0xff) sets bit 6 or 7.
    if ((a | b | c | d) > 63) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (rest === 2) {
    const a = DECODE_URLSAFE[src[i] as number] as number;
    const b = DECODE_URLSAFE[src[i + 1] as number] as number;
    if ((a | b) > 63 || (b & 0x0f) !== 0) return null;
    out[o++] = (a << 2) | (b >>> 4);
  } else if (rest === 3) {
    const a = DECODE_URLSAFE[src[i] as number] as number;
    const b = DECODE_URLSAFE[src[i + 1] as number] as number;
    const c = DECODE_URLSAFE[src[i + 2] as number] as number;
    if ((a | b | c) > 63 || (c & 0x03) !== 0) return null;
    const v = (a << 10) | (b << 4) | (c >>> 2);
    out[o++] = v >>> 8;
    out[o++] = v & 0xff;
  }
  return out;
}
