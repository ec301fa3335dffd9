import { AuthError } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import { decodeBase64Url, decodedLengthOfBase64Url, decodeUtf8 } from '../src/lib/base64url.js';
import { inspectCompactJws } from '../src/lib/compact-jws.js';
import { JwtKeyRing } from '../src/lib/keys.js';
import { rejectionReasonOf } from '../src/lib/rejection.js';
import { DuplicateMemberError, parseJsonObject } from '../src/lib/strict-json.js';
import { OLD_SECRET, SECRET, thrownBy } from './support.js';

describe('decodeBase64Url', () => {
  it('decodes canonical unpadded base64url', () => {
    expect(decodeBase64Url('aGk')?.toString()).toBe('hi');
    expect(decodeBase64Url('')?.length).toBe(0);
    expect(decodeBase64Url('_-8')).toEqual(Buffer.from([0xff, 0xef]));
  });

  it('refuses padding, the standard alphabet, impossible lengths and non-zero spare bits', () => {
    for (const bad of ['aGk=', 'a+8', 'a/8', 'a', 'aGk.', 'aGl', ' aGk']) {
      expect(decodeBase64Url(bad)).toBeNull();
    }
  });

  it('accepts exactly the segments that re-encode to themselves (every 2- and 3-character one)', () => {
    const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const wrong: string[] = [];
    let refused = 0;
    for (const a of digits) {
      for (const b of digits) {
        for (const segment of [`${a}${b}`, ...[...digits].map((c) => `${a}${b}${c}`)]) {
          const lenient = Buffer.from(segment, 'base64url');
          const canonical = lenient.toString('base64url') === segment;
          const decoded = decodeBase64Url(segment);
          if (decoded === null) refused += 1;
          if (canonical ? decoded === null || !decoded.equals(lenient) : decoded !== null)
            wrong.push(segment);
          // The length-only check (signatures) agrees with the decoder on every segment.
          if (decodedLengthOfBase64Url(segment) !== (decoded?.length ?? null))
            wrong.push(`length ${segment}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // A last character with 4 spare bits is canonical in 4 of 64 cases, with 2 spare bits in 16.
    expect(refused).toBe(64 * 60 + 64 * 64 * 48);
  });

  it('refuses invalid UTF-8 instead of substituting U+FFFD', () => {
    expect(decodeUtf8(Buffer.from([0x7b, 0xff, 0x7d]))).toBeNull();
    expect(decodeUtf8(Buffer.from('{"a":"é"}'))).toBe('{"a":"é"}');
  });
});

describe('parseJsonObject', () => {
  it('parses objects, including nested ones and strings with escapes', () => {
    expect(parseJsonObject('{"a":{"b":[1,{"c":"x\\"y"}]},"d":"}"}')).toEqual({
      a: { b: [1, { c: 'x"y' }] },
      d: '}',
    });
  });

  it.each([
    ['top level', '{"alg":"HS256","alg":"none"}', 'alg'],
    ['after unescaping', '{"alg":"HS256","\\u0061lg":"none"}', 'alg'],
    ['nested', '{"a":{"x":1,"x":2}}', 'x'],
    ['inside an array', '{"a":[{"k":1,"k":1}]}', 'k'],
    // The fast check counts names against what JSON.parse kept: a duplicate whose discarded
    // value held objects of its own must not be hidden by them.
    ['over a discarded object', '{"a":{"x":1,"y":2},"a":{"z":3}}', 'a'],
    ['of __proto__', '{"__proto__":1,"__proto__":2}', '__proto__'],
    // A string ending in an escaped backslash ends at the next quote; one ending in an escaped
    // quote does not. Misreading either would shift every later name.
    ['after a value ending in \\\\', '{"a":"x\\\\","a":1}', 'a'],
    ['after a value ending in \\\\\\"', '{"a":"x\\\\\\"","b":1,"b":2}', 'b'],
    ['in names holding escapes', '{"\\\\\\"":1,"\\u005c\\"":2}', '\\"'],
    // The fast check counts the colons outside strings, one per member: colons inside names
    // and values, and after an escaped quote, must be neither counted nor a real one skipped.
    ['with colons inside names and values', '{"a:":"x:y:z","a:":1}', 'a:'],
    ['after a value holding \\":', '{"a":"\\":","b":1,"b":2}', 'b'],
    ['after strings of colons', '{"a":"::::","c":{"d":":"},"c":0}', 'c'],
  ])('refuses duplicate member names (%s)', (_case, text, member) => {
    const error = thrownBy(() => parseJsonObject(text));
    expect(error).toBeInstanceOf(DuplicateMemberError);
    expect(error).toMatchObject({ member });
  });

  it('accepts distinct names whatever colons their strings hold', () => {
    expect(parseJsonObject('{"a:b":"c:d","a":{"b:":":"},"e":[":",{"f":"\\":"}]}')).toEqual({
      'a:b': 'c:d',
      a: { 'b:': ':' },
      e: [':', { f: '":' }],
    });
  });

  it('allows the same name in sibling objects and as a value', () => {
    expect(parseJsonObject('{"a":{"x":1},"b":{"x":2},"c":"a"}')).toEqual({
      a: { x: 1 },
      b: { x: 2 },
      c: 'a',
    });
  });

  it('keeps a lone __proto__ member as an own member, not a prototype', () => {
    const parsed = parseJsonObject('{"__proto__":{"admin":true},"b":[]}');
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect((parsed as { admin?: unknown }).admin).toBeUndefined();
  });

  it.each(['[1]', '"s"', 'null', '1', '{"a":1', '\uFEFF{}'])('refuses %j with a SyntaxError', (text) => {
    expect(() => parseJsonObject(text)).toThrow(SyntaxError);
  });
});

describe('inspectCompactJws: header verdicts kept per header segment', () => {
  const ring = JwtKeyRing.create({ algorithm: 'HS256', secrets: [SECRET] });
  const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = segment({ sub: 'u1' });
  // A signature of the key's length: inspection checks the length, never the value.
  const signature = Buffer.alloc(32).toString('base64url');
  const tokenWith = (header: Readonly<Record<string, unknown>>): string =>
    `${segment(header)}.${payload}.${signature}`;
  const reasonOf = (run: () => unknown): string | undefined => {
    try {
      run();
      return undefined;
    } catch (error) {
      return error instanceof AuthError ? rejectionReasonOf(error) : `not an AuthError: ${String(error)}`;
    }
  };

  it('gives a header segment that passed for one use no pass for the other', () => {
    const access = tokenWith({ alg: 'HS256', typ: 'JWT', kid: ring.signingKid });
    expect(inspectCompactJws(access, 'access', ring).key.kid).toBe(ring.signingKid);
    expect(inspectCompactJws(access, 'access', ring).header.typ).toBe('JWT');
    expect(reasonOf(() => inspectCompactJws(access, 'refresh', ring))).toBe('wrong_token_type');
  });

  it('keeps every verdict right while many different passing headers come and go', () => {
    for (let index = 0; index < 40; index += 1) {
      const passing = tokenWith({ alg: 'HS256', typ: 'JWT', kid: ring.signingKid, n: index });
      expect(reasonOf(() => inspectCompactJws(passing, 'access', ring))).toBeUndefined();
      const unknownKid = tokenWith({ alg: 'HS256', typ: 'JWT', kid: `other-${index}` });
      expect(reasonOf(() => inspectCompactJws(unknownKid, 'access', ring))).toBe('unknown_kid');
      expect(reasonOf(() => inspectCompactJws(passing, 'refresh', ring))).toBe('wrong_token_type');
    }
  });

  it('answers each header with its own key while tokens of two keys alternate', () => {
    const twoKeys = JwtKeyRing.create({ algorithm: 'HS256', secrets: [OLD_SECRET, SECRET] });
    const [oldKid, newKid] = twoKeys.kids;
    expect(oldKid).toBeDefined();
    expect(newKid).toBeDefined();
    expect(oldKid).not.toBe(newKid);
    const older = tokenWith({ alg: 'HS256', typ: 'JWT', kid: oldKid });
    const newer = tokenWith({ alg: 'HS256', typ: 'JWT', kid: newKid });
    for (let index = 0; index < 3; index += 1) {
      expect(inspectCompactJws(older, 'access', twoKeys).key.kid).toBe(oldKid);
      expect(inspectCompactJws(older, 'access', twoKeys).header.kid).toBe(oldKid);
      expect(inspectCompactJws(newer, 'access', twoKeys).key.kid).toBe(newKid);
      // The header last seen for access is no verdict for refresh,
      expect(reasonOf(() => inspectCompactJws(newer, 'refresh', twoKeys))).toBe('wrong_token_type');
      // nor for another ring holding other keys.
      expect(reasonOf(() => inspectCompactJws(older, 'access', ring))).toBe('unknown_kid');
    }
  });

  it('still refuses a wrong signature length and a non-canonical signature under a known header', () => {
    const header = segment({ alg: 'HS256', typ: 'JWT', kid: ring.signingKid });
    const short = `${header}.${payload}.${Buffer.alloc(31).toString('base64url')}`;
    expect(reasonOf(() => inspectCompactJws(short, 'access', ring))).toBe('bad_signature_length');
    const spareBits = `${header}.${payload}.${signature.slice(0, -1)}B`;
    expect(reasonOf(() => inspectCompactJws(spareBits, 'access', ring))).toBe('bad_base64url');
  });
});
