import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  type AppConfig,
  CATALOG,
  loadConfig,
  mountStrategies,
  type StrategyInfrastructure,
} from '@authbench/api';
import { type User } from '@authbench/auth-accounts';
import type {
  AuthExchange,
  AuthStrategy,
  CredentialRequest,
  Environment,
  LoginResponseBody,
  LoginUser,
} from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { apiEnvironment, type Fixtures } from './fixtures.js';

/**
 * The strategies built in process exactly as the API builds them: the app's own catalog and
 * configuration loader (`loadConfig`: every descriptor's `parseSettings` with the app's
 * `AppSettings`, so `sharedUserStore` is true exactly when `DATABASE_URL` is set), then the
 * app's `mountStrategies` (each descriptor's `create`) on `{ users, redis, now }`. The
 * environment is the one `startApi` gives the API processes, so an in-process figure and an
 * HTTP figure describe the same program (CONTRACT §1). Nothing here names a strategy.
 */

/** Every strategy this build can mount, in the app's order. */
export const CATALOG_NAMES: readonly string[] = CATALOG.map((descriptor) => descriptor.name);

export interface AppEnvironment {
  /** A PostgreSQL URL: the users then live there and the app turns its in-process user cache off. */
  readonly databaseUrl?: string;
  /** A Redis (or `redis+cluster://`) URL: the strategies' stores then live there. */
  readonly redisUrl?: string;
  /** Further variables, as an API config would set them (`JWT_REVOCATION: 'none'`, `JWT_ALG`…). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The app's configuration for this environment, as `startApi` would start it. */
export function appConfig(fixtures: Fixtures, environment: AppEnvironment = {}): AppConfig {
  const env: Environment = {
    ...apiEnvironment(fixtures),
    ...(environment.databaseUrl === undefined ? {} : { DATABASE_URL: environment.databaseUrl }),
    ...(environment.redisUrl === undefined ? {} : { REDIS_URL: environment.redisUrl }),
    ...environment.env,
  };
  return loadConfig(env);
}

/** The stores the strategies share: the `{ users, redis, now }` part of the app's infrastructure. */
export interface InProcessStores {
  readonly users: StrategyUsers;
  readonly redis: RedisConnection | null;
  readonly now?: () => number;
}

/**
 * Builds every strategy of `config` (its `AUTH_STRATEGIES`, in order) as the app mounts them.
 * The secrets are the configured ones (the fixtures'); a strategy warning (a generated key
 * pair, say) goes to `warn`.
 */
export async function buildStrategies(
  config: AppConfig,
  stores: InProcessStores,
  warn: (message: string) => void = () => undefined,
): Promise<Map<string, AuthStrategy>> {
  const secrets: Record<string, readonly string[]> = {};
  for (const [variable, list] of Object.entries(config.secrets)) {
    if (list === undefined) throw new Error(`${variable} is unset: the benchmark configures every secret`);
    secrets[variable] = list;
  }
  const infrastructure: StrategyInfrastructure = {
    users: stores.users,
    redis: stores.redis,
    now: stores.now ?? Date.now,
  };
  const mounted = await mountStrategies(config, secrets, infrastructure, warn);
  return new Map(mounted.map(({ strategy }) => [strategy.name, strategy]));
}

/** Builds one strategy of the catalog, as the app mounts it in this environment. */
export async function buildStrategy(
  fixtures: Fixtures,
  name: string,
  stores: InProcessStores,
  environment: AppEnvironment = {},
  warn?: (message: string) => void,
): Promise<AuthStrategy> {
  const config = appConfig(fixtures, {
    ...environment,
    env: { ...environment.env, AUTH_STRATEGIES: name },
  });
  const strategy = (await buildStrategies(config, stores, warn)).get(name);
  if (strategy === undefined) throw new Error(`the catalog has no strategy "${name}"`);
  return strategy;
}

type StrategyUsers = StrategyInfrastructure['users'];

/** Users in a Map: for server-state runs of 100 000 logins, where the user store is not the question. */
export class MapUsers implements StrategyUsers {
  private readonly users = new Map<string, User>();

  add(id: string, username: string): void {
    this.users.set(id, {
      id,
      username,
      passwordHash: 'not a hash: no password is checked here',
      tokenVersion: 0,
      createdAt: new Date(0),
      revokedBefore: null,
    });
  }

  async findById(id: string): Promise<User | null> {
    return this.users.get(id) ?? null;
  }

  async revokeAllCredentials(id: string, at: Date): Promise<User | null> {
    const user = this.users.get(id);
    if (user === undefined) return null;
    const next = { ...user, tokenVersion: user.tokenVersion + 1, revokedBefore: at };
    this.users.set(id, next);
    return next;
  }
}

/** A credential as a client holds it after logging in. */
export interface IssuedCredential {
  /** What `verify` takes: what the guard's `credentialOf` reads from the request. */
  readonly credential: string;
  /** The request header a client sends with it (`Cookie: …` or `Authorization: Bearer …`), CRLF-terminated. */
  readonly header: string;
  /** The login response body (a JWT's refresh token, say). */
  readonly body: LoginResponseBody;
}

/**
 * A login without a server: the strategy's `issue` runs on a bare IncomingMessage and
 * ServerResponse (no socket I/O); the credential is read back the way a client would send it
 * (the Set-Cookie pair, or the body's bearer token) and passed through the strategy's own
 * `credentialOf`, as the guard does.
 */
export async function issueCredential(strategy: AuthStrategy, user: LoginUser): Promise<IssuedCredential> {
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.url = `/${strategy.name}/login`;
  request.headers = { host: '127.0.0.1' };
  const response = new ServerResponse(request);
  const exchange = { request, response } as unknown as AuthExchange;
  const body = await strategy.issue(user, exchange);
  // express-session writes its cookie when the headers go out.
  response.writeHead(200);
  let sent: CredentialRequest;
  let header: string;
  if (strategy.transport === 'cookie') {
    const setCookie = response.getHeader('set-cookie');
    const pair =
      (Array.isArray(setCookie) ? (setCookie[0] ?? '') : String(setCookie ?? '')).split(';')[0] ?? '';
    if (!pair.includes('=')) throw new Error(`${strategy.name} login set no cookie`);
    sent = { method: 'GET', headers: { cookie: pair } };
    header = `Cookie: ${pair}\r\n`;
  } else {
    const token = body.token;
    if (typeof token !== 'string') throw new Error(`${strategy.name} login answered no bearer token`);
    sent = { method: 'GET', headers: { authorization: `Bearer ${token}` } };
    header = `Authorization: Bearer ${token}\r\n`;
  }
  const credential = strategy.credentialOf(sent);
  if (credential === undefined) throw new Error(`${strategy.name} found no credential in its own login`);
  return { credential, header, body };
}

/** Changes one character in the middle of the last dot-separated part: a tampered signature. */
export function tamperSignature(credential: string): string {
  const cut = credential.lastIndexOf('.');
  const position = cut + 1 + Math.floor((credential.length - cut - 1) / 2);
  const current = credential[position];
  const replacement = current === 'A' ? 'B' : 'A';
  return credential.slice(0, position) + replacement + credential.slice(position + 1);
}
