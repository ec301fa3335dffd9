import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, authenticateRequest, type LoginUser, ProblemError } from '@authbench/auth-core';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SessionStrategy } from '../../src/index.js';

export const USERS: ReadonlyMap<string, LoginUser> = new Map([
  ['alice', { id: 'u-alice', username: 'alice', tokenVersion: 0 }],
  ['bob', { id: 'u-bob', username: 'bob', tokenVersion: 0 }],
]);

function usernameOf(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const username = (body as Record<string, unknown>).username;
    if (typeof username === 'string') return username;
  }
  return '';
}

/**
 * The smallest app that uses the strategy the way the Nest app does: login calls `issue`
 * with a fixed user (passwords are not this package's concern), protected routes call
 * `authenticate`, logout `revoke`, logout-all `revokeAll`; problems become their status.
 */
export function createTestApp(strategy: SessionStrategy): express.Express {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(express.json());

  app.post('/login', async (request, response) => {
    const user = USERS.get(usernameOf(request.body));
    if (user === undefined) throw new AuthError('invalid_credentials');
    response.json(await strategy.issue(user, { request, response }));
  });
  const protectedRoute = async (request: Request, response: Response): Promise<void> => {
    const principal = await authenticateRequest(strategy, request);
    response.json({
      message: 'ok',
      strategy: principal.strategy,
      user: { id: principal.userId, username: principal.username },
    });
  };
  app.get('/protected', protectedRoute);
  app.post('/protected', protectedRoute);
  app.post('/logout', async (request, response) => {
    const exchange = { request, response };
    await strategy.revoke(await authenticateRequest(strategy, request), exchange);
    response.status(204).end();
  });
  // Logout and login again in one request: the strategy must not run express-session twice.
  app.post('/switch-user', async (request, response) => {
    const exchange = { request, response };
    await strategy.revoke(await authenticateRequest(strategy, request), exchange);
    const user = USERS.get(usernameOf(request.body));
    if (user === undefined) throw new AuthError('invalid_credentials');
    response.json(await strategy.issue(user, exchange));
  });
  app.post('/logout-all', async (request, response) => {
    const principal = await authenticateRequest(strategy, request);
    await strategy.revokeAll(principal.userId);
    response.status(204).end();
  });
  app.get('/session', async (request, response) => {
    const credential = strategy.credentialOf(request);
    if (credential === undefined) throw new AuthError('missing_credential');
    response.json(await strategy.inspect(credential));
  });
  app.get('/health', async (_request, response) => {
    response.json(await strategy.storeHealth());
  });

  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof ProblemError) {
      response
        .status(error.status)
        .set(error.headers)
        .type('application/problem+json')
        .json({ ...error.toProblem(), ...(error instanceof AuthError ? { code: error.code } : {}) });
      return;
    }
    response.status(500).json({ title: 'Internal Server Error', detail: String(error) });
  });
  return app;
}

export interface RunningApp {
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

export async function listen(app: express.Express): Promise<RunningApp> {
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    origin: url,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
