/** Property tests (STYLE #11): round trips, tamper detection, encoders against references. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  BadSignature,
  base64Decode,
  base64Encode,
  bytesToInt,
  type DigestName,
  intToBytes,
  type KeyDerivation,
  Serializer,
  Signer,
  TimedSerializer,
  TimestampSigner,
  URLSafeSerializer,
  URLSafeTimedSerializer,
} from '../src/index.js';
import { JSONWebSignatureSerializer } from '../src/legacy.js';
import { decodeCanonical, decodeLenient } from '../src/lib/base64.js';
import { constantTimeEqual } from '../src/lib/constant-time.js';
import { pythonJsonDumps } from '../src/lib/json.js';
import { thrown, utf8 } from './helpers.js';

const T0 = 1308874145;
const now = () => T0;
const RUNS = { numRuns: 200 };

/** Any JSON value, strings over the whole code-point range (lone surrogates included). */
const jsonValue = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });
const secret = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.uint8Array({ minLength: 1, maxLength: 150 }),
);
const salt = fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null));
const digest = fc.constantFrom<DigestName>('sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'md5');
const keyDerivation = fc.constantFrom<KeyDerivation>('concat', 'django-concat', 'hmac', 'none');

const serializers = [
  [
    'Serializer',
    (key: string | Uint8Array, s: string | null, d: DigestName, kd: KeyDerivation) =>
      new Serializer(key, { salt: s, signerKwargs: { digestMethod: d, keyDerivation: kd } }),
  ],
  [
    'TimedSerializer',
    (key: string | Uint8Array, s: string | null, d: DigestName, kd: KeyDerivation) =>
      new TimedSerializer(key, { salt: s, now, signerKwargs: { digestMethod: d, keyDerivation: kd } }),
  ],
  [
    'URLSafeSerializer',
    (key: string | Uint8Array, s: string | null, d: DigestName, kd: KeyDerivation) =>
      new URLSafeSerializer(key, { salt: s, signerKwargs: { digestMethod: d, keyDerivation: kd } }),
  ],
  [
    'URLSafeTimedSerializer',
    (key: string | Uint8Array, s: string | null, d: DigestName, kd: KeyDerivation) =>
      new URLSafeTimedSerializer(key, { salt: s, now, signerKwargs: { digestMethod: d, keyDerivation: kd } }),
  ],
] as const;

describe.each(serializers)('%s properties', (_name, make) => {
  it('loads(dumps(x)) = x for JSON values', () => {
    fc.assert(
      fc.property(jsonValue, secret, salt, digest, keyDerivation, (value, key, s, d, kd) => {
        const serializer = make(key, s, d, kd);
        expect(serializer.loads(serializer.dumps(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      RUNS,
    );
  });

  it('any changed byte ⇒ BadSignature', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(), fc.integer({ min: 1, max: 255 }), digest, (value, at, delta, d) => {
        const serializer = make('secret-key', 'salt', d, 'django-concat');
        const token = utf8(serializer.dumps(value));
        const i = at % token.length;
        token[i] = ((token[i] as number) + delta) & 0xff;
        expect(thrown(() => serializer.loads(token))).toBeInstanceOf(BadSignature);
      }),
      RUNS,
    );
  });

  it('a changed key or salt ⇒ BadSignature (unless derivation "none" ignores the salt)', () => {
    fc.assert(
      fc.property(
        jsonValue,
        secret,
        secret,
        fc.string(),
        fc.string(),
        keyDerivation,
        (value, k1, k2, s1, s2, kd) => {
          const token = make(k1, s1, 'sha256', kd).dumps(value);
          // Keys are compared as the bytes they sign with: the text "U" and the bytes [0x55]
          // are one key (a case the generators do produce).
          const keyBytesEqual = constantTimeEqual(
            typeof k1 === 'string' ? utf8(k1) : k1,
            typeof k2 === 'string' ? utf8(k2) : k2,
          );
          if (!keyBytesEqual) {
            expect(thrown(() => make(k2, s1, 'sha256', kd).loads(token))).toBeInstanceOf(BadSignature);
          }
          if (s1 !== s2 && kd !== 'none') {
            expect(thrown(() => make(k1, s2, 'sha256', kd).loads(token))).toBeInstanceOf(BadSignature);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('signer properties', () => {
  it.each([
    ['Signer', (key: Uint8Array) => new Signer(key)],
    ['TimestampSigner', (key: Uint8Array) => new TimestampSigner(key, { now })],
  ])('%s: unsign(sign(bytes)) = bytes; any changed byte ⇒ BadSignature', (_name, make) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        (key, value, at) => {
          const signer = make(key);
          const signed = signer.sign(value);
          expect(signer.unsign(signed)).toEqual(value);
          const changed = signed.slice();
          const i = at % changed.length;
          changed[i] = (changed[i] as number) ^ (1 << (at % 8));
          expect(thrown(() => signer.unsign(changed))).toBeInstanceOf(BadSignature);
        },
      ),
      RUNS,
    );
  });

  it('JWS: loads(dumps(x)) = x', () => {
    const s = new JSONWebSignatureSerializer('secret-key');
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(s.loads(s.dumps(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      RUNS,
    );
  });
});

/** SPEC §1.3 pseudo-code, transliterated literally: the reference for the table-driven decoder. */
function referenceDecode(input: Uint8Array): Uint8Array | null {
  const bytes = [...input, ...new Array((4 - (input.length % 4)) % 4).fill(0x3d)];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let q = 0;
  let pads = 0;
  let acc = 0;
  const out: number[] = [];
  for (const c of bytes) {
    if (c === 0x3d) {
      if (q >= 2) {
        pads += 1;
        if (q + pads >= 4) return Uint8Array.from(out);
      }
      continue;
    }
    const ch = String.fromCharCode(c);
    let v = c < 0x80 ? alphabet.indexOf(ch) : -1;
    if (ch === '-' || ch === '+') v = 62;
    if (ch === '_' || ch === '/') v = 63;
    if (v < 0) continue;
    pads = 0;
    if (q === 0) {
      acc = v;
      q = 1;
    } else if (q === 1) {
      out.push(((acc << 2) | (v >> 4)) & 0xff);
      acc = v & 0x0f;
      q = 2;
    } else if (q === 2) {
      out.push(((acc << 4) | (v >> 2)) & 0xff);
      acc = v & 0x03;
      q = 3;
    } else {
      out.push(((acc << 6) | v) & 0xff);
      acc = 0;
      q = 0;
    }
  }
  return q === 0 ? Uint8Array.from(out) : null;
}

describe('encoding properties', () => {
  it('base64Decode(base64Encode(b)) = b, and the encoding is Node base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = base64Encode(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
        expect(base64Decode(encoded)).toEqual(bytes);
        expect(decodeCanonical(utf8(encoded))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('the lenient decoder equals the SPEC §1.3 algorithm on arbitrary input', () => {
    const char = fc.constantFrom(...'AQgw-_+/=!. é\n'.split(''), 'a', 'Z', '0', '9');
    const noisy = fc.array(char, { maxLength: 24 }).map((chars) => utf8(chars.join('')));
    fc.assert(
      fc.property(fc.oneof(noisy, fc.uint8Array({ maxLength: 24 })), (input) => {
        expect(decodeLenient(input)).toEqual(referenceDecode(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('canonical decoding accepts a text iff it is the encoding of what it decodes to', () => {
    const text = fc.string({ unit: fc.constantFrom(...'AQgwB-_+=x'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(text, (t) => {
        const canonical = decodeCanonical(utf8(t));
        if (canonical !== null) expect(base64Encode(canonical)).toBe(t);
        else
          expect(
            decodeLenient(utf8(t)) === null || base64Encode(decodeLenient(utf8(t)) as Uint8Array) !== t,
          ).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('bytesToInt(intToBytes(n)) = n over [0, 2^64)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
        const bytes = intToBytes(n);
        expect(bytes.length === 0 || bytes[0] !== 0).toBe(true);
        const back = bytesToInt(bytes);
        expect(BigInt(back)).toBe(n);
        expect(typeof back).toBe(n <= BigInt(Number.MAX_SAFE_INTEGER) ? 'number' : 'bigint');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(bytesToInt(intToBytes(n))).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('Python-style JSON parses back to the same value and is pure printable ASCII', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = pythonJsonDumps(value);
        expect(text).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('constantTimeEqual agrees with plain equality', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        const equal = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(constantTimeEqual(a, b)).toBe(equal);
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
