import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { type User } from '@authbench/auth-accounts';
import type { AuthExchange, LoginUser } from '@authbench/auth-core';
import {
  createJwtStrategy,
  generateDevKeyPair,
  type JwtAlgorithm,
  type JwtStrategy,
} from '@authbench/auth-jwt';
import { createSessionStrategy, type SessionStrategy } from '@authbench/auth-session';
import {
  createSignedTokenStrategy,
  DEFAULT_TOKEN_SALT,
  type SignedTokenStrategy,
  type SignedTokenUsers,
} from '@authbench/auth-signed-token';
import { MemoryRevocationList, type RedisConnection, RedisRevocationList } from '@authbench/auth-stores';
import type { Fixtures } from './fixtures.js';

/**
 * The strategies built in process exactly as the API builds them (same options and defaults,
 * CONTRACT §1), so verification can be measured without HTTP.
 */

export interface JwtBuild {
  readonly algorithm?: JwtAlgorithm;
  readonly revocation: 'denylist' | 'none';
  readonly redis: RedisConnection | null;
  readonly keys?: { readonly privateKeyPem: string; readonly publicKeyPem: string };
  readonly keyPrefix?: string;
}

export function buildJwt(fixtures: Fixtures, build: JwtBuild): JwtStrategy {
  const algorithm = build.algorithm ?? 'HS256';
  const symmetric = algorithm.startsWith('HS');
  const keys = symmetric ? undefined : (build.keys ?? generateDevKeyPair(algorithm));
  return createJwtStrategy({
    algorithm,
    secrets: symmetric ? [fixtures.secrets.jwt] : [],
    privateKeyPem: keys?.privateKeyPem,
    publicKeyPem: keys?.publicKeyPem,
    issuer: fixtures.issuer,
    audience: fixtures.audience,
    accessTtlSeconds: 1800,
    refreshTtlSeconds: 1_209_600,
    revocation: build.revocation,
    redis: build.redis,
    redisKeyPrefix: build.keyPrefix ?? `bench:${fixtures.runId}:jwt:`,
  });
}

/** Users in a Map: for server-state runs of 100 000 logins, where the user store is not the question. */
export class MapUsers implements SignedTokenUsers {
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

export interface TokenBuild {
  readonly users: SignedTokenUsers;
  readonly redis: RedisConnection | null;
  readonly digest?: 'sha1' | 'sha256' | 'sha512';
  readonly keyPrefix?: string;
}

export function buildToken(fixtures: Fixtures, build: TokenBuild): SignedTokenStrategy {
  return createSignedTokenStrategy({
    secrets: [fixtures.secrets.token],
    salt: DEFAULT_TOKEN_SALT,
    digest: build.digest ?? 'sha1',
    ttlSeconds: 3600,
    users: build.users,
    revocations:
      build.redis === null
        ? new MemoryRevocationList()
        : new RedisRevocationList(build.redis, build.keyPrefix ?? `bench:${fixtures.runId}:token:revoked:`),
  });
}

export interface SessionBuild {
  readonly redis: RedisConnection | null;
  readonly maxSessions?: number;
  readonly keyPrefix?: string;
}

export function buildSession(fixtures: Fixtures, build: SessionBuild): SessionStrategy {
  return createSessionStrategy({
    secrets: [fixtures.secrets.session],
    idleTtlSeconds: 1800,
    absoluteTtlSeconds: 43_200,
    cookieSecure: false,
    redis: build.redis,
    ...(build.maxSessions === undefined ? {} : { maxSessions: build.maxSessions }),
    keyPrefix: build.keyPrefix ?? `bench:${fixtures.runId}:session:`,
  });
}

/**
 * A session login without a server: express-session runs on a bare IncomingMessage and
 * ServerResponse (no socket I/O), and the cookie is read from the response headers.
 * Returns the `sid=…` pair a browser would send back.
 */
export async function issueSessionCookie(strategy: SessionStrategy, user: LoginUser): Promise<string> {
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.url = '/session/login';
  request.headers = { host: '127.0.0.1' };
  const response = new ServerResponse(request);
  const exchange = { request, response } as unknown as AuthExchange;
  await strategy.issue(user, exchange);
  response.writeHead(200);
  const setCookie = response.getHeader('set-cookie');
  const first = (Array.isArray(setCookie) ? (setCookie[0] ?? '') : String(setCookie ?? '')).split(';')[0];
  if (first === undefined || !first.startsWith('sid=')) throw new Error('session login set no sid cookie');
  return first;
}

/** Changes one character in the middle of the last dot-separated part: a tampered signature. */
export function tamperSignature(credential: string): string {
  const cut = credential.lastIndexOf('.');
  const position = cut + 1 + Math.floor((credential.length - cut - 1) / 2);
  const current = credential[position];
  const replacement = current === 'A' ? 'B' : 'A';
  return credential.slice(0, position) + replacement + credential.slice(position + 1);
}
