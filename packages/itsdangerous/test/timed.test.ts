/** Upstream test_timed.py (TimestampSigner additions) and the timed pitfalls of NOTES §4.1–4.3, §4.15. */
import { describe, expect, it } from '@jest/globals';
import {
  BadSignature,
  BadTimeSignature,
  base64Encode,
  intToBytes,
  SignatureExpired,
  Signer,
  TimedSerializer,
  TimestampSigner,
} from '../src/index.js';
import { expectThrowsCode, text } from './helpers.js';

const T0 = 1308874145; // 2011-06-24T00:09:05Z

/** A clock the test moves, like freezegun. */
function frozenClock(start = T0) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe('TimestampSigner (upstream test_timed.py)', () => {
  it('SPEC §4.1 example: value.TgPVoQ.UuTmbd1hhGp7tyOFjT0H9ILwyfg', () => {
    const s = new TimestampSigner('secret-key', { now: () => T0 });
    expect(text(s.sign('value'))).toBe('value.TgPVoQ.UuTmbd1hhGp7tyOFjT0H9ILwyfg');
  });

  it('a subclass that overrides _signBytes still gets the whole value.timestamp to sign', () => {
    const seen: string[] = [];
    class Logging extends TimestampSigner {
      protected override _signBytes(value: Uint8Array): Uint8Array {
        seen.push(text(value));
        return super._signBytes(value);
      }
    }
    const s = new Logging('secret-key', { now: () => T0 });
    expect(text(s.sign('value'))).toBe('value.TgPVoQ.UuTmbd1hhGp7tyOFjT0H9ILwyfg');
    expect(seen).toEqual(['value.TgPVoQ']);
  });

  it('max_age: valid after 1 s with maxAge 10; SignatureExpired with dateSigned after 11 s', () => {
    const clock = frozenClock();
    const s = new TimestampSigner('secret-key', { now: clock.read });
    const signed = s.sign('value');
    clock.now += 1;
    expect(text(s.unsign(signed, { maxAge: 10 }))).toBe('value');
    clock.now += 10;
    const error = expectThrowsCode(
      () => s.unsign(signed, { maxAge: 10 }),
      SignatureExpired,
      'ERR_SIGNATURE_EXPIRED',
    );
    expect(error.dateSigned?.getTime()).toBe(T0 * 1000);
    expect(error.message).toBe('Signature age 11 > 10 seconds');
    expect(text(error.payload as Uint8Array)).toBe('value');
  });

  it('returnTimestamp gives [value, Date]', () => {
    const s = new TimestampSigner('secret-key', { now: () => T0 });
    const [value, date] = s.unsign(s.sign('value'), { returnTimestamp: true });
    expect(text(value)).toBe('value');
    expect(date).toEqual(new Date(T0 * 1000));
  });

  it('a plain Signer token fails with "timestamp missing" and no dateSigned', () => {
    const token = new Signer('secret-key').sign('value');
    const error = expectThrowsCode(
      () => new TimestampSigner('secret-key').unsign(token),
      BadTimeSignature,
      'ERR_TIMESTAMP_MISSING',
    );
    expect(error.message).toBe('timestamp missing');
    expect(error.dateSigned).toBeNull();
  });

  it('a Signer-signed "value.____________" fails with "Malformed timestamp"', () => {
    const token = new Signer('secret-key').sign('value.____________');
    const error = expectThrowsCode(
      () => new TimestampSigner('secret-key').unsign(token),
      BadTimeSignature,
      'ERR_TIMESTAMP_MALFORMED',
    );
    expect(error.dateSigned).toBeNull();
  });

  it('the fixed token with a bad signature and a 9-byte timestamp fails with "Malformed timestamp"', () => {
    const s = new TimestampSigner('secret-key', { now: () => T0 });
    const error = expectThrowsCode(
      () => s.unsign('value.TgPVoaGhoQ.AGBfQ6G6cr07byTRt0zAdPljHOY', { maxAge: 10 }),
      BadTimeSignature,
      'ERR_TIMESTAMP_MALFORMED',
    );
    expect(error.message).toBe('Malformed timestamp');
  });

  it('future age: clock moved back to 1971 with maxAge 10 → SignatureExpired with a Date', () => {
    const clock = frozenClock();
    const s = new TimestampSigner('secret-key', { now: clock.read });
    const signed = s.sign('value');
    clock.now = 31_536_000; // 1971-01-01
    const error = expectThrowsCode(
      () => s.unsign(signed, { maxAge: 10 }),
      SignatureExpired,
      'ERR_SIGNATURE_IN_FUTURE',
    );
    expect(error.dateSigned).toBeInstanceOf(Date);
  });

  it('a tampered value gives BadTimeSignature whose dateSigned is the (unverified) timestamp', () => {
    const s = new TimestampSigner('secret-key', { now: () => T0 });
    const signed = text(s.sign('value'));
    const error = expectThrowsCode(() => s.unsign(`x${signed}`), BadTimeSignature, 'ERR_SIGNATURE_MISMATCH');
    expect(error.dateSigned?.getTime()).toBe(T0 * 1000);
    expect(text(error.payload as Uint8Array)).toBe('xvalue');
    expect(error.cause).toBeInstanceOf(BadSignature);
  });
});

describe('NOTES §4.1 int_to_bytes(0) is empty', () => {
  it('timestamp 0 gives "value..sig"; valid without maxAge, expired with it', () => {
    const at0 = new TimestampSigner('secret-key', { now: () => 0 });
    const token = text(at0.sign('value'));
    expect(token.startsWith('value..')).toBe(true);
    const later = new TimestampSigner('secret-key', { now: () => T0 });
    const [value, date] = later.unsign(token, { returnTimestamp: true });
    expect(text(value)).toBe('value');
    expect(date.getTime()).toBe(0);
    expectThrowsCode(() => later.unsign(token, { maxAge: 60 }), SignatureExpired, 'ERR_SIGNATURE_EXPIRED');
  });

  it('fractional clock seconds are truncated, like int(time.time())', () => {
    const s = new TimestampSigner('secret-key', { now: () => T0 + 0.999 });
    expect(s.getTimestamp()).toBe(T0);
    expect(text(s.sign('value')).split('.')[1]).toBe(base64Encode(intToBytes(T0)));
  });

  it('a clock before 1970 cannot sign: RangeError (Python struct.error)', () => {
    expect(() => new TimestampSigner('k', { now: () => -1 }).sign('v')).toThrow(RangeError);
  });

  it('the default clock is read at call time', () => {
    const s = new TimestampSigner('secret-key');
    const before = Math.trunc(Date.now() / 1000);
    const ts = s.getTimestamp();
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.trunc(Date.now() / 1000));
  });
});

describe('NOTES §4.2 maxAge edges', () => {
  const clock = frozenClock();
  const s = new TimestampSigner('secret-key', { now: clock.read });
  const token = s.sign('value');

  it('age == maxAge is valid; age == maxAge + 1 is expired', () => {
    clock.now = T0 + 10;
    expect(s.validate(token, { maxAge: 10 })).toBe(true);
    clock.now = T0 + 11;
    expect(s.validate(token, { maxAge: 10 })).toBe(false);
  });

  it('maxAge 0 accepts only the same second', () => {
    clock.now = T0;
    expect(s.validate(token, { maxAge: 0 })).toBe(true);
    clock.now = T0 + 1;
    expect(s.validate(token, { maxAge: 0 })).toBe(false);
  });

  it('a future timestamp is rejected only when maxAge is given', () => {
    clock.now = T0 - 100;
    expect(s.validate(token)).toBe(true);
    expect(s.validate(token, { maxAge: null })).toBe(true);
    expect(s.validate(token, { maxAge: 1000 })).toBe(false);
  });

  it('a negative maxAge rejects everything', () => {
    clock.now = T0;
    expectThrowsCode(() => s.unsign(token, { maxAge: -1 }), SignatureExpired, 'ERR_SIGNATURE_EXPIRED');
  });

  it('NaN maxAge is misuse (RangeError)', () => {
    expect(() => s.unsign(token, { maxAge: Number.NaN })).toThrow(RangeError);
  });
});

describe('NOTES §4.3 the timed error classes', () => {
  const s = new TimestampSigner('secret-key', { now: () => T0 });

  it('bad MAC and no separator left: the plain BadSignature is re-raised', () => {
    expectThrowsCode(() => s.unsign('value.AAAA'), BadSignature, 'ERR_SIGNATURE_MISMATCH');
    expectThrowsCode(() => s.unsign('novalue'), BadSignature, 'ERR_SEPARATOR_MISSING');
  });

  it('bad MAC with an undecodable timestamp: BadTimeSignature with dateSigned null', () => {
    const error = expectThrowsCode(
      () => s.unsign('value.A.AAAA'),
      BadTimeSignature,
      'ERR_SIGNATURE_MISMATCH',
    );
    expect(error.dateSigned).toBeNull();
  });

  it('a bad signature on an expired token reports the signature, not expiry', () => {
    const token = text(s.sign('value'));
    const late = new TimestampSigner('secret-key', { now: () => T0 + 1000 });
    expectThrowsCode(
      () => late.unsign(`${token}x`, { maxAge: 10 }),
      BadTimeSignature,
      'ERR_SIGNATURE_MISMATCH',
    );
  });
});

describe('NOTES §4.15 timestamp range', () => {
  it('a validly signed timestamp past year 9999 loads without maxAge/returnTimestamp', () => {
    const future = new TimestampSigner('secret-key', { now: () => 253_402_300_800 });
    const token = future.sign('value');
    const reader = new TimestampSigner('secret-key', { now: () => T0 });
    expect(text(reader.unsign(token))).toBe('value');
    // Python raises a plain ValueError here; the port reports the token as malformed.
    expectThrowsCode(
      () => reader.unsign(token, { returnTimestamp: true }),
      BadTimeSignature,
      'ERR_TIMESTAMP_MALFORMED',
    );
    expectThrowsCode(() => reader.unsign(token, { maxAge: 10 }), BadTimeSignature, 'ERR_TIMESTAMP_MALFORMED');
  });

  it('an 8-byte timestamp above 2^53 is malformed when a date is needed', () => {
    const signer = new Signer('secret-key');
    const token = signer.sign(`value.${base64Encode(intToBytes(2n ** 63n))}`);
    const reader = new TimestampSigner('secret-key');
    expect(text(reader.unsign(token))).toBe('value');
    expectThrowsCode(() => reader.unsign(token, { maxAge: 10 }), BadTimeSignature, 'ERR_TIMESTAMP_MALFORMED');
  });

  it('timestampToDate follows Python datetime range', () => {
    const s = new TimestampSigner('k');
    expect(s.timestampToDate(253_402_300_799).toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(() => s.timestampToDate(253_402_300_800)).toThrow(RangeError);
  });
});

describe('TimedSerializer (upstream TestTimedSerializer)', () => {
  it('maxAge and returnTimestamp through the serializer; the payload of an expired token loads', () => {
    const clock = frozenClock();
    const s = new TimedSerializer('secret-key', { now: clock.read });
    const token = s.dumps({ id: 42 });
    clock.now += 10;
    expect(s.loads(token, { maxAge: 10 })).toEqual({ id: 42 });
    const [value, date] = s.loads(token, { returnTimestamp: true });
    expect(value).toEqual({ id: 42 });
    expect(date).toEqual(new Date(T0 * 1000));
    clock.now += 1;
    const error = expectThrowsCode(
      () => s.loads(token, { maxAge: 10 }),
      SignatureExpired,
      'ERR_SIGNATURE_EXPIRED',
    );
    expect(s.loadPayload(error.payload as Uint8Array)).toEqual({ id: 42 });
    expect(s.loadsUnsafe(token, { maxAge: 10 })).toEqual([false, { id: 42 }]);
  });

  it('§4.3 SignatureExpired stops the fallback loop', () => {
    const clock = frozenClock();
    const s = new TimedSerializer('secret-key', {
      now: clock.read,
      fallbackSigners: [{ digestMethod: 'sha256' }],
    });
    const token = s.dumps(1);
    clock.now += 100;
    expectThrowsCode(() => s.loads(token, { maxAge: 5 }), SignatureExpired, 'ERR_SIGNATURE_EXPIRED');
  });

  it('fallback signers share the serializer clock', () => {
    const clock = frozenClock();
    const sha256 = new TimedSerializer('k', { now: clock.read, signerKwargs: { digestMethod: 'sha256' } });
    const reader = new TimedSerializer('k', {
      now: clock.read,
      fallbackSigners: [{ digestMethod: 'sha256' }],
    });
    const token = sha256.dumps('v');
    clock.now += 3;
    expect(reader.loads(token, { maxAge: 3 })).toBe('v');
    clock.now += 1;
    expectThrowsCode(() => reader.loads(token, { maxAge: 3 }), SignatureExpired, 'ERR_SIGNATURE_EXPIRED');
  });

  it('rejects signer classes that are not TimestampSigners (TypeError)', () => {
    const asTimed = Signer as unknown as typeof TimestampSigner;
    expect(() => new TimedSerializer('k', { signer: asTimed })).toThrow(TypeError);
    expect(() => new TimedSerializer('k', { fallbackSigners: [asTimed] })).toThrow(TypeError);
    expect(() => new TimedSerializer('k', { fallbackSigners: [[asTimed, {}]] })).toThrow(TypeError);
  });

  it('§4.16 a timed token is a valid untimed Signer token for the same key and salt', () => {
    const timed = new TimestampSigner('secret-key', { now: () => T0 });
    expect(text(new Signer('secret-key').unsign(timed.sign('value')))).toBe('value.TgPVoQ');
  });
});
