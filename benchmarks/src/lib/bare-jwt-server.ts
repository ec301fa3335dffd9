// The limit of the JWT route: a bare node:http server that verifies the same HS256 access token
// as the app (signature with a KeyObject and a constant-time compare, alg, exp, iss, aud) and
// answers the protected route's JSON shape. No framework, no store, no logging: what verifying
// a JWT over HTTP costs at least on this machine, in the same rounds as the app's routes.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';

const key = createSecretKey(Buffer.from(process.env.BARE_JWT_SECRET ?? '', 'utf8'));
const issuer = process.env.BARE_JWT_ISSUER;
const audience = process.env.BARE_JWT_AUDIENCE;

function answer(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
  });
  response.end(body);
}

function audienceMatches(claim: unknown): boolean {
  if (audience === undefined) return true;
  return Array.isArray(claim) ? claim.includes(audience) : claim === audience;
}

function verify(token: string): Record<string, unknown> | null {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) return null;
  const signature = Buffer.from(token.slice(second + 1), 'base64url');
  const expected = createHmac('sha256', key).update(token.slice(0, second)).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')) as {
      alg?: unknown;
    };
    if (header.alg !== 'HS256') return null;
    const payload = JSON.parse(
      Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp !== 'number' || payload.exp <= now) return null;
    if (issuer !== undefined && payload.iss !== issuer) return null;
    if (!audienceMatches(payload.aud)) return null;
    return payload;
  } catch {
    return null;
  }
}

const server = createServer((request, response) => {
  const authorization = request.headers.authorization ?? '';
  const payload = authorization.startsWith('Bearer ') ? verify(authorization.slice(7)) : null;
  if (payload === null) {
    answer(response, 401, { statusCode: 401, message: 'Unauthorized' });
    return;
  }
  const username = String(payload.username ?? payload.name ?? payload.sub ?? '');
  answer(response, 200, {
    message: `Hello, ${username}: this response needed a valid jwt credential.`,
    strategy: 'jwt',
    user: { id: payload.sub, username },
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`bare JWT server listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
