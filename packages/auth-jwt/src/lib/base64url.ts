/**
 * Strict base64url (RFC 7515 §2): no padding, only the URL-safe alphabet, and canonical —
 * the unused low bits of the last character must be zero. Node's decoder is lenient about
 * all three, which would let one token have many spellings (signature malleability).
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function decodeBase64Url(segment: string): Buffer | null {
  if (segment.length % 4 === 1 || !ALPHABET.test(segment)) return null;
  const bytes = Buffer.from(segment, 'base64url');
  return bytes.toString('base64url') === segment ? bytes : null;
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
