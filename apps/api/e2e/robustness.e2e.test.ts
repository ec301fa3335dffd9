// "Never a 500 for anything a client sends" (CONTRACT §2), as a property over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startTestApp, type TestApp } from './support/test-app.js';

const paths = fc.constantFrom(
  '/register',
  '/strategies',
  '/health',
  '/login',
  '/protected',
  '/logout',
  '/jwt/refresh',
  '/.well-known/jwks.json',
  ...['session', 'token', 'jwt', 'nope'].flatMap((name) => [
    `/${name}/login`,
    `/${name}/protected`,
    `/${name}/logout`,
    `/${name}/logout-all`,
  ]),
);

const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.constantFrom('{"username":', '{"username":"x","password":null}', '[]', 'null', '{"refreshToken":{}}'),
  fc
    .record({ username: fc.anything(), password: fc.anything() })
    .map((value) => JSON.stringify(value) ?? '{}'),
);

const credentialish = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{0,200}$/),
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Basic Zm9vOmJhcg==',
    'Bearer a.b.c',
    'Bearer .e30.x',
    'bearer  two  spaces',
  ),
);

/** CONTRACT §1 `HTTP_PLATFORM`: never a 500 on either platform. */
describe.each(['express', 'fastify'] as const)('on %s', (platform) => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ HTTP_PLATFORM: platform, AUTH_DEFAULT: 'token' });
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  describe('no client input produces a 500', () => {
    it('random methods, paths, bodies, content types, Authorization and Cookie headers', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          paths,
          jsonish,
          fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', ''),
          credentialish,
          credentialish,
          async (method, path, body, contentType, authorization, cookie) => {
            const headers: Record<string, string> = {};
            if (contentType !== '') headers['content-type'] = contentType;
            // fetch refuses header values it cannot encode; those never reach a server anyway.
            if (/^[\x20-\x7e]*$/.test(authorization)) headers.authorization = authorization;
            if (/^[\x20-\x7e]*$/.test(cookie)) headers.cookie = `sid=${cookie}`;
            const response = await fetch(`${testApp.baseUrl}${path}`, {
              method,
              headers,
              ...(method === 'GET' ? {} : { body }),
            });
            await response.arrayBuffer();
            expect(response.status).toBeLessThan(500);
          },
        ),
        { numRuns: 300 },
      );
    }, 120_000);
  });
});
