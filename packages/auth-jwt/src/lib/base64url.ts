/**
 * Strict base64url (RFC 7515 §2): no padding, only the URL-safe alphabet, and canonical —
 * the unused low bits of the last character must be zero. Node's decoder is lenient about
 * all three, which would let one token have many spellings (signature malleability).
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Each alphabet character's 6-bit value, by char code (the alphabet is checked before use). */
const VALUE_OF = new Uint8Array(128);
for (let index = 0; index < DIGITS.length; index += 1) VALUE_OF[DIGITS.charCodeAt(index)] = index;

/**
 * Whether the last character's unused low bits are zero: a segment of 4n + 2 characters ends
 * with 4 spare bits, one of 4n + 3 with 2. Checked on the text, instead of re-encoding the
 * decoded bytes and comparing, so that every verified token allocates three strings fewer.
 */
function hasZeroSpareBits(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  const last = VALUE_OF[segment.charCodeAt(segment.length - 1)] ?? 0;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** The canonical-form rules that remain once the alphabet is known to hold. */
function hasCanonicalEnd(segment: string): boolean {
  return segment.length % 4 !== 1 && hasZeroSpareBits(segment);
}

/**
 * The segments of a compact JWS whose shape check already matched the alphabet: the same rules
 * as `decodeBase64Url` and `decodedLengthOfBase64Url` without scanning the segment a second time.
 */
export const alphabetChecked = {
  decode(segment: string): Buffer | null {
    return hasCanonicalEnd(segment) ? Buffer.from(segment, 'base64url') : null;
  },
  decodedLength(segment: string): number | null {
    return hasCanonicalEnd(segment) ? Math.floor((segment.length * 3) / 4) : null;
  },
};

export function decodeBase64Url(segment: string): Buffer | null {
  return ALPHABET.test(segment) ? alphabetChecked.decode(segment) : null;
}

/**
 * How many bytes a segment decodes to, or null where `decodeBase64Url` would refuse it: the
 * same rules without the decoding, for a value whose length is all that is checked (a
 * signature, which jsonwebtoken then decodes and compares itself).
 */
export function decodedLengthOfBase64Url(segment: string): number | null {
  return ALPHABET.test(segment) ? alphabetChecked.decodedLength(segment) : null;
}

export function encodeBase64Url(data: string | Uint8Array): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).toString('base64url');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text, or null for invalid sequences (Buffer#toString would substitute U+FFFD silently). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    // TextDecoder with fatal: true throws only a TypeError for invalid input.
    return null;
  }
}
