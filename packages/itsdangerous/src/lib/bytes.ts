/**
 * Bytes at the edges (itsdangerous `encoding.want_bytes`): text becomes UTF-8 once on the
 * way in, everything inside works on `Uint8Array`.
 * @module
 */

/** Text or bytes. Text is UTF-8 encoded. */
export type BytesLike = string | Uint8Array;

const encoder = /* @__PURE__ */ new TextEncoder();
// fatal: invalid UTF-8 throws (Python decodes strictly). ignoreBOM: keep a leading U+FEFF so
// that JSON.parse rejects it, as Python's json.loads does.
const strictDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** An empty byte string, shared (never written to). */
export const EMPTY: Uint8Array = /* @__PURE__ */ new Uint8Array(0);

/** `true` for a `Uint8Array`, including subclasses such as Node's `Buffer` and other realms. */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array')
  );
}

/**
 * UTF-8 encodes text; returns bytes unchanged (no copy). Lone surrogates in text become
 * U+FFFD (TextEncoder), where Python would raise UnicodeEncodeError.
 * @throws TypeError for anything that is neither a string nor a Uint8Array.
 */
export function wantBytes(value: BytesLike, what = 'value'): Uint8Array {
  if (typeof value === 'string') return encoder.encode(value);
  if (isBytes(value)) return value;
  throw new TypeError(`${what} must be a string or a Uint8Array`);
}

/** Like {@link wantBytes} but returns a private copy of byte input (for keys, salts, separators). */
export function ownBytes(value: BytesLike, what: string): Uint8Array {
  const bytes = wantBytes(value, what);
  return typeof value === 'string' ? bytes : bytes.slice();
}

/** `str.encode("ascii", "ignore")`: keeps the code units below 0x80, drops the rest. */
export function asciiIgnore(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
  }
  return n === out.length ? out : out.subarray(0, n);
}

/** UTF-8 encode text. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict UTF-8 decode: invalid sequences throw a TypeError; a leading BOM is kept. */
export function utf8DecodeStrict(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Index of the last occurrence of `needle` in `haystack` (Python `bytes.rfind`), or -1. */
export function lastIndexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 1) return haystack.lastIndexOf(needle[0] as number);
  if (n === 0) return haystack.length;
  outer: for (let i = haystack.length - n; i >= 0; i--) {
    for (let j = 0; j < n; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** Index of the first occurrence of `needle` in `haystack` (Python `bytes.find`), or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 1) return haystack.indexOf(needle[0] as number);
  if (n === 0) return 0;
  outer: for (let i = 0; i + n <= haystack.length; i++) {
    for (let j = 0; j < n; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** `true` when `needle` occurs as a contiguous run inside `haystack`. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  return indexOfBytes(haystack, needle) >= 0;
}

/**
 * Python's `repr()` of a bytes object (`b'...'`), used only to keep error messages identical
 * to itsdangerous' (`Signature b'abc' does not match`).
 */
export function pyBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x27 && quote === "'") out += "\\'";
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out + quote;
}
