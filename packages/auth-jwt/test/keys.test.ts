import { constants, createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { authenticateRequest } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import { createJwtStrategy, generateDevKeyPair, type JwtAlgorithm } from '../src/index.js';
import { hmacKeyId, JwtKeyRing, jwkThumbprint } from '../src/lib/keys.js';
import {
  ALICE,
  AUDIENCE,
  decodeSegment,
  exchange,
  expectRefusal,
  hsOptions,
  hsStrategy,
  ISSUER,
  OLD_SECRET,
  SECRET,
  segmentsOf,
  TestClock,
} from './support.js';

describe('kid of an HMAC secret', () => {
  it('is the first 16 characters of base64url(SHA-256(secret)), the same in every process', () => {
    const expected = createHash('sha256').update(SECRET).digest('base64url').slice(0, 16);
    expect(hmacKeyId(SECRET)).toBe(expected);
    expect(hmacKeyId(SECRET)).toHaveLength(16);
    expect(hmacKeyId(OLD_SECRET)).not.toBe(expected);
  });
});

describe('RFC 7638 JWK thumbprint', () => {
  it('matches the RFC 7638 §3.1 example', () => {
    const key = createPublicKey({
      key: {
        kty: 'RSA',
        e: 'AQAB',
        n:
          '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn6' +
          '4tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9' +
          '1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      },
      format: 'jwk',
    });
    expect(jwkThumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('uses crv, kty, x, y for EC keys', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = publicKey.export({ format: 'jwk' });
    const canonical = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
    expect(jwkThumbprint(publicKey)).toBe(createHash('sha256').update(canonical).digest('base64url'));
  });
});

describe('HMAC key rotation (JWT_SECRET oldest → newest)', () => {
  it('signs with the newest secret and verifies tokens of every configured one by kid', async () => {
    const clock = new TestClock();
    const before = hsStrategy(clock, { secrets: [OLD_SECRET] });
    const oldLogin = await before.issue(ALICE);
    const after = hsStrategy(clock, { secrets: [OLD_SECRET, SECRET] });
    const newLogin = await after.issue(ALICE);
    expect(decodeSegment(segmentsOf(newLogin.token)[0])).toEqual({
      alg: 'HS256',
      typ: 'JWT',
      kid: hmacKeyId(SECRET),
    });
    await expect(authenticateRequest(after, exchange(`Bearer ${oldLogin.token}`))).resolves.toMatchObject({
      userId: ALICE.id,
    });
    await expect(after.refresh(oldLogin.refreshToken)).rejects.toMatchObject({ code: 'revoked' }); // other process's family
    // Once the old secret is retired, its tokens are refused by kid — never tried against the new secret.
    const retired = hsStrategy(clock, { secrets: [SECRET] });
    await expectRefusal(retired.verify(oldLogin.token), 'invalid_signature', 'unknown_kid');
  });
});

describe('configuration mistakes stop start-up', () => {
  const clock = new TestClock();
  const rsa1024 = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const p384 = generateKeyPairSync('ec', {
    namedCurve: 'secp384r1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const rsa = generateDevKeyPair('RS256');

  it.each([
    ['an unknown algorithm', { algorithm: 'EdDSA' as JwtAlgorithm }, TypeError, /JWT_ALG/],
    ['no secret', { secrets: [] }, TypeError, /JWT_SECRET/],
    ['a 31-byte secret', { secrets: ['x'.repeat(31)] }, RangeError, /JWT_SECRET.*32 bytes/],
    ['a short old secret', { secrets: ['short', SECRET] }, RangeError, /secret #1/],
    ['a private key with HS256', { privateKeyPem: rsa.privateKeyPem }, TypeError, /JWT_PRIVATE_KEY/],
    ['RS256 without a private key', { algorithm: 'RS256', secrets: [] }, TypeError, /JWT_PRIVATE_KEY/],
    [
      'RS256 with a secret',
      { algorithm: 'RS256', privateKeyPem: rsa.privateKeyPem },
      TypeError,
      /JWT_SECRET/,
    ],
    [
      'RS256 with a 1024-bit key',
      { algorithm: 'RS256', secrets: [], privateKeyPem: rsa1024.privateKey },
      RangeError,
      /2048/,
    ],
    [
      'ES256 with a P-384 key',
      { algorithm: 'ES256', secrets: [], privateKeyPem: p384.privateKey },
      TypeError,
      /P-256/,
    ],
    [
      'ES256 with an RSA key',
      { algorithm: 'ES256', secrets: [], privateKeyPem: rsa.privateKeyPem },
      TypeError,
      /P-256/,
    ],
    [
      'RS256 with an EC key',
      { algorithm: 'RS256', secrets: [], privateKeyPem: p384.privateKey },
      TypeError,
      /RSA/,
    ],
    [
      'a private key that is not PEM',
      { algorithm: 'RS256', secrets: [], privateKeyPem: 'nope' },
      TypeError,
      /JWT_PRIVATE_KEY/,
    ],
    [
      'a public key that is not PEM',
      { algorithm: 'RS256', secrets: [], privateKeyPem: rsa.privateKeyPem, publicKeyPem: 'nope' },
      TypeError,
      /JWT_PUBLIC_KEY/,
    ],
    ['a zero TTL', { accessTtlSeconds: 0 }, RangeError, /JWT_TTL/],
    ['a fractional refresh TTL', { refreshTtlSeconds: 1.5 }, RangeError, /JWT_REFRESH_TTL/],
    ['an empty issuer', { issuer: '' }, TypeError, /JWT_ISSUER/],
    ['an unknown revocation mode', { revocation: 'sometimes' as 'none' }, TypeError, /JWT_REVOCATION/],
  ] as const)('%s', (_case, overrides, type, message) => {
    expect(() => createJwtStrategy(hsOptions(clock, overrides))).toThrow(type);
    expect(() => createJwtStrategy(hsOptions(clock, overrides))).toThrow(message);
  });
});

describe('generateDevKeyPair', () => {
  it.each(['RS256', 'PS256', 'ES256'] as const)('makes a %s pair the key ring accepts', (algorithm) => {
    const pair = generateDevKeyPair(algorithm);
    const ring = JwtKeyRing.create({
      algorithm,
      secrets: [],
      privateKeyPem: pair.privateKeyPem,
      publicKeyPem: pair.publicKeyPem,
    });
    expect(ring.kids).toEqual([jwkThumbprint(createPublicKey(pair.publicKeyPem))]);
    const details = createPublicKey(pair.publicKeyPem).asymmetricKeyDetails;
    if (algorithm === 'ES256') expect(details?.namedCurve).toBe('prime256v1');
    else expect(details?.modulusLength).toBeGreaterThanOrEqual(2048);
  });

  it('refuses HMAC algorithms', () => {
    expect(() => generateDevKeyPair('HS256')).toThrow(TypeError);
  });
});

describe.each(['RS256', 'PS256', 'ES256'] as const)('%s with JWKS', (algorithm) => {
  const clock = new TestClock();
  const pair = generateDevKeyPair(algorithm);
  const previous = generateDevKeyPair(algorithm);
  const options = {
    algorithm,
    secrets: [],
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTtlSeconds: 1800,
    refreshTtlSeconds: 86_400,
    revocation: 'denylist',
    redis: null,
    now: clock.now,
  } as const;

  it('publishes the key that verifies the issued token (checked with node:crypto from the JWK)', async () => {
    const strategy = createJwtStrategy({
      ...options,
      privateKeyPem: pair.privateKeyPem,
      publicKeyPem: pair.publicKeyPem,
    });
    const { token } = await strategy.issue(ALICE);
    const [headerSegment, payloadSegment, signatureSegment] = segmentsOf(token);
    const header = decodeSegment(headerSegment);
    const jwks = strategy.jwks();
    expect(jwks?.keys).toHaveLength(1);
    const jwk = jwks?.keys.find((candidate) => candidate.kid === header.kid);
    expect(jwk).toMatchObject({ alg: algorithm, use: 'sig', kid: header.kid });
    expect(jwk).not.toHaveProperty('d'); // never the private part
    const key = createPublicKey({ key: jwk ?? {}, format: 'jwk' });
    const signature = Buffer.from(signatureSegment, 'base64url');
    const data = Buffer.from(`${headerSegment}.${payloadSegment}`);
    const valid =
      algorithm === 'ES256'
        ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : algorithm === 'PS256'
          ? verify(
              'sha256',
              data,
              { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
              signature,
            )
          : verify('sha256', data, key, signature);
    expect(valid).toBe(true);
    await expect(authenticateRequest(strategy, exchange(`Bearer ${token}`))).resolves.toMatchObject({
      userId: ALICE.id,
    });
  });

  it('verifies tokens of a previous key listed in JWT_PUBLIC_KEY, and publishes both', async () => {
    const before = createJwtStrategy({ ...options, privateKeyPem: previous.privateKeyPem });
    const { token } = await before.issue(ALICE);
    const after = createJwtStrategy({
      ...options,
      privateKeyPem: pair.privateKeyPem,
      publicKeyPem: `${pair.publicKeyPem}\n${previous.publicKeyPem}`,
    });
    expect(after.jwks()?.keys.map((key) => key.kid)).toEqual([
      jwkThumbprint(createPublicKey(pair.publicKeyPem)),
      jwkThumbprint(createPublicKey(previous.publicKeyPem)),
    ]);
    await expect(after.verify(token)).resolves.toMatchObject({ userId: ALICE.id });
  });
});

describe('HS256 publishes no JWKS', () => {
  it('returns null', () => {
    expect(hsStrategy(new TestClock()).jwks()).toBeNull();
  });
});
