/** Upstream test_encoding.py, the base64 decisions (SPEC §1.3), and the constant-time helper. */
import { describe, expect, it } from '@jest/globals';
import { BadData, base64Decode, base64Encode, bytesToInt, intToBytes } from '../src/index.js';
import { decodeCanonical, decodeLenient, encodeToBytes } from '../src/lib/base64.js';
import { wantBytes } from '../src/lib/bytes.js';
import { constantTimeEqual } from '../src/lib/constant-time.js';
import { bytesToHex, expectThrowsCode, hexToBytes, text, utf8 } from './helpers.js';

describe('want_bytes (lib/bytes)', () => {
  it('returns bytes for text and for bytes', () => {
    expect(wantBytes('無限')).toEqual(utf8('無限'));
    const bytes = utf8('infinite');
    expect(wantBytes(bytes)).toBe(bytes);
  });

  it('rejects other types with TypeError', () => {
    expect(() => wantBytes(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('base64Encode / base64Decode', () => {
  it.each([['無限'], ['infinite']])('round-trips %s', (value) => {
    expect(text(base64Decode(base64Encode(value)))).toBe(value);
    expect(text(base64Decode(base64Encode(utf8(value))))).toBe(value);
  });

  it('encodes without padding (SPEC §1.2 examples)', () => {
    expect(base64Encode('')).toBe('');
    expect(base64Encode('a')).toBe('YQ');
    expect(base64Encode(hexToBytes('fbff'))).toBe('-_8');
    expect(base64Encode(hexToBytes('fbefbe'))).toBe('----');
  });

  it('base64Decode("12345") throws BadData ERR_BASE64_INVALID', () => {
    const error = expectThrowsCode(() => base64Decode('12345'), BadData, 'ERR_BASE64_INVALID');
    expect(error.message).toBe('Invalid base64-encoded data');
  });

  it('is Python-lenient: padding optional or redundant, junk skipped, +/ accepted, stops at padding', () => {
    for (const input of ['YQ', 'YQ=', 'YQ==', 'YQ===', 'YQ==YQ', 'Y!Q==', 'YR']) {
      expect(text(base64Decode(input))).toBe('a');
    }
    expect(bytesToHex(base64Decode('-_8'))).toBe(bytesToHex(base64Decode('+/8')));
    expect(text(base64Decode('YW Jj'))).toBe('abc');
  });

  it('drops non-ASCII characters of text input, but counts non-ASCII bytes', () => {
    expect(text(base64Decode('YQé'))).toBe('a');
    // As bytes, the two bytes of "é" count toward the padding step: 4 bytes, q ends at 2.
    expect(() => base64Decode(utf8('Yé'))).toThrow(BadData);
  });
});

describe('canonical decoding of signatures (lib/base64)', () => {
  it('accepts exactly the encoder output', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(decodeCanonical(encodeToBytes(bytes))).toEqual(bytes);
    }
  });

  it('rejects what Python accepts: padding, junk, +/, non-zero unused bits, length ≡ 1 mod 4', () => {
    const sig = 'wh6tMHxLgJqB6oY1uT73iMlyrOA';
    expect(decodeCanonical(utf8(sig))).not.toBeNull();
    for (const variant of [
      `${sig}=`,
      `${sig}==`,
      'wh6tMHxLgJqB6oY1uT73iMlyrOB',
      'wh6tMHxLgJqB6oY1uT73iMly!rOA===',
      'a+/A',
      'A',
    ]) {
      expect(decodeCanonical(utf8(variant))).toBeNull();
      if (variant !== 'A') expect(decodeLenient(utf8(variant))).not.toBeNull();
    }
  });
});

describe('intToBytes / bytesToInt', () => {
  it.each([
    [0, ''],
    [192, 'c0'],
    [256, '0100'],
  ])('%s ↔ %s', (n, hex) => {
    expect(bytesToHex(intToBytes(n))).toBe(hex);
    expect(bytesToInt(hexToBytes(hex))).toBe(n);
  });

  it('2^64 - 1 ↔ ff×8 (bigint above 2^53)', () => {
    expect(bytesToHex(intToBytes(2n ** 64n - 1n))).toBe('ff'.repeat(8));
    expect(bytesToInt(hexToBytes('ff'.repeat(8)))).toBe(2n ** 64n - 1n);
    expect(bytesToInt(hexToBytes('001fffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(bytesToInt(hexToBytes('0020000000000000'))).toBe(2n ** 53n);
  });

  it('leading zeros and empty input decode', () => {
    expect(bytesToInt(hexToBytes('00c0'))).toBe(192);
    expect(bytesToInt(new Uint8Array(0))).toBe(0);
  });

  it('misuse: out of range is RangeError, non-integer is TypeError (Python struct.error)', () => {
    expect(() => intToBytes(-1)).toThrow(RangeError);
    expect(() => intToBytes(2n ** 64n)).toThrow(RangeError);
    expect(() => intToBytes(1.5)).toThrow(TypeError);
    expect(() => bytesToInt(new Uint8Array(9))).toThrow(RangeError);
  });
});

describe('constantTimeEqual (the one comparison, STYLE #6)', () => {
  const a = hexToBytes('00112233445566778899');

  it('is true only for identical bytes', () => {
    expect(constantTimeEqual(a, a.slice())).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    for (let i = 0; i < a.length; i++) {
      const b = a.slice();
      b[i] = (b[i] as number) ^ 1;
      expect(constantTimeEqual(a, b)).toBe(false);
    }
  });

  it('is false on a length mismatch, either way, including a prefix', () => {
    expect(constantTimeEqual(a, a.subarray(0, 9))).toBe(false);
    expect(constantTimeEqual(a.subarray(0, 9), a)).toBe(false);
    expect(constantTimeEqual(a, new Uint8Array(0))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), a)).toBe(false);
  });

  it('has no early exit: reads every byte of the expected value whatever differs', () => {
    const reads: number[] = [];
    const spy = new Proxy(a, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads.push(Number(key));
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Uint8Array;
    const differentFirst = a.slice();
    differentFirst[0] = 0xff;
    constantTimeEqual(spy, differentFirst);
    expect(reads).toEqual([...a.keys()]);
  });
});
