import { spawnSync } from 'node:child_process';
import type { User, UserLookup } from '@authbench/auth-accounts';
import { authenticateRequest } from '@authbench/auth-core';
import { findProgram, requireProgramOrSkip } from '@authbench/test-support';
import { describe, expect, it } from '@jest/globals';
import { createJwtStrategy, generateDevKeyPair, type JwtAlgorithm } from '../src/index.js';
import { ALICE, AUDIENCE, exchange, expectRefusal, hsStrategy, ISSUER, SECRET } from './support.js';

/**
 * PyJWT 2.x on the system Python (python3-jwt): the contract promises that a Python client
 * holding the secret can mint tokens the API accepts, and read the API's tokens.
 */
const PYTHON = '/usr/bin/python3';

function pyjwtAvailable(): boolean {
  if (findProgram(PYTHON) === null) return false;
  return spawnSync(PYTHON, ['-c', 'import jwt, cryptography'], { encoding: 'utf8' }).status === 0;
}

const SCRIPT = `
import base64, hashlib, json, sys, time, uuid
import jwt

request = json.load(sys.stdin)
op = request["op"]
if op == "mint":
    secret = request["secret"]
    # The kid scheme from the README: base64url(SHA-256(secret))[:16].
    kid = base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).rstrip(b"=").decode()[:16]
    now = int(time.time())
    claims = {"sub": request["sub"], "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()),
              "iss": request["iss"], "aud": request["aud"]}
    claims.update(request.get("extra", {}))
    key = None if request.get("alg") == "none" else secret
    token = jwt.encode(claims, key, algorithm=request.get("alg", "HS256"), headers={"kid": kid})
    print(json.dumps({"token": token}))
elif op == "verify":
    try:
        claims = jwt.decode(request["token"], request["key"], algorithms=[request["alg"]],
                            issuer=request["iss"], audience=request["aud"],
                            options={"require": ["sub", "iat", "exp", "jti", "iss", "aud"]})
        print(json.dumps({"ok": True, "claims": claims, "header": jwt.get_unverified_header(request["token"])}))
    except jwt.PyJWTError as error:
        print(json.dumps({"ok": False, "error": type(error).__name__}))
`;

function python(request: Record<string, unknown>): Record<string, unknown> {
  const result = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(request), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

const users: UserLookup = {
  async findById(id: string): Promise<User | null> {
    return id === ALICE.id
      ? { ...ALICE, passwordHash: '', tokenVersion: 0, createdAt: new Date(0), revokedBefore: null }
      : null;
  },
};

const hasPyjwt = requireProgramOrSkip(
  pyjwtAvailable(),
  'PyJWT on /usr/bin/python3',
  'apt-get install python3-jwt',
);

(hasPyjwt ? describe : describe.skip)('PyJWT interoperability', () => {
  // PyJWT reads the machine clock, so these strategies do too.
  const strategy = hsStrategy({ now: Date.now }, { users });

  it('accepts a contract-conformant HS256 token minted by PyJWT (through passport-jwt)', async () => {
    const { token } = python({ op: 'mint', secret: SECRET, sub: ALICE.id, iss: ISSUER, aud: AUDIENCE });
    await expect(authenticateRequest(strategy, exchange(`Bearer ${String(token)}`))).resolves.toMatchObject({
      userId: ALICE.id,
      username: ALICE.username,
      loginId: null,
    });
  });

  it('refuses PyJWT tokens with alg none or the wrong audience', async () => {
    const none = python({
      op: 'mint',
      alg: 'none',
      secret: SECRET,
      sub: ALICE.id,
      iss: ISSUER,
      aud: AUDIENCE,
    });
    await expectRefusal(strategy.verify(String(none.token)), 'malformed_credential', 'not_compact');
    const elsewhere = python({ op: 'mint', secret: SECRET, sub: ALICE.id, iss: ISSUER, aud: 'other' });
    await expectRefusal(strategy.verify(String(elsewhere.token)), 'invalid_claims', 'wrong_audience');
  });

  it('issues tokens PyJWT verifies with the same secret, issuer and audience', async () => {
    const login = await strategy.issue(ALICE);
    const verdict = python({
      op: 'verify',
      token: login.token,
      key: SECRET,
      alg: 'HS256',
      iss: ISSUER,
      aud: AUDIENCE,
    });
    expect(verdict).toMatchObject({
      ok: true,
      claims: { sub: ALICE.id, iss: ISSUER, aud: AUDIENCE, preferred_username: ALICE.username },
      header: { alg: 'HS256', typ: 'JWT' },
    });
    // A refresh token is not an access token for PyJWT either: its audience differs.
    const refresh = python({
      op: 'verify',
      token: login.refreshToken,
      key: SECRET,
      alg: 'HS256',
      iss: ISSUER,
      aud: AUDIENCE,
    });
    expect(refresh).toEqual({ ok: false, error: 'InvalidAudienceError' });
  });

  it.each(['RS256', 'PS256', 'ES256'] as const)(
    'issues %s tokens PyJWT verifies with the public key',
    async (algorithm: JwtAlgorithm) => {
      const pair = generateDevKeyPair(algorithm);
      const asymmetric = createJwtStrategy({
        algorithm,
        secrets: [],
        privateKeyPem: pair.privateKeyPem,
        issuer: ISSUER,
        audience: AUDIENCE,
        accessTtlSeconds: 1800,
        refreshTtlSeconds: 86_400,
        revocation: 'none',
        redis: null,
      });
      const { token } = await asymmetric.issue(ALICE);
      const verdict = python({
        op: 'verify',
        token,
        key: pair.publicKeyPem,
        alg: algorithm,
        iss: ISSUER,
        aud: AUDIENCE,
      });
      expect(verdict).toMatchObject({ ok: true, claims: { sub: ALICE.id } });
    },
  );
});
