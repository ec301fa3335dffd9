/**
 * The loads and dumps fast paths (views instead of copies, shared encode and decode buffers, no Date unless one is
 * returned) must not be observable: each test here fails if a view leaks or a buffer is reused
 * too early.
 */
import { describe, expect, it } from '@jest/globals';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import {
  BadTimeSignature,
  type BytesLike,
  base64Encode,
  type HashFunction,
  Serializer,
  SignatureExpired,
  TimedSerializer,
  type TimedUnsignOptions,
  TimestampSigner,
  URLSafeSerializer,
  URLSafeTimedSerializer,
} from '../src/index.js';
import { decodeCanonical, decodeLenient, encodeToBytes } from '../src/lib/base64.js';
import { _encodeUrlSafePayload } from '../src/url-safe.js';
import { expectThrowsCode, text, thrown, utf8 } from './helpers.js';

const T0 = 1_790_000_000;
const now = (): number => T0;

/** A token whose payload is plain (uncompressed) base64 of the JSON, whatever its size. */
function plainToken(s: URLSafeTimedSerializer, value: unknown): string {
  return text(s.makeSigner().sign(base64Encode(JSON.stringify(value))));
}

describe('decoding into a scratch buffer', () => {
  it('uses the scratch when it fits and allocates when it does not', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff);
    const encoded = encodeToBytes(bytes);
    const big = new Uint8Array(200);
    const small = new Uint8Array(50);
    const intoBig = decodeCanonical(encoded, big) as Uint8Array;
    expect(intoBig).toEqual(bytes);
    expect(intoBig.buffer).toBe(big.buffer);
    const intoSmall = decodeLenient(encoded, small) as Uint8Array;
    expect(intoSmall).toEqual(bytes);
    expect(intoSmall.buffer).not.toBe(small.buffer);
  });
});

describe('URLSafeTimedSerializer.loads', () => {
  const s = new URLSafeTimedSerializer('secret-key', { salt: 'fast', now });

  it('loads different payloads one after another (the decode buffer is reused)', () => {
    const values = [{ sub: 'a'.repeat(30) }, { sub: 'b'.repeat(3000) }, { sub: 'c' }]; // 3000: past the shared buffer
    const tokens = values.map((v) => plainToken(s, v));
    for (let round = 0; round < 2; round++) {
      for (const [i, token] of tokens.entries()) expect(s.loads(token, { maxAge: 10 })).toEqual(values[i]);
    }
  });

  it('returns the signing time as a Date only when asked, and checks the age', () => {
    const token = s.dumps({ a: 1 });
    expect(s.loads(token, { maxAge: 10, returnTimestamp: true })).toEqual([{ a: 1 }, new Date(T0 * 1000)]);
    expect(s.loads(token)).toEqual({ a: 1 });
    const later = new URLSafeTimedSerializer('secret-key', { salt: 'fast', now: () => T0 + 11 });
    const error = expectThrowsCode(
      () => later.loads(token, { maxAge: 10 }),
      SignatureExpired,
      'ERR_SIGNATURE_EXPIRED',
    );
    expect((error as SignatureExpired).dateSigned).toEqual(new Date(T0 * 1000));
  });

  it('a timestamp past year 9999 is malformed even without maxAge (Python builds the datetime)', () => {
    const late = new URLSafeTimedSerializer('secret-key', { salt: 'fast', now: () => 253_402_300_800 });
    const token = late.dumps(1);
    expectThrowsCode(() => s.loads(token), BadTimeSignature, 'ERR_TIMESTAMP_MALFORMED');
  });

  it('hands an overriding loadPayload its own copy of the payload bytes', () => {
    const seen: Uint8Array[] = [];
    class Spy extends URLSafeTimedSerializer {
      override loadPayload(payload: Uint8Array): unknown {
        seen.push(payload); // kept past the call: must not be a view of a reused buffer
        return super.loadPayload(payload);
      }
    }
    const spy = new Spy('secret-key', { salt: 'fast', now });
    const first = spy.dumps({ x: 'y' });
    const input = utf8(spy.dumps({ z: 1 }));
    expect(spy.loads(first)).toEqual({ x: 'y' });
    expect(spy.loads(input)).toEqual({ z: 1 });
    input.fill(0x41);
    expect(spy.loads(spy.dumps([0]))).toEqual([0]);
    expect(seen.map((b) => text(b))).toEqual([
      first.slice(0, first.indexOf('.')),
      base64Encode('{"z":1}'),
      base64Encode('[0]'),
    ]);
  });

  it('a loads nested in the clock or the JSON serializer leaves the outer token intact', () => {
    const inner = new URLSafeTimedSerializer('inner-key', { salt: 'in', now });
    const innerToken = inner.dumps({ deep: 'x'.repeat(200) }); // longer than the outer token
    const seen: unknown[] = [];
    const outer = new URLSafeTimedSerializer('secret-key', {
      salt: 'fast',
      // The clock is read after the signature check and before the payload is decoded.
      now: () => {
        seen.push(inner.loads(innerToken));
        return T0;
      },
      serializer: {
        dumps: (v) => JSON.stringify(v),
        loads: (t) => [JSON.parse(t), inner.loads(innerToken)],
      },
    });
    const token = outer.dumps({ a: 'b' });
    seen.length = 0;
    const inside = { deep: 'x'.repeat(200) };
    expect(outer.loads(token, { maxAge: 1 })).toEqual([{ a: 'b' }, inside]);
    expect(seen).toEqual([inside]);
  });

  it('calls a replaced unsign of the signer', () => {
    const counted = new URLSafeTimedSerializer('secret-key', { salt: 'fast', now });
    const signer = counted.makeSigner();
    const original = signer.unsign.bind(signer);
    const calls: (TimedUnsignOptions | undefined)[] = [];
    signer.unsign = ((value: string | Uint8Array, options?: TimedUnsignOptions) => {
      calls.push(options);
      return original(value, options);
    }) as typeof signer.unsign;
    const token = counted.dumps([1, 2]);
    expect(counted.loads(token, { maxAge: 5, returnTimestamp: true })).toEqual([[1, 2], new Date(T0 * 1000)]);
    expect(calls).toEqual([{ maxAge: 5, returnTimestamp: true }]);
  });
});

describe('TimestampSigner.unsign returns copies', () => {
  it('the value does not change when the input bytes do', () => {
    const signer = new TimestampSigner('k', { now });
    const signed = signer.sign('value');
    const [value, date] = signer.unsign(signed, { returnTimestamp: true });
    signed.fill(0x21);
    expect(value).toEqual(utf8('value'));
    expect(value.buffer).not.toBe(signed.buffer);
    expect(date).toEqual(new Date(T0 * 1000));
  });

  it('a bad signature carries a copy of the value as payload', () => {
    const signer = new TimestampSigner('k', { now });
    const signed = signer.sign('value');
    signed[0] = 0x56; // 'V'
    const error = thrown(() => signer.unsign(signed)) as BadTimeSignature;
    expect(error).toBeInstanceOf(BadTimeSignature);
    expect(error.payload).toEqual(utf8('Value'));
    expect((error.payload as Uint8Array).buffer).not.toBe(signed.buffer);
  });
});

describe('URL-safe dumps encodes the JSON into a shared buffer', () => {
  const s = new URLSafeTimedSerializer('secret-key', { now });
  const reference = (value: unknown): Uint8Array => _encodeUrlSafePayload(utf8(JSON.stringify(value)));

  it('the same payload bytes on both sides of the buffer limit (682 UTF-16 units), long then short', () => {
    // '€' is 3 bytes of UTF-8: the worst case the limit is sized for. Digits keep it incompressible.
    const values = [680, 681, 682, 683, 2000, 10, 0].map((n) =>
      Array.from({ length: n }, (_, i) => (i % 3 === 0 ? '€' : String(i % 10))).join(''),
    );
    for (const value of values) expect(s.dumpPayload(value)).toEqual(reference(value));
  });

  it('a payload returned earlier is not changed by later calls', () => {
    const first = s.dumpPayload({ a: 'x'.repeat(50) });
    const copy = first.slice();
    s.dumpPayload({ b: 'y'.repeat(300) });
    expect(first).toEqual(copy);
    expect(s.loads(s.dumps({ a: 1 }), { maxAge: 0 })).toEqual({ a: 1 });
  });
});

describe('dumps signs into shared buffers', () => {
  /** What dumps returned before the shared buffers: the public, allocating steps. */
  const allocating = (s: Serializer, value: unknown): string =>
    text(s.makeSigner().sign(s.dumpPayload(value)));
  const serializers = (): [string, Serializer][] => [
    ['URLSafeTimedSerializer sha1', new URLSafeTimedSerializer('secret-key', { salt: 'dumps', now })],
    [
      'URLSafeTimedSerializer sha256',
      new URLSafeTimedSerializer(['old', 'new'], { now, signerKwargs: { digestMethod: 'sha256' } }),
    ],
    ['URLSafeSerializer', new URLSafeSerializer('secret-key', { signerKwargs: { sep: '~~' } })],
    ['TimedSerializer', new TimedSerializer('secret-key', { now })],
    ['Serializer', new Serializer('secret-key', { signerKwargs: { digestMethod: 'sha512' } })],
  ];
  // Pseudo-random letters do not compress (when short); 'a'.repeat does: both branches, below
  // and past the buffers.
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const noise = (n: number): string => {
    let x = n;
    return Array.from({ length: n }, () => {
      x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
      return ALPHABET.charAt(Math.floor(x / 65_536) % ALPHABET.length);
    }).join('');
  };
  const sized = [0, 1, 80, 680, 2100, 3000, 5000].flatMap((n) => [noise(n), 'a'.repeat(n)]);

  it.each(serializers())('%s: the same token as the allocating steps, small and past the buffers', (_, s) => {
    expect(s.dumpPayload(noise(80))[0]).not.toBe(0x2e); // not compressed, unlike 'a'.repeat(80)
    for (const value of [...sized, { sub: '6dc4ba45-d88f-40d7-90f5-f7dddbb617f9', ver: 0 }, null, [1, 'é']]) {
      expect(s.dumps(value)).toBe(allocating(s, value));
      expect(s.loads(s.dumps(value))).toEqual(value);
    }
  });

  it.each(serializers())('%s: the same token as the allocating steps, for any JSON value', (_, s) => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(s.dumps(value)).toBe(allocating(s, value));
      }),
      { numRuns: 200 },
    );
  });

  it('a dumps nested in the clock or in toJSON leaves the outer token intact', () => {
    const inner = new URLSafeTimedSerializer('other-key', { now });
    const innerTokens: string[] = [];
    const nesting = new URLSafeTimedSerializer('secret-key', {
      now: () => {
        innerTokens.push(inner.dumps({ nested: noise(90) })); // runs while the outer payload waits
        return T0;
      },
    });
    const plain = new URLSafeTimedSerializer('secret-key', { now });
    const value = {
      outer: noise(70),
      toJSON(): unknown {
        innerTokens.push(inner.dumps({ inJson: noise(40) }));
        return { outer: this.outer };
      },
    };
    const token = nesting.dumps(value);
    expect(token).toBe(allocating(plain, { outer: value.outer }));
    expect(innerTokens).toHaveLength(2);
    expect(inner.loads(innerTokens[0] as string)).toEqual({ inJson: noise(40) });
    expect(inner.loads(innerTokens[1] as string)).toEqual({ nested: noise(90) });
  });

  it.each(['URLSafeSerializer', 'URLSafeTimedSerializer'])(
    '%s: dumps calls an overriding dumpPayload',
    (name) => {
      const kept: Uint8Array[] = [];
      // Each keeps the payload past the call, so it must be its own array.
      class SpyUntimed extends URLSafeSerializer {
        override dumpPayload(obj: unknown): Uint8Array {
          const payload = super.dumpPayload(obj);
          kept.push(payload);
          return payload;
        }
      }
      class SpyTimed extends URLSafeTimedSerializer {
        override dumpPayload(obj: unknown): Uint8Array {
          const payload = super.dumpPayload(obj);
          kept.push(payload);
          return payload;
        }
      }
      const spy =
        name === 'URLSafeSerializer' ? new SpyUntimed('secret-key') : new SpyTimed('secret-key', { now });
      const first = spy.dumps({ first: noise(60) });
      spy.dumps({ second: noise(61) });
      expect(kept).toHaveLength(2);
      expect(first.startsWith(`${text(kept[0] as Uint8Array)}.`)).toBe(true);
      expect(spy.loads(first)).toEqual({ first: noise(60) });
    },
  );

  it("calls a signer subclass's own sign, with a value that later calls leave unchanged", () => {
    const kept: Uint8Array[] = [];
    class KeepingSigner extends TimestampSigner {
      override sign(value: BytesLike): Uint8Array {
        kept.push(value as Uint8Array);
        return super.sign(value);
      }
    }
    const s = new URLSafeTimedSerializer('secret-key', { signer: KeepingSigner, now });
    const first = s.dumps({ first: noise(60) });
    s.dumps({ second: noise(61) });
    expect(kept).toHaveLength(2);
    const payload = first.slice(0, first.lastIndexOf('.', first.lastIndexOf('.') - 1));
    expect(text(kept[0] as Uint8Array)).toBe(payload);
  });

  it('hands a digest passed in as a function bytes that later calls leave unchanged', () => {
    const seen: Uint8Array[] = [];
    /** sha256 that keeps every message it is given (a hash may keep its input). */
    class KeepingHash {
      readonly blockLen = sha256.blockLen;
      readonly outputLen = sha256.outputLen;
      constructor(private inner: ReturnType<typeof sha256.create>) {}
      update(data: Uint8Array): this {
        seen.push(data);
        this.inner.update(data);
        return this;
      }
      digestInto(out: Uint8Array): void {
        this.inner.digestInto(out);
      }
      digest(): Uint8Array {
        return this.inner.digest();
      }
      destroy(): void {
        this.inner.destroy();
      }
      _cloneInto(to?: KeepingHash): KeepingHash {
        if (to === undefined) return new KeepingHash(this.inner._cloneInto());
        to.inner = this.inner._cloneInto(to.inner);
        return to;
      }
    }
    const keeping = Object.assign((message: Uint8Array) => sha256(message), {
      blockLen: sha256.blockLen,
      outputLen: sha256.outputLen,
      create: () => new KeepingHash(sha256.create()),
    }) as unknown as HashFunction;
    const s = new URLSafeTimedSerializer('secret-key', { now, signerKwargs: { digestMethod: keeping } });
    const token = s.dumps({ first: noise(60) });
    const signedPart = token.slice(0, token.lastIndexOf('.'));
    const keptOfFirst = seen.filter((message) => text(message) === signedPart);
    expect(keptOfFirst).toHaveLength(1);
    s.dumps({ second: noise(61) });
    expect(text(keptOfFirst[0] as Uint8Array)).toBe(signedPart);
    const reference = new URLSafeTimedSerializer('secret-key', {
      now,
      signerKwargs: { digestMethod: 'sha256' },
    });
    expect(token).toBe(reference.dumps({ first: noise(60) }));
  });
});
