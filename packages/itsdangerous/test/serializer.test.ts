/**
 * Upstream test_serializer.py and test_url_safe.py, run over all four serializers
 * (STYLE #10), plus the serializer pitfalls of NOTES §4.
 */
import { describe, expect, it } from '@jest/globals';
import {
  BadPayload,
  BadSignature,
  BadTimeSignature,
  type BytesLike,
  type KeyDerivation,
  type SecretKey,
  Serializer,
  type SerializerOptions,
  Signer,
  TimedSerializer,
  TimestampSigner,
  URLSafeSerializer,
  URLSafeTimedSerializer,
} from '../src/index.js';
import { expectThrowsCode, text, thrown } from './helpers.js';

const T0 = 1308874145;
const now = () => T0;

type AnySerializer = Serializer<Signer>;
type Make = (secretKey: SecretKey, options?: SerializerOptions) => AnySerializer;

const implementations: [string, Make, boolean][] = [
  ['Serializer', (key, options) => new Serializer(key, options), false],
  [
    'TimedSerializer',
    (key, options) => new TimedSerializer(key, { now, ...(options as object) }) as unknown as AnySerializer,
    true,
  ],
  ['URLSafeSerializer', (key, options) => new URLSafeSerializer(key, options), false],
  [
    'URLSafeTimedSerializer',
    (key, options) =>
      new URLSafeTimedSerializer(key, { now, ...(options as object) }) as unknown as AnySerializer,
    true,
  ],
];

const VALUES: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['"str"', 'str'],
  ['"text" (non-ASCII)', 'tëxt 無限 😀'],
  ['[1, 2, 3]', [1, 2, 3]],
  ['{"id": 42}', { id: 42 }],
  ['"a" * 1000 (compressed path)', 'a'.repeat(1000)],
];

/** The four upstream transforms of test_changed_value. */
const TRANSFORMS: [string, (token: string) => string][] = [
  ['upper()', (token) => token.toUpperCase()],
  ['trailing "a"', (token) => `${token}a`],
  ['first char replaced', (token) => (token.startsWith('a') ? 'b' : 'a') + token.slice(1)],
  ['all "." removed', (token) => token.replaceAll('.', '')],
];

describe.each(implementations)('%s: the shared serializer contract', (name, make, timed) => {
  const serializer = make('secret-key');

  it.each(VALUES)('round-trips %s', (_label, value) => {
    const token = serializer.dumps(value);
    expect(typeof token).toBe('string');
    expect(serializer.loads(token)).toEqual(value);
    expect(serializer.loads(new TextEncoder().encode(token))).toEqual(value);
  });

  describe.each(TRANSFORMS)('tampering with %s', (_label, transform) => {
    it.each(VALUES)('of %s throws BadSignature', (_valueLabel, value) => {
      const token = serializer.dumps(value);
      const changed = transform(token);
      if (changed === token) return;
      expect(thrown(() => serializer.loads(changed))).toBeInstanceOf(BadSignature);
    });
  });

  it('on a bad signature the payload is still loadable', () => {
    const token = serializer.dumps({ id: 42 });
    const error = thrown(() => serializer.loads(`${token}x`)) as BadSignature;
    expect(error).toBeInstanceOf(timed ? BadTimeSignature : BadSignature);
    expect(error.code).toBe('ERR_SIGNATURE_MISMATCH');
    expect(serializer.loadPayload(error.payload as Uint8Array)).toEqual({ id: 42 });
  });

  it('re-signing payload[:-1] gives BadPayload with originalError', () => {
    const token = serializer.dumps([1, 2, 3]);
    const payload = token.slice(0, token.lastIndexOf('.'));
    const badSigned = serializer.makeSigner().sign(payload.slice(0, -1));
    const error = thrown(() => serializer.loads(badSigned)) as BadPayload;
    expect(error).toBeInstanceOf(BadPayload);
    expect(error.name).toBe('BadPayload');
    expect(['ERR_PAYLOAD_INVALID', 'ERR_PAYLOAD_BASE64']).toContain(error.code);
    expect(error.originalError).not.toBeNull();
    expect(error.cause).toBe(error.originalError);
  });

  it('loadsUnsafe: [true, v]; truncated signature [false, v]; bad payload and signature [false, null]', () => {
    const token = serializer.dumps({ id: 42 });
    expect(serializer.loadsUnsafe(token)).toEqual([true, { id: 42 }]);
    expect(serializer.loadsUnsafe(token.slice(0, -1))).toEqual([false, { id: 42 }]);
    expect(serializer.loadsUnsafe(`%${token.slice(1, -1)}`)).toEqual([false, null]);
  });

  it('loadsUnsafe: a signer whose error has no payload gives [false, null]', () => {
    const Base: typeof Signer = timed ? TimestampSigner : Signer;
    class NullPayloadSigner extends Base {
      override unsign(signedValue: BytesLike, options?: object): never {
        try {
          (super.unsign as (v: BytesLike, o?: object) => unknown)(signedValue, options);
        } catch (error) {
          if (error instanceof BadSignature) throw new BadSignature(error.message, { payload: null });
          throw error;
        }
        throw new BadSignature('forced');
      }
    }
    const s = make('secret-key', { signer: NullPayloadSigner });
    expect(s.loadsUnsafe(`${serializer.dumps({ id: 42 })}x`)).toEqual([false, null]);
  });

  it('a per-call salt differs from the default, and must match to load', () => {
    const token = serializer.dumps('v', { salt: 'other' });
    expect(token).not.toBe(serializer.dumps('v'));
    expect(serializer.loads(token, { salt: 'other' })).toBe('v');
    expect(thrown(() => serializer.loads(token))).toBeInstanceOf(BadSignature);
  });

  it('per-call salts get their own signers (no cache collisions, bounded cache)', () => {
    const plain = serializer.dumps('v');
    for (const salt of [
      'd',
      's',
      '\u0000default',
      'itsdangerous',
      ...Array.from({ length: 40 }, (_, i) => `salt-${i}`),
    ]) {
      const token = serializer.dumps('v', { salt });
      expect(serializer.loads(token, { salt })).toBe('v');
      if (salt !== 'itsdangerous') expect(token).not.toBe(plain);
      else expect(token).toBe(plain);
    }
    expect(serializer.loads(plain)).toBe('v');
  });

  it('a signer subclass with defaultKeyDerivation "hmac" produces different output', () => {
    const Base: typeof Signer = timed ? TimestampSigner : Signer;
    class HmacSigner extends Base {
      static override defaultKeyDerivation: KeyDerivation = 'hmac';
    }
    const s = make('secret-key', { signer: HmacSigner });
    expect(s.dumps('v')).not.toBe(serializer.dumps('v'));
    expect(s.loads(s.dumps('v'))).toBe('v');
  });

  it('signerKwargs reach the signer', () => {
    const s = make('secret-key', {
      signerKwargs: { keyDerivation: 'hmac', digestMethod: 'sha256', sep: '|' },
    });
    const token = s.dumps('v');
    expect(token).toContain('|');
    expect(s.loads(token)).toBe('v');
    expect(thrown(() => serializer.loads(token))).toBeInstanceOf(BadSignature);
  });

  it('a fallback signer loads a sha256 token in a sha1 serializer; the newest key signs', () => {
    const sha256 = make('secret-key', { signerKwargs: { digestMethod: 'sha256' } });
    const reader = make('secret-key', { fallbackSigners: [{ digestMethod: 'sha256' }] });
    expect(reader.loads(sha256.dumps({ id: 42 }))).toEqual({ id: 42 });
    expect(thrown(() => serializer.loads(sha256.dumps(1)))).toBeInstanceOf(BadSignature);
  });

  it('iterUnsigners: the main signer (all keys) first, then each fallback per key, oldest first', () => {
    const SignerClass: typeof Signer = timed ? TimestampSigner : Signer;
    const s = make(['old', 'new'], {
      fallbackSigners: [{ digestMethod: 'sha256' }, [SignerClass, { digestMethod: 'sha512' }], SignerClass],
    });
    const unsigners = s.iterUnsigners();
    expect(unsigners).toHaveLength(1 + 3 * 2);
    const [main, ...fallbacks] = unsigners;
    expect(main?.secretKeys.map(text)).toEqual(['old', 'new']);
    expect(main?.digestMethod).toBe('sha1');
    expect(fallbacks.map((f) => [f.digestMethod, text(f.secretKey)])).toEqual([
      ['sha256', 'old'],
      ['sha256', 'new'],
      ['sha512', 'old'],
      ['sha512', 'new'],
      ['sha1', 'old'],
      ['sha1', 'new'],
    ]);
  });

  it('§4.7 key rotation: the newest key signs, old keys still verify, a dropped key fails', () => {
    const old = make('old-key');
    const rotated = make(['old-key', 'new-key']);
    const newOnly = make('new-key');
    expect(rotated.loads(old.dumps('v'))).toBe('v');
    expect(newOnly.loads(rotated.dumps('v'))).toBe('v');
    expect(thrown(() => newOnly.loads(old.dumps('v')))).toBeInstanceOf(BadSignature);
  });

  it('§4.8 salt: default "itsdangerous"; null falls through to the signer default', () => {
    expect(text(serializer.salt as Uint8Array)).toBe('itsdangerous');
    expect(text(serializer.makeSigner().salt)).toBe('itsdangerous');
    const noSalt = make('secret-key', { salt: null });
    expect(noSalt.salt).toBeNull();
    expect(text(noSalt.makeSigner().salt)).toBe('itsdangerous.Signer');
  });

  it('misuse is rejected at construction: empty key list, salt in signerKwargs, bad options', () => {
    expect(() => make([])).toThrow(RangeError);
    expect(() => make('k', { signerKwargs: { salt: 'x' } as object })).toThrow(TypeError);
    expect(() => make('k', { signerKwargs: { sep: '-' } })).toThrow(RangeError);
    expect(() => make('k', { fallbackSigners: [{ keyDerivation: 'bogus' as KeyDerivation }] })).toThrow(
      TypeError,
    );
  });

  it('dumps of a value JSON cannot represent is TypeError', () => {
    expect(() => serializer.dumps(undefined)).toThrow(TypeError);
    expect(() => serializer.dumps(10n)).toThrow(TypeError);
  });

  it(`${name}: §4.10 strict UTF-8 and no BOM stripping when loading`, () => {
    const signer = serializer.makeSigner();
    const urlSafe = name.startsWith('URLSafe');
    const bom = urlSafe ? '77u_eyJpZCI6NDJ9' : '\ufeff{"id":42}';
    expectThrowsCode(() => serializer.loads(signer.sign(bom)), BadPayload, 'ERR_PAYLOAD_INVALID');
    const invalidUtf8 = urlSafe ? 'Iv8i' : new Uint8Array([0x22, 0xff, 0x22]);
    expectThrowsCode(() => serializer.loads(signer.sign(invalidUtf8)), BadPayload, 'ERR_PAYLOAD_INVALID');
  });
});

describe('test_digests (pinned upstream)', () => {
  it('Serializer("dev key", salt="dev salt").dumps([42]) with sha1 and sha512', () => {
    expect(new Serializer('dev key', { salt: 'dev salt' }).dumps([42])).toBe(
      '[42].-9cNi0CxsSB3hZPNCe9a2eEs1ZM',
    );
    expect(
      new Serializer('dev key', { salt: 'dev salt', signerKwargs: { digestMethod: 'sha512' } }).dumps([42]),
    ).toBe('[42].MKCz_0nXQqv7wKpfHZcRtJRmpT2T5uvs9YQsJEhJimqxc9bCLxG31QzS5uC8OVBI1i6jyOLAFNoKaF5ckO9L5Q');
  });
});

describe('NOTES §4.9 two JSON dialects', () => {
  const value = { id: 42, name: 'é😀\u007f', list: [1, 'a,b:c'], nested: { 'k:': '"q"\\' } };

  it('Serializer writes Python json.dumps defaults (spaces, ensure_ascii, lowercase escapes)', () => {
    const token = new Serializer('secret-key').dumps(value);
    expect(token.slice(0, token.lastIndexOf('.'))).toBe(
      '{"id": 42, "name": "\\u00e9\\ud83d\\ude00\\u007f", "list": [1, "a,b:c"], "nested": {"k:": "\\"q\\"\\\\"}}',
    );
    expect(new Serializer('secret-key').loads(token)).toEqual(value);
  });

  it('URLSafeSerializer writes compact JSON with raw UTF-8', () => {
    const s = new URLSafeSerializer('secret-key');
    const payload = s.dumpPayload('é😀\u2028');
    expect(
      new TextDecoder().decode(
        Uint8Array.from(atob(text(payload).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
      ),
    ).toBe('"é😀\u2028"');
  });

  it('SPEC §5.3 and §7.2 examples', () => {
    expect(new Serializer('secret-key').dumps({ id: 42 })).toBe('{"id": 42}.v7lG0DDzDHynAR2SoP49LkGoZC0');
    expect(new URLSafeSerializer('secret-key').dumps({ id: 42 })).toBe(
      'eyJpZCI6NDJ9.Z-HaNt236Oj5pFDPW25MouYkrcA',
    );
    expect(new URLSafeTimedSerializer('secret-key', { now }).dumps({ id: 42 })).toBe(
      'eyJpZCI6NDJ9.TgPVoQ.OrMFcbcNb1bOevFzF4w643CiYnI',
    );
  });
});

describe('NOTES §4.11 loadsUnsafe is not total', () => {
  it('a valid signature over an undecodable payload throws BadPayload', () => {
    const s = new Serializer('secret-key');
    const token = s.makeSigner().sign('{"a":');
    expectThrowsCode(() => s.loadsUnsafe(token), BadPayload, 'ERR_PAYLOAD_INVALID');
  });
});

describe('NOTES §4.16 cross-type confusion', () => {
  it('URLSafeSerializer accepts the signature of a timed token, then fails on the payload', () => {
    const timed = new URLSafeTimedSerializer('secret-key', { now });
    const untimed = new URLSafeSerializer('secret-key');
    expect(thrown(() => untimed.loads(timed.dumps({ id: 42 })))).toBeInstanceOf(BadPayload);
  });

  it('... and, through lenient base64, even loads a compressed timed token', () => {
    const timed = new URLSafeTimedSerializer('secret-key', { now });
    expect(new URLSafeSerializer('secret-key').loads(timed.dumps('a'.repeat(100)))).toBe('a'.repeat(100));
  });

  it('the timed serializers reject untimed tokens ("timestamp missing" / "Malformed timestamp")', () => {
    const untimed = new URLSafeSerializer('secret-key');
    const timed = new URLSafeTimedSerializer('secret-key');
    expectThrowsCode(() => timed.loads(untimed.dumps({ id: 42 })), BadTimeSignature, 'ERR_TIMESTAMP_MISSING');
    // A compressed token starts with ".", so the zlib data is taken for an (over-long) timestamp.
    expectThrowsCode(
      () => timed.loads(untimed.dumps('a'.repeat(100))),
      BadTimeSignature,
      'ERR_TIMESTAMP_MALFORMED',
    );
  });

  it('distinct salts keep them apart', () => {
    const timed = new URLSafeTimedSerializer('secret-key', { salt: 'timed', now });
    expect(thrown(() => new URLSafeSerializer('secret-key').loads(timed.dumps(1)))).toBeInstanceOf(
      BadSignature,
    );
  });
});
