// The repo-wide module decision, proven: one Jest run loads ESM-only @noble/hashes 2.x
// and a Nest provider whose constructor is resolved from decorator metadata.
import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const repeat = (byte: number, length: number): Uint8Array => new Uint8Array(length).fill(byte);

describe('HMAC through @noble/hashes (RFC 2202 and RFC 4231 vectors)', () => {
  it.each([
    [
      'RFC 2202 case 1',
      repeat(0x0b, 20),
      utf8ToBytes('Hi There'),
      'b617318655057264e28bc0b6fb378c8ef146be00',
    ],
    [
      'RFC 2202 case 2',
      utf8ToBytes('Jefe'),
      utf8ToBytes('what do ya want for nothing?'),
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    ],
    ['RFC 2202 case 3', repeat(0xaa, 20), repeat(0xdd, 50), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
    [
      'RFC 2202 case 6 (key longer than the block)',
      repeat(0xaa, 80),
      utf8ToBytes('Test Using Larger Than Block-Size Key - Hash Key First'),
      'aa4ae5e15272d00e95705637ce8a3b55ed402112',
    ],
  ])('HMAC-SHA1 %s', (_name, key, message, expected) => {
    expect(bytesToHex(hmac(sha1, key, message))).toBe(expected);
  });

  // RFC 4231 test case 2: key "Jefe".
  const key = utf8ToBytes('Jefe');
  const message = utf8ToBytes('what do ya want for nothing?');
  it.each([
    ['SHA-224', sha224, 'a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44'],
    ['SHA-256', sha256, '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [
      'SHA-384',
      sha384,
      'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    ],
    [
      'SHA-512',
      sha512,
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
  ])('HMAC-%s, RFC 4231 case 2', (_name, hash, expected) => {
    expect(bytesToHex(hmac(hash, key, message))).toBe(expected);
  });

  it('RFC 4231 case 6: a 131-byte key is hashed first (HMAC-SHA-256)', () => {
    const longKey = repeat(0xaa, 131);
    const text = utf8ToBytes('Test Using Larger Than Block-Size Key - Hash Key First');
    expect(hmac(sha256, longKey, text)).toEqual(
      hexToBytes('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'),
    );
  });
});

@Injectable()
class Clock {
  now(): number {
    return 42;
  }
}

@Injectable()
class NeedsClock {
  constructor(readonly clock: Clock) {}
}

describe('Nest dependency injection under the same Jest runtime', () => {
  it('resolves a constructor dependency from emitted decorator metadata', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [Clock, NeedsClock] }).compile();
    expect(moduleRef.get(NeedsClock).clock.now()).toBe(42);
    await moduleRef.close();
  });
});
