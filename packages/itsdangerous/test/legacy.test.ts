/** Upstream test_jws.py (itsdangerous ≤ 2.0.x) and the JWS traps of NOTES §4.18. */
import { describe, expect, it } from '@jest/globals';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { BadHeader, BadPayload, BadSignature, base64Encode, SignatureExpired } from '../src/index.js';
import {
  JSONWebSignatureSerializer,
  type JwsAlgorithmName,
  TimedJSONWebSignatureSerializer,
} from '../src/legacy.js';
import { expectThrowsCode, thrown, utf8 } from './helpers.js';

const T0 = 1308874145;

describe('JSONWebSignatureSerializer', () => {
  it.each(['HS256', 'HS384', 'HS512', 'none'] as JwsAlgorithmName[])('round-trips with %s', (alg) => {
    const s = new JSONWebSignatureSerializer('secret-key', { algorithmName: alg });
    for (const value of [null, true, 'str', [1, 2, 3], { id: 42 }]) {
      expect(s.loads(s.dumps(value))).toEqual(value);
    }
    if (alg === 'none') expect(s.dumps(1).endsWith('.')).toBe(true);
  });

  it('an unsupported algorithm is TypeError (Python NotImplementedError)', () => {
    expect(
      () => new JSONWebSignatureSerializer('k', { algorithmName: 'invalid' as JwsAlgorithmName }),
    ).toThrow(TypeError);
  });

  it('SPEC §9.1 example, and it is a standard HS256 JWS without a salt', () => {
    const s = new JSONWebSignatureSerializer('secret-key', { algorithmName: 'HS256' });
    const token = s.dumps({ id: 42 });
    expect(token).toBe('eyJhbGciOiJIUzI1NiJ9.eyJpZCI6NDJ9.TdABmP4pChfmQmdrSHv547RlFcnjzdJpMoOe5Lh0EHQ');
    const signingInput = token.slice(0, token.lastIndexOf('.'));
    expect(base64Encode(hmac(sha256, utf8('secret-key'), utf8(signingInput)))).toBe(token.split('.')[2]);
  });

  it('the default algorithm is HS512', () => {
    const s = new JSONWebSignatureSerializer('secret-key');
    expect(s.algorithmName).toBe('HS512');
    expect(s.loads(s.dumps('v'), { returnHeader: true })).toEqual(['v', { alg: 'HS512' }]);
  });

  it('§4.18 any salt, even "", switches to SHA1(salt ‖ "signer" ‖ key) derivation', () => {
    const plain = new JSONWebSignatureSerializer('secret-key');
    const salted = new JSONWebSignatureSerializer('secret-key', { salt: '' });
    expect(salted.makeSigner().keyDerivation).toBe('django-concat');
    expect(salted.makeSigner().deriveKey()).toHaveLength(20);
    expect(plain.makeSigner().keyDerivation).toBe('none');
    expectThrowsCode(() => plain.loads(salted.dumps('x')), BadSignature, 'ERR_SIGNATURE_MISMATCH');
    expect(plain.loads(salted.dumps('x', { salt: 'per-call' }), { salt: 'per-call' })).toBe('x');
  });

  it('header fields come first, then alg; a given alg keeps its position and is replaced', () => {
    const s = new JSONWebSignatureSerializer('secret-key');
    expect(s.makeHeader({ kid: 'k' })).toEqual({ kid: 'k', alg: 'HS512' });
    expect(Object.keys(s.makeHeader({ alg: 'HS256', kid: 'k' }))).toEqual(['alg', 'kid']);
    const [, header] = s.loads(s.dumps(1, { headerFields: { kid: 'key-1' } }), { returnHeader: true });
    expect(header).toEqual({ kid: 'key-1', alg: 'HS512' });
  });

  it('algorithm mismatch: a HS256-named serializer verifying with HS512 gives BadHeader', () => {
    const hs512 = new JSONWebSignatureSerializer('secret-key', { algorithmName: 'HS512' });
    const token = hs512.makeSigner().sign(hs512.dumpPayload('value', { alg: 'HS256' }));
    const error = expectThrowsCode(() => hs512.loads(token), BadHeader, 'ERR_ALGORITHM_MISMATCH');
    expect(error.header).toEqual({ alg: 'HS256' });
    expect(error.payload).toBe('value');
    // A header without alg is a mismatch too.
    const noAlg = hs512.makeSigner().sign(hs512.dumpPayload('value', { typ: 'JWT' }));
    expectThrowsCode(() => hs512.loads(noAlg), BadHeader, 'ERR_ALGORITHM_MISMATCH');
  });

  describe('loadPayload errors for signed bodies', () => {
    const s = new JSONWebSignatureSerializer('secret-key');
    const load = (body: string) => () => s.loads(s.makeSigner().sign(body));
    it('"ab" → BadPayload: no "."', () => {
      expectThrowsCode(load('ab'), BadPayload, 'ERR_PAYLOAD_SEPARATOR_MISSING');
    });
    it('"a.b" → BadHeader: header base64', () => {
      expectThrowsCode(load('a.b'), BadHeader, 'ERR_HEADER_BASE64');
    });
    it('"ew.b" → BadPayload: payload base64', () => {
      expectThrowsCode(load('ew.b'), BadPayload, 'ERR_PAYLOAD_BASE64');
    });
    it('"ew.ab" → BadHeader: malformed header JSON', () => {
      const error = expectThrowsCode(load('ew.ab'), BadHeader, 'ERR_HEADER_MALFORMED');
      expect(error.originalError).toBeInstanceOf(BadPayload);
    });
    it('"W10.ab" → BadHeader: not a JSON object', () => {
      const error = expectThrowsCode(load('W10.ab'), BadHeader, 'ERR_HEADER_NOT_OBJECT');
      expect(error.header).toEqual([]);
    });
  });

  it('key rotation: the newest signs, all verify', () => {
    const old = new JSONWebSignatureSerializer('old');
    const rotated = new JSONWebSignatureSerializer(['old', 'new']);
    expect(rotated.loads(old.dumps(1))).toBe(1);
    expect(new JSONWebSignatureSerializer('new').loads(rotated.dumps(2))).toBe(2);
  });

  it('loadsUnsafe, with and without returnHeader', () => {
    const s = new JSONWebSignatureSerializer('secret-key');
    const token = s.dumps({ id: 42 });
    expect(s.loadsUnsafe(token)).toEqual([true, { id: 42 }]);
    expect(s.loadsUnsafe(`${token}x`, { returnHeader: true })).toEqual([
      false,
      [{ id: 42 }, { alg: 'HS512' }],
    ]);
    expect(s.loadsUnsafe('garbage')).toEqual([false, null]);
  });

  it('dumps returns text (Python returned bytes)', () => {
    expect(typeof new JSONWebSignatureSerializer('k').dumps(1)).toBe('string');
  });
});

describe('TimedJSONWebSignatureSerializer', () => {
  function make(clock: { now: number }, expiresIn = 10) {
    return new TimedJSONWebSignatureSerializer('secret-key', { expiresIn, now: () => clock.now });
  }

  it('exp: fine after 1 s; at +11 s SignatureExpired with dateSigned = iat and payload = value', () => {
    const clock = { now: T0 };
    const s = make(clock);
    const token = s.dumps({ id: 42 });
    clock.now += 1;
    expect(s.loads(token)).toEqual({ id: 42 });
    clock.now = T0 + 10;
    expect(s.loads(token)).toEqual({ id: 42 }); // exp == now is still valid
    clock.now = T0 + 11;
    const error = expectThrowsCode(() => s.loads(token), SignatureExpired, 'ERR_SIGNATURE_EXPIRED');
    expect(error.dateSigned?.getTime()).toBe(T0 * 1000);
    expect(error.payload).toEqual({ id: 42 }); // the decoded object, not bytes
  });

  it('returnHeader and getIssueDate', () => {
    const clock = { now: T0 };
    const s = make(clock);
    const [value, header] = s.loads(s.dumps('v'), { returnHeader: true });
    expect(value).toBe('v');
    expect(header).toEqual({ alg: 'HS512', iat: T0, exp: T0 + 10 });
    expect(s.getIssueDate(header)).toEqual(new Date(T0 * 1000));
    expect(s.getIssueDate({ iat: 'invalid' })).toBeNull();
  });

  it('iat in the future is not checked', () => {
    const clock = { now: T0 };
    const s = make(clock);
    const token = s.dumps(1);
    clock.now = T0 - 1000;
    expect(s.loads(token)).toBe(1);
  });

  it('missing exp is BadSignature ERR_EXPIRY_MISSING', () => {
    const s = make({ now: T0 });
    const token = s.makeSigner().sign(s.dumpPayload('v', { alg: 'HS512' }));
    const error = expectThrowsCode(() => s.loads(token), BadSignature, 'ERR_EXPIRY_MISSING');
    expect(error.payload).toBe('v');
  });

  it.each([['invalid'], [-1], [null], [[1]]])('exp %p is BadHeader ERR_EXPIRY_INVALID', (exp) => {
    const s = make({ now: T0 });
    const token = s.makeSigner().sign(s.dumpPayload('v', { alg: 'HS512', exp }));
    expectThrowsCode(() => s.loads(token), BadHeader, 'ERR_EXPIRY_INVALID');
  });

  it('exp as a numeric string or float is accepted via int(); the header holds the int', () => {
    const s = make({ now: T0 });
    for (const exp of [`${T0 + 10}`, T0 + 10.9, ` ${T0 + 10} `]) {
      const token = s.makeSigner().sign(s.dumpPayload('v', { alg: 'HS512', exp }));
      expect(s.loads(token, { returnHeader: true })).toEqual(['v', { alg: 'HS512', exp: T0 + 10 }]);
    }
  });

  it('loadsUnsafe of an expired token: [false, null] (the payload is the decoded object)', () => {
    const clock = { now: T0 };
    const s = make(clock);
    const token = s.dumps({ id: 42 });
    clock.now += 100;
    expect(s.loadsUnsafe(token)).toEqual([false, null]);
  });

  it('loadsUnsafe of an expired token whose payload is a string with "." re-parses it (Python BadHeader)', () => {
    const clock = { now: T0 };
    const s = make(clock);
    const token = s.dumps('a.b');
    clock.now += 100;
    expect(thrown(() => s.loadsUnsafe(token))).toBeInstanceOf(BadHeader);
  });

  it('the default lifetime is 3600 s', () => {
    expect(new TimedJSONWebSignatureSerializer('k').expiresIn).toBe(3600);
    expect(() => new TimedJSONWebSignatureSerializer('k', { expiresIn: Number.NaN })).toThrow(RangeError);
  });
});
