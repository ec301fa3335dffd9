/** URL-safe payloads: the compression rule, the leading ".", bounded decompression (NOTES §4.4–4.5). */
import { describe, expect, it } from '@jest/globals';
import { zlibSync } from 'fflate';
import {
  BadPayload,
  base64Encode,
  DEFAULT_MAX_PAYLOAD_BYTES,
  URLSafeSerializer,
  URLSafeTimedSerializer,
} from '../src/index.js';
import { InflateLimitExceeded, zlibDecompressBounded } from '../src/lib/zlib.js';
import { expectThrowsCode, thrown, utf8 } from './helpers.js';

const T0 = 1308874145;

/** Signs an arbitrary payload (already base64 / "."-prefixed) with the serializer's own signer. */
function forge(s: URLSafeSerializer, payload: string): Uint8Array {
  return s.makeSigner().sign(payload);
}

describe('NOTES §4.4 compression rule: compress only when it saves at least 2 bytes', () => {
  const s = new URLSafeSerializer('secret-key');

  it('"a"*11 stays plain, "a"*12 is compressed (SPEC §7.1 boundary)', () => {
    expect(s.dumps('a'.repeat(11))).toBe('ImFhYWFhYWFhYWFhIg.rPoXBoxYswp3n66xJJyhvLvsSkw');
    expect(s.dumps('a'.repeat(12)).startsWith('.eJxTSkQCSgAkJgTR.')).toBe(true);
  });

  it('a compressed stream is inflated whatever its level, even when it saves nothing', () => {
    const json = utf8('{"id":42}');
    for (const level of [0, 1, 9] as const) {
      const token = forge(s, `.${base64Encode(zlibSync(json, { level }))}`);
      expect(s.loads(token)).toEqual({ id: 42 });
    }
  });

  it('zlib data without the "." prefix is fed to JSON and fails', () => {
    const token = forge(s, base64Encode(zlibSync(utf8('"aaaaaaaaaaaa"'))));
    expectThrowsCode(() => s.loads(token), BadPayload, 'ERR_PAYLOAD_INVALID');
  });

  it('raw deflate or garbage after "." is ERR_PAYLOAD_DECOMPRESS with the zlib error', () => {
    const error = expectThrowsCode(() => s.loads(forge(s, '.YWJjZA')), BadPayload, 'ERR_PAYLOAD_DECOMPRESS');
    expect(error.originalError).toBeInstanceOf(Error);
    expect(error.message).toBe('Could not zlib decompress the payload before decoding the payload');
  });

  it('bytes after the end of the zlib stream are ignored, as in Python', () => {
    const stream = zlibSync(utf8('"aaaaaaaaaaaa"'));
    const padded = new Uint8Array([...stream, 1, 2, 3, 4, 5, 6]);
    expect(s.loads(forge(s, `.${base64Encode(padded)}`))).toBe('aaaaaaaaaaaa');
  });

  it('a bad payload base64 is ERR_PAYLOAD_BASE64 (original error BadData)', () => {
    expectThrowsCode(() => s.loads(forge(s, 'abcde')), BadPayload, 'ERR_PAYLOAD_BASE64');
  });
});

describe('NOTES §4.5 leading "." of compressed payloads', () => {
  it('compressed timed tokens look like .<zlib>.<ts>.<sig> and split from the right', () => {
    const s = new URLSafeTimedSerializer('secret-key', { now: () => T0 });
    const token = s.dumps('a'.repeat(1000));
    expect(token.startsWith('.')).toBe(true);
    expect(token.split('.')).toHaveLength(4);
    expect(s.loads(token, { maxAge: 0 })).toBe('a'.repeat(1000));
  });

  it('exactly one leading "." is stripped', () => {
    const s = new URLSafeSerializer('secret-key');
    const inner = base64Encode(zlibSync(utf8('"aaaaaaaaaaaa"')));
    // "..data": the second "." is then junk for the lenient base64 decoder, as in Python.
    expect(s.loads(forge(s, `..${inner}`))).toBe('aaaaaaaaaaaa');
  });
});

describe('bounded decompression (beyond Python)', () => {
  const bomb = zlibSync(new Uint8Array(20 * 1024 * 1024), { level: 9 }); // 20 MiB of zeros, ~20 KiB

  it('the default limit is 1 MiB', () => {
    expect(DEFAULT_MAX_PAYLOAD_BYTES).toBe(1024 * 1024);
    expect(new URLSafeSerializer('k').maxPayloadBytes).toBe(DEFAULT_MAX_PAYLOAD_BYTES);
  });

  it('a payload inflating past maxPayloadBytes throws BadPayload ERR_PAYLOAD_TOO_LARGE', () => {
    const s = new URLSafeSerializer('secret-key');
    const error = expectThrowsCode(
      () => s.loads(forge(s, `.${base64Encode(bomb)}`)),
      BadPayload,
      'ERR_PAYLOAD_TOO_LARGE',
    );
    expect(error.name).toBe('BadPayload');
  });

  it('stops inflating early instead of finishing the stream', () => {
    const limit = 64 * 1024;
    const error = thrown(() => zlibDecompressBounded(bomb, limit)) as InflateLimitExceeded;
    expect(error).toBeInstanceOf(InflateLimitExceeded);
    expect(error.produced).toBeGreaterThan(limit);
    // At most one 256-byte input slice past the limit (deflate expands ≤ ~1032:1) …
    expect(error.produced).toBeLessThanOrEqual(limit + 256 * 1032 + 32 * 1024);
    // … and far from the 20 MiB the whole stream holds.
    expect(error.consumed).toBeLessThan(bomb.length / 10);
  });

  it('is configurable per serializer, and exact at the boundary', () => {
    const json = utf8(JSON.stringify('a'.repeat(100)));
    const token = (s: URLSafeSerializer) => forge(s, `.${base64Encode(zlibSync(json))}`);
    const exact = new URLSafeSerializer('k', { maxPayloadBytes: json.length });
    expect(exact.loads(token(exact))).toBe('a'.repeat(100));
    const tooSmall = new URLSafeSerializer('k', { maxPayloadBytes: json.length - 1 });
    expectThrowsCode(() => tooSmall.loads(token(tooSmall)), BadPayload, 'ERR_PAYLOAD_TOO_LARGE');
    const timed = new URLSafeTimedSerializer('k', { maxPayloadBytes: 10, now: () => T0 });
    expectThrowsCode(() => timed.loads(timed.dumps('a'.repeat(100))), BadPayload, 'ERR_PAYLOAD_TOO_LARGE');
  });

  it('an invalid limit is RangeError', () => {
    expect(() => new URLSafeSerializer('k', { maxPayloadBytes: -1 })).toThrow(RangeError);
    expect(() => new URLSafeTimedSerializer('k', { maxPayloadBytes: 1.5 })).toThrow(RangeError);
  });
});
