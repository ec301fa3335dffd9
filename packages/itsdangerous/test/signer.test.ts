/**
 * Upstream test_signer.py, run over Signer and TimestampSigner (STYLE #10, like test_timed.py
 * inheriting TestSigner), plus the signer pitfalls of NOTES §4.
 */
import { describe, expect, it } from '@jest/globals';
import {
  BadSignature,
  BadTimeSignature,
  HMACAlgorithm,
  type KeyDerivation,
  NoneAlgorithm,
  type SecretKey,
  Signer,
  type SignerOptions,
  SigningAlgorithm,
  TimestampSigner,
} from '../src/index.js';
import { bytesToHex, expectThrowsCode, text, utf8 } from './helpers.js';

const T0 = 1308874145; // 2011-06-24T00:09:05Z, upstream's frozen clock

type Make = (secretKey: SecretKey, options?: SignerOptions) => Signer;

const implementations: [string, Make][] = [
  ['Signer', (key, options) => new Signer(key, options)],
  ['TimestampSigner', (key, options) => new TimestampSigner(key, { ...options, now: () => T0 })],
];

/** (key + value) reversed: upstream's custom algorithm. */
class ReverseAlgorithm extends SigningAlgorithm {
  getSignature(key: Uint8Array, value: Uint8Array): Uint8Array {
    const out = new Uint8Array(key.length + value.length);
    out.set(key);
    out.set(value, key.length);
    return out.reverse();
  }
}

describe.each(implementations)('%s: the shared signer contract', (name, make) => {
  const signer = make('secret-key');

  it('sign returns bytes; validate and unsign round-trip', () => {
    const signed = signer.sign('my string');
    expect(signed).toBeInstanceOf(Uint8Array);
    expect(signer.validate(signed)).toBe(true);
    expect(text(signer.unsign(signed))).toBe('my string');
  });

  it('accepts text or bytes for every input', () => {
    const signed = signer.sign(utf8('my string'));
    expect(text(signer.unsign(text(signed)))).toBe('my string');
    expect(text(make(utf8('secret-key')).unsign(signed))).toBe('my string');
  });

  it('no separator: validate is false and unsign throws BadSignature', () => {
    const signed = text(signer.sign('my string')).replace('.', '*');
    expect(signer.validate(signed)).toBe(false);
    if (name === 'Signer') {
      const error = expectThrowsCode(() => signer.unsign(signed), BadSignature, 'ERR_SEPARATOR_MISSING');
      expect(error.payload).toBeNull();
    } else {
      // The timestamp's separator remains: a MAC mismatch whose payload has no separator left
      // re-raises the plain BadSignature (§4.3).
      const error = expectThrowsCode(() => signer.unsign(signed), BadSignature, 'ERR_SIGNATURE_MISMATCH');
      expect(error).not.toBeInstanceOf(BadTimeSignature);
      expect(text(error.payload as Uint8Array)).toBe('my string*TgPVoQ');
    }
  });

  it('signature missing its last character: verifySignature false, payload kept', () => {
    const badSigned = text(signer.sign('b')).slice(0, -1);
    const badSig = badSigned.slice(badSigned.lastIndexOf('.') + 1);
    expect(signer.verifySignature('b', badSig)).toBe(false);
    const cls = name === 'TimestampSigner' ? BadTimeSignature : BadSignature;
    const error = expectThrowsCode(() => signer.unsign(badSigned), cls, 'ERR_SIGNATURE_MISMATCH');
    expect(text(error.payload as Uint8Array)).toBe('b');
  });

  it('a changed value fails', () => {
    const signed = text(signer.sign('my string'));
    expect(signer.validate(`My${signed.slice(2)}`)).toBe(false);
  });

  it('sep "-" is rejected with RangeError (Python ValueError)', () => {
    expect(() => make('secret-key', { sep: '-' })).toThrow(RangeError);
  });

  it.each(['concat', 'django-concat', 'hmac', 'none'] as KeyDerivation[])(
    'key derivation %s round-trips',
    (kd) => {
      const s = make('secret-key', { keyDerivation: kd });
      expect(text(s.unsign(s.sign('value')))).toBe('value');
    },
  );

  it('an unknown key derivation is TypeError, at construction', () => {
    expect(() => make('secret-key', { keyDerivation: 'bogus' as KeyDerivation })).toThrow(TypeError);
  });

  it.each(['md5', 'sha224', 'sha256', 'sha384', 'sha512'] as const)('digest %s round-trips', (digest) => {
    const s = make('secret-key', { digestMethod: digest });
    expect(text(s.unsign(s.sign('value')))).toBe('value');
    expect(make('secret-key').validate(s.sign('value'))).toBe(false);
  });

  it('default algorithm is HMAC with the signer digest', () => {
    const s = make('secret-key', { digestMethod: 'sha256' });
    expect(s.algorithm).toBeInstanceOf(HMACAlgorithm);
    expect((s.algorithm as HMACAlgorithm).digestMethod).toBe(s.digestMethod);
  });

  it.each([
    ['NoneAlgorithm', () => new NoneAlgorithm()],
    ['HMACAlgorithm', () => new HMACAlgorithm()],
    ['custom', () => new ReverseAlgorithm()],
  ])('algorithm %s round-trips', (_label, algorithm) => {
    const s = make('secret-key', { algorithm: algorithm() });
    expect(text(s.unsign(s.sign('value')))).toBe('value');
  });

  it('key list: a token of Signer("a") validates under ["a", "b"]; the newest signs', () => {
    const old = make('a');
    const rotated = make(['a', 'b']);
    expect(rotated.validate(old.sign('value'))).toBe(true);
    expect(bytesToHex(rotated.secretKey)).toBe(bytesToHex(utf8('b')));
    expect(make('b').validate(rotated.sign('value'))).toBe(true);
    expect(old.validate(rotated.sign('value'))).toBe(false);
  });

  it('an empty key list is RangeError at construction (Python: IndexError on sign)', () => {
    expect(() => make([])).toThrow(RangeError);
  });
});

describe('SigningAlgorithm', () => {
  it('is abstract: the base has no getSignature (Python: NotImplementedError)', () => {
    const base = Reflect.construct(SigningAlgorithm, []) as SigningAlgorithm;
    expect(() => base.getSignature(utf8('a'), utf8('b'))).toThrow(TypeError);
  });
});

describe('Signer: pinned values and pitfalls (NOTES §4)', () => {
  it('SPEC §3.3 worked example', () => {
    const s = new Signer('secret-key');
    expect(bytesToHex(s.deriveKey())).toBe('95c1413ec52400db8a22b50e2f318e9204636448');
    expect(text(s.sign('my string'))).toBe('my string.wh6tMHxLgJqB6oY1uT73iMlyrOA');
  });

  it('NoneAlgorithm tokens end with the separator; an HMAC signer rejects them', () => {
    const none = new Signer('secret-key', { algorithm: new NoneAlgorithm() });
    expect(text(none.sign('value'))).toBe('value.');
    expectThrowsCode(() => new Signer('secret-key').unsign('value.'), BadSignature, 'ERR_SIGNATURE_MISMATCH');
  });

  it('§4.13 separator validation is a substring test against one fixed string', () => {
    for (const ok of ['ba', 'xz', 'é', '::', '\0', 'a.', '|'])
      expect(() => new Signer('k', { sep: ok })).not.toThrow();
    for (const bad of ['ab', 'xyz', '', '-', '=', 'Z01', 'a', '_']) {
      expect(() => new Signer('k', { sep: bad })).toThrow(RangeError);
    }
  });

  it('§4.12 a multi-byte separator is searched for in bytes', () => {
    const s = new Signer('secret-key', { sep: 'é' });
    expect(text(s.unsign(s.sign('vé lue')))).toBe('vé lue');
  });

  it('§4.12 missing separator: BadSignature ERR_SEPARATOR_MISSING with a Python repr and null payload', () => {
    const error = expectThrowsCode(
      () => new Signer('k').unsign('no-separator'),
      BadSignature,
      'ERR_SEPARATOR_MISSING',
    );
    expect(error.message).toBe("No b'.' found in value");
    expect(error.payload).toBeNull();
  });

  it('§4.14 hmac derivation is HMAC(key=secret, msg=salt), not swapped', () => {
    const s = new Signer('secret-key', { keyDerivation: 'hmac', digestMethod: 'sha256', salt: 'salt' });
    const other = new Signer('salt', { keyDerivation: 'hmac', digestMethod: 'sha256', salt: 'secret-key' });
    expect(bytesToHex(s.deriveKey())).not.toBe(bytesToHex(other.deriveKey()));
  });

  it('§4.14 the digest drives key derivation even with an explicit algorithm', () => {
    const s = new Signer('secret-key', { algorithm: new HMACAlgorithm('sha512') });
    expect(s.deriveKey()).toHaveLength(20); // SHA-1 derivation
    expect(text(s.sign('v')).split('.')[1]).toHaveLength(86); // HMAC-SHA-512
  });

  it('§4.14 key derivation "none" passes long keys to HMAC, which hashes them (150-byte key)', () => {
    const key = 'k'.repeat(150);
    const s = new Signer(key, { keyDerivation: 'none', digestMethod: 'sha256' });
    expect(bytesToHex(s.deriveKey())).toBe(bytesToHex(utf8(key)));
    expect(s.validate(s.sign('value'))).toBe(true);
  });

  it('§4.8 salt: default "itsdangerous.Signer", null is the default, "" is a real salt', () => {
    expect(text(new Signer('k').salt)).toBe('itsdangerous.Signer');
    expect(text(new Signer('k', { salt: null }).salt)).toBe('itsdangerous.Signer');
    const empty = new Signer('k', { salt: '' });
    expect(empty.salt).toHaveLength(0);
    expect(new Signer('k').validate(empty.sign('v'))).toBe(false);
  });

  it('§4.8 key derivation "none" ignores the salt', () => {
    const a = new Signer('k', { keyDerivation: 'none', salt: 'one' });
    const b = new Signer('k', { keyDerivation: 'none', salt: 'two' });
    expect(b.validate(a.sign('v'))).toBe(true);
  });

  it('§4.7 deriveKey() uses the newest key; verification tries every key', () => {
    const s = new Signer(['old', 'new']);
    expect(bytesToHex(s.deriveKey())).toBe(bytesToHex(new Signer('new').deriveKey()));
    expect(bytesToHex(s.deriveKey('old'))).toBe(bytesToHex(new Signer('old').deriveKey()));
  });

  it('a subclass can change the class defaults (Python default_key_derivation)', () => {
    class HmacSigner extends Signer {
      static override defaultKeyDerivation: KeyDerivation = 'hmac';
    }
    const s = new HmacSigner('k');
    expect(s.keyDerivation).toBe('hmac');
    expect(new Signer('k').validate(s.sign('v'))).toBe(false);
  });

  it('§4.6 default is canonical signature text; lenientSignatures restores Python', () => {
    const token = 'my string.wh6tMHxLgJqB6oY1uT73iMlyrOA';
    const strict = new Signer('secret-key');
    const lenient = new Signer('secret-key', { lenientSignatures: true });
    for (const variant of [
      `${token}=`,
      `${token}==`,
      `${token.slice(0, -1)}B`,
      token.replace('rOA', '!rOA==='),
    ]) {
      expectThrowsCode(() => strict.unsign(variant), BadSignature, 'ERR_SIGNATURE_MISMATCH');
      expect(text(lenient.unsign(variant))).toBe('my string');
    }
    expect(text(strict.unsign(token))).toBe('my string');
  });

  it('§4.17 validate swallows only BadSignature', () => {
    class Exploding extends SigningAlgorithm {
      getSignature(): Uint8Array {
        throw new Error('boom');
      }
    }
    const s = new Signer('k', { algorithm: new Exploding() });
    expect(() => s.validate('value.AAAA')).toThrow('boom');
  });

  it('options are copied: mutating the caller key bytes later changes nothing', () => {
    const key = utf8('secret-key');
    const s = new Signer(key);
    const token = s.sign('v');
    key.fill(0);
    expect(s.validate(token)).toBe(true);
  });

  it('misuse: wrong types are TypeError', () => {
    expect(() => new Signer(42 as unknown as string)).toThrow(TypeError);
    expect(() => new Signer('k', { digestMethod: 'sha3' as 'sha1' })).toThrow(TypeError);
    expect(() => new Signer('k', { algorithm: {} as SigningAlgorithm })).toThrow(TypeError);
  });
});
