import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, authenticateRequest, ProblemError } from '@authbench/auth-core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ALICE, type Fixture, setup } from './support/setup.js';

/**
 * A tiny express app around the strategy, the way the API mounts it (login without a
 * password: the strategy only mints for an already verified user). Errors render as the
 * app's problem filter does, plus the refusal code for the assertions.
 */
function appFor(fixture: Fixture) {
  const { strategy } = fixture;
  const app = express();
  app.post('/token/login', async (request, response) => {
    // As the app's login does: the user as just read (current token version), then issue.
    const user = await fixture.users.findById(ALICE);
    if (user === null) throw new AuthError('unknown_user');
    response.json(await strategy.issue(user, { request, response }));
  });
  app.get('/token/protected', async (request, response) => {
    const principal = await authenticateRequest(strategy, request);
    response.json({ message: 'ok', strategy: principal.strategy, user: { id: principal.userId } });
  });
  app.post('/token/logout', async (request, response) => {
    await strategy.revoke(await authenticateRequest(strategy, request), { request, response });
    response.status(204).end();
  });
  app.post('/token/logout-all', async (request, response) => {
    await strategy.revokeAll((await authenticateRequest(strategy, request)).userId);
    response.status(204).end();
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (!(error instanceof ProblemError)) {
      response.status(500).json({ status: 500 });
      return;
    }
    response
      .status(error.status)
      .set(error.headers)
      .type('application/problem+json')
      .send({ ...error.toProblem(), code: error instanceof AuthError ? error.code : undefined });
  });
  return app;
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown> | null;
}

/** node:http so that tests can send raw or repeated headers. */
function send(port: number, method: string, path: string, authorization?: string | string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        text += chunk;
      });
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: text.length === 0 ? null : (JSON.parse(text) as Record<string, unknown>),
        }),
      );
    });
    outgoing.on('error', reject);
    if (authorization !== undefined) outgoing.setHeader('Authorization', authorization);
    outgoing.end();
  });
}

describe('over HTTP (express 5)', () => {
  const fixture = setup({ now: Date.now });
  let server: ReturnType<ReturnType<typeof appFor>['listen']>;
  let port = 0;

  beforeAll(async () => {
    server = appFor(fixture).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function login(): Promise<string> {
    const reply = await send(port, 'POST', '/token/login');
    expect(reply.status).toBe(200);
    return String(reply.body?.token);
  }

  it('logs in with the contract body and an uncacheable response', async () => {
    const reply = await send(port, 'POST', '/token/login');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ token: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('serves the protected route to the bearer, in any case of the scheme', async () => {
    const token = await login();
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const reply = await send(port, 'GET', '/token/protected', `${scheme} ${token}`);
      expect({ status: reply.status, body: reply.body }).toEqual({
        status: 200,
        body: { message: 'ok', strategy: 'token', user: { id: ALICE } },
      });
    }
  });

  it.each<[string, (token: string) => string | string[] | undefined, string]>([
    ['no credential', () => undefined, 'missing_credential'],
    // RFC 6750 §3.1: another scheme is no bearer credential, answered without an error code.
    ['another scheme', (token) => `Basic ${token}`, 'missing_credential'],
    ['a tab after the scheme', (token) => `Bearer\t${token}`, 'malformed_credential'],
    ['an extra part', (token) => `Bearer ${token} extra`, 'malformed_credential'],
    ['two Authorization headers', (token) => [`Bearer ${token}`, 'Bearer other'], 'malformed_credential'],
    ['a header over 8 KiB', () => `Bearer ${'a'.repeat(9000)}`, 'malformed_credential'],
    [
      'a tampered token',
      (token) => `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      'invalid_signature',
    ],
  ])('answers 401 for %s', async (_label, header, code) => {
    const token = await login();
    const reply = await send(port, 'GET', '/token/protected', header(token));
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: 401, code });
  });

  it('never reads the credential from the query string', async () => {
    const token = await login();
    const reply = await send(port, 'GET', `/token/protected?access_token=${token}`);
    expect({ status: reply.status, code: reply.body?.code }).toEqual({
      status: 401,
      code: 'missing_credential',
    });
  });

  it('logout ends that token only; logout-all ends every token', async () => {
    const ended = await login();
    const kept = await login();
    expect((await send(port, 'POST', '/token/logout', `Bearer ${ended}`)).status).toBe(204);
    const afterLogout = await send(port, 'GET', '/token/protected', `Bearer ${ended}`);
    expect({ status: afterLogout.status, code: afterLogout.body?.code }).toEqual({
      status: 401,
      code: 'revoked',
    });
    expect((await send(port, 'GET', '/token/protected', `Bearer ${kept}`)).status).toBe(200);

    const other = await login();
    expect((await send(port, 'POST', '/token/logout-all', `Bearer ${kept}`)).status).toBe(204);
    for (const token of [kept, other]) {
      const reply = await send(port, 'GET', '/token/protected', `Bearer ${token}`);
      expect({ status: reply.status, code: reply.body?.code }).toEqual({ status: 401, code: 'revoked' });
    }
    expect((await send(port, 'GET', '/token/protected', `Bearer ${await login()}`)).status).toBe(200);
  });

  it('answers 503 with Retry-After when the user store is down', async () => {
    const token = await login();
    fixture.users.down = true;
    try {
      const reply = await send(port, 'GET', '/token/protected', `Bearer ${token}`);
      expect({ status: reply.status, retryAfter: reply.headers['retry-after'] }).toEqual({
        status: 503,
        retryAfter: '1',
      });
    } finally {
      fixture.users.down = false;
    }
  });
});
