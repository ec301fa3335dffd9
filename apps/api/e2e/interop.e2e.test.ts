// Outside clients of CONTRACT §3: a Python client with itsdangerous or PyJWT mints credentials
// the API accepts, and reads the API's, over real HTTP.

import { randomBytes } from 'node:crypto';
import { requireProgramOrSkip } from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, headersFor, uniqueUsername } from './support/client.js';
import { pythonHas, runPython } from './support/python.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const OLD_SECRET = 'an-old-token-secret-that-is-32-bytes-long';
const NEW_SECRET = 'the-new-token-secret-that-is-32-bytes-long';
const JWT_SECRET = 'a-jwt-secret-of-at-least-thirty-two-bytes!';
const PASSWORD = 'correct horse battery';

const ITSDANGEROUS_DUMPS = `
import json, sys
from itsdangerous import URLSafeTimedSerializer
a = json.load(sys.stdin)
s = URLSafeTimedSerializer(a["secrets"], salt=a["salt"], signer_kwargs={"digest_method": __import__("hashlib").__dict__[a["digest"]]})
print(json.dumps({"token": s.dumps(a["payload"])}))
`;

const ITSDANGEROUS_LOADS = `
import json, sys
from itsdangerous import URLSafeTimedSerializer, BadData
a = json.load(sys.stdin)
s = URLSafeTimedSerializer(a["secrets"], salt=a["salt"], signer_kwargs={"digest_method": __import__("hashlib").__dict__[a["digest"]]})
try:
    print(json.dumps({"ok": True, "payload": s.loads(a["token"], max_age=a["max_age"])}))
except BadData as e:
    print(json.dumps({"ok": False, "error": type(e).__name__}))
`;

const PYJWT_ENCODE = `
import json, sys, time, uuid, jwt
a = json.load(sys.stdin)
now = int(time.time())
claims = {"sub": a["sub"], "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex, "iss": a["iss"], "aud": a["aud"]}
print(json.dumps({"token": jwt.encode(claims, a["secret"], algorithm="HS256", headers={"kid": a["kid"], "typ": "JWT"})}))
`;

const PYJWT_DECODE = `
import json, sys, jwt
a = json.load(sys.stdin)
claims = jwt.decode(a["token"], a["secret"], algorithms=["HS256"], issuer=a["iss"], audience=a["aud"],
                    options={"require": ["sub", "iat", "exp", "jti", "iss", "aud"]})
print(json.dumps({"claims": claims, "header": jwt.get_unverified_header(a["token"])}))
`;

const hasItsdangerous = requireProgramOrSkip(
  pythonHas('itsdangerous'),
  '/usr/bin/python3 with itsdangerous',
  'apt-get install python3-itsdangerous',
);
const hasPyJwt = requireProgramOrSkip(
  pythonHas('jwt'),
  '/usr/bin/python3 with PyJWT',
  'apt-get install python3-jwt',
);

(hasItsdangerous ? describe : describe.skip)('signed token ⇄ Python itsdangerous over HTTP', () => {
  let testApp: TestApp;
  let api: ApiClient;
  let user: { id: string; username: string };
  const serializer = { salt: 'authbench.token', digest: 'sha1' };

  beforeAll(async () => {
    testApp = await startTestApp({ AUTH_STRATEGIES: 'token', TOKEN_SECRET: `${OLD_SECRET},${NEW_SECRET}` });
    api = new ApiClient(testApp.baseUrl);
    user = await api.register(uniqueUsername('py'), PASSWORD);
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  const mint = (secrets: string[], payload: unknown, overrides: Partial<typeof serializer> = {}): string =>
    runPython<{ token: string }>(ITSDANGEROUS_DUMPS, { secrets, payload, ...serializer, ...overrides }).token;
  const claims = () => ({ sub: user.id, ver: 0, jti: randomBytes(16).toString('base64url') });

  it('a token Python mints with the newest secret is accepted', async () => {
    const token = mint([NEW_SECRET], claims());
    const response = await api.get('/token/protected', headersFor({ kind: 'bearer', value: token }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: { id: user.id, username: user.username } });
  });

  it('a token signed with the old secret is accepted while both are configured', async () => {
    const token = mint([OLD_SECRET], claims());
    expect((await api.get('/token/protected', headersFor({ kind: 'bearer', value: token }))).status).toBe(
      200,
    );
  });

  it.each([
    ['another salt', { salt: 'another.salt' }, [NEW_SECRET]],
    ['another digest', { digest: 'sha256' }, [NEW_SECRET]],
    ['a secret that was rotated out', {}, ['a-rotated-out-secret-of-32-bytes-or-more']],
  ])('a token with %s is 401', async (_name, overrides, secrets) => {
    const token = mint(secrets, claims(), overrides);
    expect((await api.get('/token/protected', headersFor({ kind: 'bearer', value: token }))).status).toBe(
      401,
    );
  });

  it('a token the API issues loads in Python with the same secret, salt and digest', async () => {
    const { body } = await api.login('/token', user.username, PASSWORD);
    const loaded = runPython<{ ok: boolean; payload: Record<string, unknown> }>(ITSDANGEROUS_LOADS, {
      ...serializer,
      secrets: [OLD_SECRET, NEW_SECRET],
      token: body.token,
      max_age: 3600,
    });
    expect(loaded).toEqual({ ok: true, payload: { sub: user.id, ver: 0, jti: expect.any(String) } });
  });
});

(hasPyJwt ? describe : describe.skip)('JWT ⇄ PyJWT over HTTP', () => {
  let testApp: TestApp;
  let api: ApiClient;
  let user: { id: string; username: string };
  let kid: string;

  beforeAll(async () => {
    testApp = await startTestApp({ AUTH_STRATEGIES: 'jwt', JWT_SECRET });
    api = new ApiClient(testApp.baseUrl);
    user = await api.register(uniqueUsername('pyjwt'), PASSWORD);
    const { body } = await api.login('/jwt', user.username, PASSWORD);
    const header = JSON.parse(
      Buffer.from(String(body.token).split('.')[0] ?? '', 'base64url').toString('utf8'),
    ) as {
      kid: string;
    };
    kid = header.kid;
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  it('a contract-conformant HS256 token minted by PyJWT is accepted', async () => {
    const { token } = runPython<{ token: string }>(PYJWT_ENCODE, {
      sub: user.id,
      iss: 'authbench',
      aud: 'authbench',
      secret: JWT_SECRET,
      kid,
    });
    const response = await api.get('/jwt/protected', headersFor({ kind: 'bearer', value: token }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      strategy: 'jwt',
      user: { id: user.id, username: user.username },
    });
  });

  it('a PyJWT token for another audience is 401', async () => {
    const { token } = runPython<{ token: string }>(PYJWT_ENCODE, {
      sub: user.id,
      iss: 'authbench',
      aud: 'someone-else',
      secret: JWT_SECRET,
      kid,
    });
    expect((await api.get('/jwt/protected', headersFor({ kind: 'bearer', value: token }))).status).toBe(401);
  });

  it("the API's token verifies in PyJWT with the same secret, issuer and audience", async () => {
    const { body } = await api.login('/jwt', user.username, PASSWORD);
    const decoded = runPython<{ claims: Record<string, unknown>; header: Record<string, unknown> }>(
      PYJWT_DECODE,
      {
        token: body.token,
        secret: JWT_SECRET,
        iss: 'authbench',
        aud: 'authbench',
      },
    );
    expect(decoded.header).toMatchObject({ alg: 'HS256', typ: 'JWT', kid });
    expect(decoded.claims).toMatchObject({
      sub: user.id,
      iss: 'authbench',
      aud: 'authbench',
      jti: expect.any(String),
    });
  });
});
