import { describe, expect, it } from '@jest/globals';
import { decodeBase64Url, decodeUtf8 } from '../src/lib/base64url.js';
import { DuplicateMemberError, parseJsonObject } from '../src/lib/strict-json.js';
import { thrownBy } from './support.js';

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
  ])('refuses duplicate member names (%s)', (_case, text, member) => {
    const error = thrownBy(() => parseJsonObject(text));
    expect(error).toBeInstanceOf(DuplicateMemberError);
    expect(error).toMatchObject({ member });
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
