/**
 * The Node backend compresses on one reused zlib handle instead of a `deflateSync` per call.
 * Its output must be the very bytes `deflateSync` gives, call after call (a state or window bytes
 * left over from an earlier call would show as different bytes), on both sides of the size limit.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { _deflateHandleReused, _deflateReused } from '../src/lib/node-backend.js';
import { utf8 } from './helpers.js';

const reference = (data: Uint8Array): Uint8Array => new Uint8Array(deflateSync(data, { level: 6 }));

/** Inputs that compress, that do not, and JSON like the signed token's payload. */
const input = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 500 }))
    .map(([s, n]) => utf8(s.repeat(n))),
  fc.jsonValue({ maxDepth: 3 }).map((v) => utf8(JSON.stringify(v) ?? 'null')),
  fc.record({ sub: fc.uuid(), ver: fc.nat(), jti: fc.base64String() }).map((v) => utf8(JSON.stringify(v))),
);

describe('node backend: deflate on a reused handle', () => {
  it('runs on the reused handle on this Node (else the properties below test only the fallback)', () => {
    expect(_deflateHandleReused()).toBe(true);
  });

  it('gives the same bytes as deflateSync, call after call', () => {
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 8 }), (inputs) => {
        // Read each result before the next call: it may be a view of the scratch buffer.
        for (const data of inputs) expect(_deflateReused(data)).toEqual(reference(data));
      }),
      { numRuns: 300 },
    );
  });

  it('a shorter input after a longer one: the bytes of a fresh stream, not of the bytes left behind', () => {
    // Without the window wiped, Node's zlib found a match in the `a`s the first call left past
    // the end of the second input: `aaaaa` came out 4b4c0402… instead of 4b4c4c4c4c04….
    const longer = utf8('a'.repeat(40));
    const shorter = utf8('aaaaa');
    expect(_deflateReused(longer)).toEqual(reference(longer));
    expect(_deflateReused(shorter)).toEqual(reference(shorter));
    expect(_deflateReused(shorter)).toEqual(reference(shorter));
  });

  it('the same bytes for the empty input and around the reused-handle size limit', () => {
    const sizes = [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 100_000];
    for (const size of sizes) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 7919) % 251);
      expect(_deflateReused(data)).toEqual(reference(data));
    }
  });
});
