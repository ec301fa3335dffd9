import { createSecretKey, type KeyObject } from 'node:crypto';
import {
  AuthError,
  authenticateRequest,
  InvalidRequestError,
  IS_PUBLIC,
  ProblemError,
} from '@authbench/auth-core';
import { describe, expect, it, jest } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { NestFactory } from '@nestjs/core';
import jsonwebtoken from 'jsonwebtoken';
import passport from 'passport';
import {
  createJwtStrategy,
  createPassportJwtBaseline,
  generateDevKeyPair,
  JwtStrategy,
} from '../src/index.js';
import { hmacKeyId } from '../src/lib/keys.js';
import { JwtRejection } from '../src/lib/rejection.js';
import { JwksController } from '../src/nest/jwks.controller.js';
import { JwtAuthModule } from '../src/nest/jwt-auth.module.js';
import { JwtRefreshController } from '../src/nest/jwt-refresh.controller.js';
import { readRefreshToken } from '../src/nest/refresh-request.js';
import {
  ALICE,
  AUDIENCE,
  claimsAt,
  exchange,
  expectRefusal,
  forge,
  hmacSigner,
  hsStrategy,
  ISSUER,
  SECRET,
  TestClock,
  thrownBy,
} from './support.js';

describe('JwtAuthModule', () => {
  it('wires both controllers to the registered strategy instance', async () => {
    const strategy = hsStrategy(new TestClock());
    const context = await NestFactory.createApplicationContext(JwtAuthModule.register(strategy), {
      logger: false,
    });
    try {
      expect(context.get(JwtStrategy)).toBe(strategy);
      expect(context.get(JwtRefreshController)).toBeInstanceOf(JwtRefreshController);
      expect(context.get(JwksController)).toBeInstanceOf(JwksController);
    } finally {
      await context.close();
    }
  });

  it('declares public routes POST /jwt/refresh (200) and GET /.well-known/jwks.json', () => {
    const refresh = Object.getOwnPropertyDescriptor(JwtRefreshController.prototype, 'refresh')
      ?.value as object;
    const jwks = Object.getOwnPropertyDescriptor(JwksController.prototype, 'jwks')?.value as object;
    expect(Reflect.getMetadata(IS_PUBLIC, JwtRefreshController)).toBe(true);
    expect(Reflect.getMetadata(IS_PUBLIC, JwksController)).toBe(true);
    expect(Reflect.getMetadata(PATH_METADATA, JwtRefreshController)).toBe('jwt');
    expect(Reflect.getMetadata(PATH_METADATA, refresh)).toBe('refresh');
    expect(Reflect.getMetadata(METHOD_METADATA, refresh)).toBe(RequestMethod.POST);
    expect(Reflect.getMetadata(HTTP_CODE_METADATA, refresh)).toBe(200);
    expect(Reflect.getMetadata(PATH_METADATA, JwksController)).toBe('.well-known');
    expect(Reflect.getMetadata(PATH_METADATA, jwks)).toBe('jwks.json');
    expect(Reflect.getMetadata(METHOD_METADATA, jwks)).toBe(RequestMethod.GET);
  });
});

describe('JwtRefreshController', () => {
  it('rotates a valid refresh token', async () => {
    const strategy = hsStrategy(new TestClock());
    const login = await strategy.issue(ALICE);
    const body = await new JwtRefreshController(strategy).refresh({ refreshToken: login.refreshToken });
    expect(Object.keys(body).sort()).toEqual(['expiresIn', 'refreshToken', 'token', 'tokenType']);
    expect(body.tokenType).toBe('Bearer');
  });

  it.each([
    [undefined, 'is required'],
    [null, 'is required'],
    ['a string body', 'is required'],
    [[{ refreshToken: 'x' }], 'is required'],
    [{}, 'is required'],
    [{ refreshToken: 42 }, 'must be a string'],
    [{ refreshToken: null }, 'must be a string'],
  ])('answers 400 naming refreshToken for %j', (body, detail) => {
    const error = thrownBy(() => readRefreshToken(body));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, field: 'refreshToken', detail: `refreshToken: ${detail}` });
  });

  it('answers 401 for a refresh token that does not verify', async () => {
    const controller = new JwtRefreshController(hsStrategy(new TestClock()));
    await expectRefusal(
      controller.refresh({ refreshToken: 'not.a.token' }),
      'malformed_credential',
      'bad_base64url',
    );
  });
});

describe('JwksController', () => {
  it('answers a 404 problem for HS256', () => {
    const error = thrownBy(() => new JwksController(hsStrategy(new TestClock())).jwks());
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).not.toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ status: 404 });
  });

  it('lists the public key with its kid for ES256', () => {
    const pair = generateDevKeyPair('ES256');
    const strategy = createJwtStrategy({
      algorithm: 'ES256',
      secrets: [],
      privateKeyPem: pair.privateKeyPem,
      issuer: ISSUER,
      audience: AUDIENCE,
      accessTtlSeconds: 60,
      refreshTtlSeconds: 120,
      revocation: 'none',
      redis: null,
    });
    const { keys } = new JwksController(strategy).jwks();
    expect(keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      },
    ]);
  });
});

describe('the passport-jwt path', () => {
  it('hands jsonwebtoken the imported KeyObject and JWT_ALG only', async () => {
    const strategy = hsStrategy(new TestClock());
    const { token } = await strategy.issue(ALICE);
    const verify = jest.spyOn(jsonwebtoken, 'verify');
    try {
      await authenticateRequest(strategy, exchange(`Bearer ${token}`));
      expect(verify).toHaveBeenCalledTimes(1);
      const [seenToken, key, options] = verify.mock.calls[0] ?? [];
      expect(seenToken).toBe(token);
      expect((key as KeyObject).type).toBe('secret');
      expect(options).toMatchObject({ algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    } finally {
      verify.mockRestore();
    }
  });

  it("reports jsonwebtoken's own refusal as the cause of a bad signature", async () => {
    const strategy = hsStrategy(new TestClock());
    const clock = new TestClock();
    const forged = forge(
      { alg: 'HS256', typ: 'JWT', kid: hmacKeyId(SECRET) },
      claimsAt(clock),
      hmacSigner('x'.repeat(40)),
    );
    const refusal = await expectRefusal(
      authenticateRequest(strategy, exchange(`Bearer ${forged}`)),
      'invalid_signature',
      'bad_signature',
    );
    expect(refusal.cause).toBeInstanceOf(JwtRejection);
    expect((refusal.cause as JwtRejection).cause).toBeInstanceOf(jsonwebtoken.JsonWebTokenError);
  });

  it('answers a missing or foreign-scheme header as a missing credential (no RFC 6750 error code)', async () => {
    const strategy = hsStrategy(new TestClock());
    await expectRefusal(authenticateRequest(strategy, exchange()), 'missing_credential');
    await expectRefusal(authenticateRequest(strategy, exchange('Basic YWxpY2U6cHc=')), 'missing_credential');
    await expectRefusal(
      authenticateRequest(strategy, exchange('Bearer a.b')),
      'malformed_credential',
      'not_compact',
    );
  });

  it('settles verifications running at once each with its own outcome', async () => {
    const clock = new TestClock();
    const strategy = hsStrategy(clock);
    const bob = { id: 'user-bob', username: 'bob', tokenVersion: 0 } as const;
    const [alice, bobs] = await Promise.all([strategy.issue(ALICE), strategy.issue(bob)]);
    const forged = forge(
      { alg: 'HS256', typ: 'JWT', kid: hmacKeyId(SECRET) },
      claimsAt(clock),
      hmacSigner('x'.repeat(40)),
    );
    // Started together: each passport attempt settles its own promise, none another's.
    const outcomes = await Promise.allSettled(
      [alice.token, forged, bobs.token, alice.token].map((token) => strategy.verify(token)),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const users = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value.username : 'refused',
    );
    expect(users).toEqual(['alice', 'refused', 'bob', 'alice']);
  });

  it("registers nothing in passport's global instance", () => {
    hsStrategy(new TestClock());
    const global = passport as unknown as { _strategy(name: string): unknown };
    expect(global._strategy('jwt')).toBeUndefined();
  });

  it('keeps two strategies with different secrets apart', async () => {
    const clock = new TestClock();
    const first = hsStrategy(clock);
    const second = hsStrategy(clock, { secrets: ['another-secret-0123456789-abcdefghijkl'] });
    const { token } = await first.issue(ALICE);
    await expect(authenticateRequest(first, exchange(`Bearer ${token}`))).resolves.toMatchObject({
      userId: ALICE.id,
    });
    await expectRefusal(
      authenticateRequest(second, exchange(`Bearer ${token}`)),
      'invalid_signature',
      'unknown_kid',
    );
  });
});

describe('createPassportJwtBaseline (the benchmarks’ "common setup")', () => {
  it('verifies our tokens with a string secret and with a KeyObject', async () => {
    const strategy = hsStrategy({ now: Date.now });
    const { token } = await strategy.issue(ALICE);
    for (const secretOrKey of [SECRET, createSecretKey(Buffer.from(SECRET, 'utf8'))]) {
      const baseline = createPassportJwtBaseline({
        algorithm: 'HS256',
        secretOrKey,
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      await expect(baseline.verify(token)).resolves.toMatchObject({ sub: ALICE.id });
    }
  });

  it('accepts what the hardened strategy refuses (a jku header), which is why it is only a baseline', async () => {
    const clock = { now: Date.now };
    const strategy = hsStrategy(clock);
    const seconds = Math.floor(Date.now() / 1000);
    const token = forge(
      { alg: 'HS256', typ: 'JWT', kid: hmacKeyId(SECRET), jku: 'http://127.0.0.1:9/jwks.json' },
      {
        sub: ALICE.id,
        iat: seconds,
        exp: seconds + 60,
        jti: 'j',
        iss: ISSUER,
        aud: AUDIENCE,
        preferred_username: 'alice',
      },
      hmacSigner(SECRET),
    );
    const baseline = createPassportJwtBaseline({
      algorithm: 'HS256',
      secretOrKey: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(baseline.verify(token)).resolves.toMatchObject({ sub: ALICE.id });
    await expectRefusal(strategy.verify(token), 'malformed_credential', 'forbidden_header_parameter');
  });
});
