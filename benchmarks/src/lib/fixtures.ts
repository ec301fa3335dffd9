import { randomBytes } from 'node:crypto';

/**
 * The inputs every contender of one run gets: one user, one password, one secret per
 * strategy (the API processes and the in-process strategies share them).
 */
export interface Fixtures {
  readonly runId: string;
  readonly username: string;
  readonly password: string;
  readonly secrets: { readonly session: string; readonly token: string; readonly jwt: string };
  /** iss/aud, as the API's defaults. */
  readonly issuer: string;
  readonly audience: string;
  /** A user id shaped like the API's (a UUID). */
  readonly userId: string;
}

export function createFixtures(): Fixtures {
  const runId = randomBytes(4).toString('hex');
  return {
    runId,
    username: `bench_${runId}`,
    password: 'benchmark password, not a secret',
    secrets: {
      session: randomBytes(32).toString('base64url'),
      token: randomBytes(32).toString('base64url'),
      jwt: randomBytes(32).toString('base64url'),
    },
    issuer: 'authbench',
    audience: 'authbench',
    userId: '6dc4ba45-d88f-40d7-90f5-f7dddbb617f9',
  };
}

/**
 * The environment every API the benchmarks run gets, in a process or in process: production
 * rules, plain HTTP on loopback (so the session cookie cannot be Secure), silent logs, the
 * embedded user store unless a case sets DATABASE_URL, and the fixtures' secrets.
 */
export function apiEnvironment(fixtures: Fixtures): Readonly<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    DATA_DIR: ':memory:',
    SESSION_SECRET: fixtures.secrets.session,
    TOKEN_SECRET: fixtures.secrets.token,
    JWT_SECRET: fixtures.secrets.jwt,
  };
}
