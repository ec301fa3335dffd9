import { AuthError, StrategyRegistry } from '@authbench/auth-core';
import type { AuthInfrastructure } from '../../src/auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config/config.js';
import { type AuthbenchApp, createApp } from '../../src/create-app.js';

/** A clock the test moves: `offsetMs` is added to the real time. */
export class TestClock {
  offsetMs = 0;
  readonly now = (): number => Date.now() + this.offsetMs;

  advanceSeconds(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

export interface TestApp {
  readonly app: AuthbenchApp;
  readonly baseUrl: string;
  readonly clock: TestClock;
  /** Deletes a user the way the app does: every strategy revokes, then the record goes. */
  deleteUser(userId: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real app on an ephemeral loopback port with the given environment. */
export async function startTestApp(env: Readonly<Record<string, string>> = {}): Promise<TestApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    // Any suite runs on fastify with `HTTP_PLATFORM=fastify npx jest …`; a test's own env wins.
    ...(process.env.HTTP_PLATFORM === undefined ? {} : { HTTP_PLATFORM: process.env.HTTP_PLATFORM }),
    ...env,
    PORT: '0',
  });
  const clock = new TestClock();
  const app = await createApp(config, { now: clock.now });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    clock,
    async deleteUser(userId: string) {
      const infrastructure = app.get<AuthInfrastructure>(AUTH_INFRASTRUCTURE);
      const deleted = await infrastructure.accounts.deleteUser(userId, app.get(StrategyRegistry).list());
      if (!deleted) throw new AuthError('unknown_user');
    },
    close: () => app.close(),
  };
}
