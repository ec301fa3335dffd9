import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AuthErrorCode, authenticateRequest, MAX_BEARER_LENGTH } from '@authbench/auth-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJwtStrategy, generateDevKeyPair, type JwtStrategy } from '../src/index.js';
import { hmacKeyId, jwkThumbprint } from '../src/lib/keys.js';
import { type JwtRejectionReason } from '../src/lib/rejection.js';
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
  OLD_SECRET,
  pssSigner,
  rsaSigner,
  SECRET,
  segmentsOf,
  TestClock,
} from './support.js';

/** Everything the cases need, built once the keys and the loopback listener exist. */
interface Context {
  readonly clock: TestClock;
  readonly kid: string;
  readonly valid: string;
  readonly refresh: string;
  readonly listenerUrl: string;
}

interface RsContext extends Context {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly attackerPrivate: KeyObject;
  readonly attackerPublic: KeyObject;
}

type Verify = (strategy: JwtStrategy, token: string) => Promise<unknown>;

const PATHS: ReadonlyArray<readonly [string, Verify]> = [
  [
    "the guard's path (credentialOf, then verify through passport-jwt)",
    (strategy, token) => authenticateRequest(strategy, exchange(`Bearer ${token}`)),
  ],
  ['verify alone (what the benchmarks time)', (strategy, token) => strategy.verify(token)],
];

type Case<C> = readonly [string, (context: C) => string, AuthErrorCode, JwtRejectionReason | undefined];

const header = (context: Context, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  alg: 'HS256',
  typ: 'JWT',
  kid: context.kid,
  ...extra,
});
const ours = hmacSigner(SECRET);

/** Flips the spare low bit of the last base64url character: same bytes, another spelling. */
function nonCanonical(signature: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(signature.slice(-1));
  return signature.slice(0, -1) + alphabet.charAt(last | 1);
}

const HS_CASES: ReadonlyArray<Case<Context>> = [
  [
    'alg "none", empty signature',
    (c) => forge(header(c, { alg: 'none' }), claimsAt(c.clock), null),
    'malformed_credential',
    'not_compact',
  ],
  [
    'alg "None", empty signature',
    (c) => forge(header(c, { alg: 'None' }), claimsAt(c.clock), null),
    'malformed_credential',
    'not_compact',
  ],
  [
    'alg "NONE", empty signature',
    (c) => forge(header(c, { alg: 'NONE' }), claimsAt(c.clock), null),
    'malformed_credential',
    'not_compact',
  ],
  [
    'alg "none" with a signature',
    (c) => forge(header(c, { alg: 'none' }), claimsAt(c.clock), ours),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'stripped signature',
    (c) => c.valid.slice(0, c.valid.lastIndexOf('.') + 1),
    'malformed_credential',
    'not_compact',
  ],
  [
    'signature segment removed',
    (c) => c.valid.slice(0, c.valid.lastIndexOf('.')),
    'malformed_credential',
    'not_compact',
  ],
  [
    'truncated signature',
    (c) => {
      const [h, p, s] = segmentsOf(c.valid);
      return `${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, -1).toString('base64url')}`;
    },
    'invalid_signature',
    'bad_signature_length',
  ],
  [
    'non-canonical signature encoding',
    (c) => {
      const [h, p, s] = segmentsOf(c.valid);
      return `${h}.${p}.${nonCanonical(s)}`;
    },
    'malformed_credential',
    'bad_base64url',
  ],
  [
    'HS384 with the right secret',
    (c) => forge(header(c, { alg: 'HS384' }), claimsAt(c.clock), hmacSigner(SECRET, 'sha384')),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'HS512 with the right secret',
    (c) => forge(header(c, { alg: 'HS512' }), claimsAt(c.clock), hmacSigner(SECRET, 'sha512')),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'RS256 claimed on an HS256 server',
    (c) => forge(header(c, { alg: 'RS256' }), claimsAt(c.clock), ours),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'lower-case alg "hs256"',
    (c) => forge(header(c, { alg: 'hs256' }), claimsAt(c.clock), ours),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'kid path traversal',
    (c) => forge(header(c, { kid: '../../../../etc/passwd' }), claimsAt(c.clock), ours),
    'invalid_signature',
    'unknown_kid',
  ],
  [
    'kid SQL injection',
    (c) => forge(header(c, { kid: "x' OR '1'='1' --" }), claimsAt(c.clock), ours),
    'invalid_signature',
    'unknown_kid',
  ],
  [
    'kid unknown',
    (c) => forge(header(c, { kid: 'not-a-configured-kid' }), claimsAt(c.clock), ours),
    'invalid_signature',
    'unknown_kid',
  ],
  [
    'kid of a retired secret',
    (c) => forge(header(c, { kid: hmacKeyId(OLD_SECRET) }), claimsAt(c.clock), hmacSigner(OLD_SECRET)),
    'invalid_signature',
    'unknown_kid',
  ],
  [
    'kid "__proto__"',
    (c) => forge(header(c, { kid: '__proto__' }), claimsAt(c.clock), ours),
    'invalid_signature',
    'unknown_kid',
  ],
  [
    'kid missing',
    (c) => forge({ alg: 'HS256', typ: 'JWT' }, claimsAt(c.clock), ours),
    'malformed_credential',
    'missing_kid',
  ],
  [
    'kid not a string',
    (c) => forge(header(c, { kid: 7 }), claimsAt(c.clock), ours),
    'malformed_credential',
    'missing_kid',
  ],
  [
    'right kid, wrong secret',
    (c) => forge(header(c), claimsAt(c.clock), hmacSigner(OLD_SECRET)),
    'invalid_signature',
    'bad_signature',
  ],
  [
    'jku at a loopback listener',
    (c) => forge(header(c, { jku: `${c.listenerUrl}/jwks.json` }), claimsAt(c.clock), ours),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'x5u at a loopback listener',
    (c) => forge(header(c, { x5u: `${c.listenerUrl}/cert.pem` }), claimsAt(c.clock), ours),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'embedded jwk (attacker secret)',
    (c) =>
      forge(header(c, { jwk: { kty: 'oct', k: 'YXR0YWNrZXI' } }), claimsAt(c.clock), hmacSigner('attacker')),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'x5c',
    (c) =>
      forge(header(c, { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }), claimsAt(c.clock), ours),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'crit',
    (c) => forge(header(c, { crit: ['exp'] }), claimsAt(c.clock), ours),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'typ missing',
    (c) => forge({ alg: 'HS256', kid: c.kid }, claimsAt(c.clock), ours),
    'invalid_claims',
    'wrong_token_type',
  ],
  [
    'typ "at+jwt"',
    (c) => forge(header(c, { typ: 'at+jwt' }), claimsAt(c.clock), ours),
    'invalid_claims',
    'wrong_token_type',
  ],
  ['refresh token as access token', (c) => c.refresh, 'invalid_claims', 'wrong_token_type'],
  [
    'expired',
    (c) =>
      forge(header(c), claimsAt(c.clock, { iat: c.clock.seconds - 600, exp: c.clock.seconds - 1 }), ours),
    'expired',
    'expired',
  ],
  [
    'expiring this very second',
    (c) => forge(header(c), claimsAt(c.clock, { iat: c.clock.seconds - 600, exp: c.clock.seconds }), ours),
    'expired',
    'expired',
  ],
  [
    'nbf in the future',
    (c) => forge(header(c), claimsAt(c.clock, { nbf: c.clock.seconds + 60 }), ours),
    'not_yet_valid',
    'not_before',
  ],
  [
    'iat in the future',
    (c) => forge(header(c), claimsAt(c.clock, { iat: c.clock.seconds + 60 }), ours),
    'not_yet_valid',
    'issued_in_future',
  ],
  [
    'exp missing',
    (c) => forge(header(c), claimsAt(c.clock, { exp: undefined }), ours),
    'invalid_claims',
    'missing_claim',
  ],
  [
    'exp a string',
    (c) => forge(header(c), claimsAt(c.clock, { exp: String(c.clock.seconds + 600) }), ours),
    'invalid_claims',
    'bad_claim',
  ],
  [
    'jti missing',
    (c) => forge(header(c), claimsAt(c.clock, { jti: undefined }), ours),
    'invalid_claims',
    'missing_claim',
  ],
  [
    'sub missing',
    (c) => forge(header(c), claimsAt(c.clock, { sub: undefined }), ours),
    'invalid_claims',
    'missing_claim',
  ],
  // jsonwebtoken checks iss and aud with the signature, before the claim rules.
  [
    'iss missing',
    (c) => forge(header(c), claimsAt(c.clock, { iss: undefined }), ours),
    'invalid_claims',
    'wrong_issuer',
  ],
  [
    'aud missing',
    (c) => forge(header(c), claimsAt(c.clock, { aud: undefined }), ours),
    'invalid_claims',
    'wrong_audience',
  ],
  [
    'wrong iss',
    (c) => forge(header(c), claimsAt(c.clock, { iss: 'evil' }), ours),
    'invalid_claims',
    'wrong_issuer',
  ],
  [
    'wrong aud',
    (c) => forge(header(c), claimsAt(c.clock, { aud: 'someone-else' }), ours),
    'invalid_claims',
    'wrong_audience',
  ],
  [
    'aud of several parties',
    (c) => forge(header(c), claimsAt(c.clock, { aud: [AUDIENCE, 'other'] }), ours),
    'invalid_claims',
    'wrong_audience',
  ],
  [
    'refresh audience on an access token',
    (c) => forge(header(c), claimsAt(c.clock, { aud: `${AUDIENCE}#refresh` }), ours),
    'invalid_claims',
    'wrong_audience',
  ],
  [
    'payload tampered',
    (c) => {
      const [h, p, s] = segmentsOf(c.valid);
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const tampered = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
      return `${h}.${tampered}.${s}`;
    },
    'invalid_signature',
    'bad_signature',
  ],
  [
    'header tampered (kid kept)',
    (c) => {
      const [, p, s] = segmentsOf(c.valid);
      const h = Buffer.from(JSON.stringify(header(c, { extra: 1 }))).toString('base64url');
      return `${h}.${p}.${s}`;
    },
    'invalid_signature',
    'bad_signature',
  ],
  [
    'token over 8 KiB',
    (c) => forge(header(c), claimsAt(c.clock, { pad: 'x'.repeat(8 * 1024) }), ours),
    'malformed_credential',
    'too_large',
  ],
  [
    'duplicate alg in header',
    (c) => forge(`{"alg":"HS256","typ":"JWT","kid":"${c.kid}","alg":"none"}`, claimsAt(c.clock), ours),
    'malformed_credential',
    'duplicate_header_member',
  ],
  [
    'duplicate kid in header, escaped',
    (c) => forge(`{"alg":"HS256","typ":"JWT","kid":"${c.kid}","\\u006bid":"x"}`, claimsAt(c.clock), ours),
    'malformed_credential',
    'duplicate_header_member',
  ],
  [
    'duplicate sub in payload',
    (c) => forge(header(c), `${JSON.stringify(claimsAt(c.clock)).slice(0, -1)},"sub":"admin"}`, ours),
    'malformed_credential',
    'duplicate_claim',
  ],
  [
    'header not JSON',
    (c) => forge('{"alg":"HS256",', claimsAt(c.clock), ours),
    'malformed_credential',
    'bad_header',
  ],
  [
    'header a JSON array',
    (c) => forge('["HS256"]', claimsAt(c.clock), ours),
    'malformed_credential',
    'bad_header',
  ],
  ['payload not JSON', (c) => forge(header(c), 'not json', ours), 'malformed_credential', 'bad_payload'],
  [
    'payload invalid UTF-8',
    (c) => {
      const [h] = segmentsOf(forge(header(c), '{}', ours));
      const p = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url');
      return `${h}.${p}.${ours(`${h}.${p}`).toString('base64url')}`;
    },
    'malformed_credential',
    'bad_payload',
  ],
  ['four segments', (c) => `${c.valid}.AAAA`, 'malformed_credential', 'not_compact'],
];

async function startListener(): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_request, response) => {
    hits += 1;
    response.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, hits: () => hits };
}

describe.each(PATHS)('HS256: every attack ⇒ 401, and the valid token still works (%s)', (path, verify) => {
  const clock = new TestClock();
  const strategy = hsStrategy(clock);
  let listener: Awaited<ReturnType<typeof startListener>>;
  let context: Context;

  beforeAll(async () => {
    listener = await startListener();
    const login = await strategy.issue(ALICE);
    context = {
      clock,
      kid: hmacKeyId(SECRET),
      valid: login.token,
      refresh: login.refreshToken,
      listenerUrl: listener.url,
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => listener.server.close(resolve));
  });

  it('accepts the valid token', async () => {
    await expect(verify(strategy, context.valid)).resolves.toMatchObject({
      userId: ALICE.id,
      username: ALICE.username,
    });
  });

  it.each(HS_CASES)('%s', async (_name, build, code, reason) => {
    const token = build(context);
    // Through the request, an oversized token is refused by the shared bearer parser before any
    // JWT code runs: the same 401 code, without a JWT-specific reason.
    const refusedByBearerParser = path.startsWith("the guard's path") && token.length > MAX_BEARER_LENGTH;
    await expectRefusal(verify(strategy, token), code, refusedByBearerParser ? undefined : reason);
    await expect(verify(strategy, context.valid)).resolves.toMatchObject({ userId: ALICE.id });
  });

  it('never contacted the jku/x5u listener', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listener.hits()).toBe(0);
  });
});

const RS_CASES: ReadonlyArray<Case<RsContext>> = [
  [
    'HS256 signed with the RS256 public key (PEM)',
    (c) =>
      forge(
        { alg: 'HS256', typ: 'JWT', kid: c.kid },
        claimsAt(c.clock),
        hmacSigner(c.publicKey.export({ type: 'spki', format: 'pem' })),
      ),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'HS256 signed with the RS256 public key (DER)',
    (c) =>
      forge(
        { alg: 'HS256', typ: 'JWT', kid: c.kid },
        claimsAt(c.clock),
        hmacSigner(c.publicKey.export({ type: 'spki', format: 'der' })),
      ),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'HS256 with the public key, PKCS#1 PEM',
    (c) =>
      forge(
        { alg: 'HS256', typ: 'JWT', kid: c.kid },
        claimsAt(c.clock),
        hmacSigner(c.publicKey.export({ type: 'pkcs1', format: 'pem' })),
      ),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'RS256 header over an HMAC-with-public-key signature',
    (c) =>
      forge(
        { alg: 'RS256', typ: 'JWT', kid: c.kid },
        claimsAt(c.clock),
        hmacSigner(c.publicKey.export({ type: 'spki', format: 'pem' })),
      ),
    'invalid_signature',
    'bad_signature_length',
  ],
  [
    'PS256 signed with our own private key',
    (c) => forge({ alg: 'PS256', typ: 'JWT', kid: c.kid }, claimsAt(c.clock), pssSigner(c.privateKey)),
    'invalid_signature',
    'algorithm_not_allowed',
  ],
  [
    'alg "none", empty signature',
    (c) => forge({ alg: 'none', typ: 'JWT', kid: c.kid }, claimsAt(c.clock), null),
    'malformed_credential',
    'not_compact',
  ],
  [
    'embedded jwk with the attacker key',
    (c) =>
      forge(
        {
          alg: 'RS256',
          typ: 'JWT',
          kid: jwkThumbprint(c.attackerPublic),
          jwk: c.attackerPublic.export({ format: 'jwk' }),
        },
        claimsAt(c.clock),
        rsaSigner(c.attackerPrivate),
      ),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'embedded jwk under our kid',
    (c) =>
      forge(
        { alg: 'RS256', typ: 'JWT', kid: c.kid, jwk: c.attackerPublic.export({ format: 'jwk' }) },
        claimsAt(c.clock),
        rsaSigner(c.attackerPrivate),
      ),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'jku at a loopback listener',
    (c) =>
      forge(
        { alg: 'RS256', typ: 'JWT', kid: jwkThumbprint(c.attackerPublic), jku: `${c.listenerUrl}/jwks.json` },
        claimsAt(c.clock),
        rsaSigner(c.attackerPrivate),
      ),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'x5u at a loopback listener',
    (c) =>
      forge(
        { alg: 'RS256', typ: 'JWT', kid: c.kid, x5u: `${c.listenerUrl}/cert.pem` },
        claimsAt(c.clock),
        rsaSigner(c.attackerPrivate),
      ),
    'malformed_credential',
    'forbidden_header_parameter',
  ],
  [
    'attacker key under our kid',
    (c) => forge({ alg: 'RS256', typ: 'JWT', kid: c.kid }, claimsAt(c.clock), rsaSigner(c.attackerPrivate)),
    'invalid_signature',
    'bad_signature',
  ],
  [
    'attacker key under its own kid',
    (c) =>
      forge(
        { alg: 'RS256', typ: 'JWT', kid: jwkThumbprint(c.attackerPublic) },
        claimsAt(c.clock),
        rsaSigner(c.attackerPrivate),
      ),
    'invalid_signature',
    'unknown_kid',
  ],
  [
    'payload tampered',
    (c) => {
      const [h, , s] = segmentsOf(c.valid);
      const p = Buffer.from(JSON.stringify(claimsAt(c.clock, { sub: 'admin' }))).toString('base64url');
      return `${h}.${p}.${s}`;
    },
    'invalid_signature',
    'bad_signature',
  ],
  ['refresh token as access token', (c) => c.refresh, 'invalid_claims', 'wrong_token_type'],
];

describe.each(PATHS)('RS256: key confusion and embedded keys ⇒ 401 (%s)', (_path, verify) => {
  const clock = new TestClock();
  const pair = generateDevKeyPair('RS256');
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const strategy = createJwtStrategy({
    algorithm: 'RS256',
    secrets: [],
    privateKeyPem: pair.privateKeyPem,
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTtlSeconds: 1800,
    refreshTtlSeconds: 86_400,
    revocation: 'denylist',
    redis: null,
    now: clock.now,
  });
  let listener: Awaited<ReturnType<typeof startListener>>;
  let context: RsContext;

  beforeAll(async () => {
    listener = await startListener();
    const login = await strategy.issue(ALICE);
    const publicKey = createPublicKey(pair.publicKeyPem);
    context = {
      clock,
      kid: jwkThumbprint(publicKey),
      valid: login.token,
      refresh: login.refreshToken,
      listenerUrl: listener.url,
      publicKey,
      privateKey: createPrivateKey(pair.privateKeyPem),
      attackerPrivate: attacker.privateKey,
      attackerPublic: attacker.publicKey,
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => listener.server.close(resolve));
  });

  it.each(RS_CASES)('%s', async (_name, build, code, reason) => {
    await expectRefusal(verify(strategy, build(context)), code, reason);
    await expect(verify(strategy, context.valid)).resolves.toMatchObject({ userId: ALICE.id });
  });

  it('never contacted the jku/x5u listener', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listener.hits()).toBe(0);
  });
});
