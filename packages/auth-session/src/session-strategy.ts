import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AuthError,
  type AuthExchange,
  type AuthStrategy,
  type ExchangeRequest,
  type LoginResponseBody,
  type LoginUser,
  type Principal,
  ProblemError,
  type ServerStateSize,
  type StoreStatus,
  StoreUnavailableError,
  type StrategyTraits,
} from '@authbench/auth-core';
import session, { type Session, type SessionData } from 'express-session';
import { SessionLifetime } from './lib/lifetime.js';
import { type ResolvedSessionOptions, resolveOptions, type SessionStrategyOptions } from './lib/options.js';
import { assertSameOrigin, isSafeMethod, type OriginRequest } from './lib/same-origin.js';
import { SessionCookie } from './lib/session-cookie.js';
import { readRecord, type SessionRecord } from './lib/session-record.js';
import type { ManagedSessionStore } from './lib/stores/managed-store.js';
import { BoundedMemoryStore } from './lib/stores/memory-store.js';
import { RedisSessionStore } from './lib/stores/redis-store.js';

/** The server-side record of the current session, as the teaching page may show it. */
export interface SessionInspection {
  readonly strategy: 'session';
  readonly store: 'memory' | 'redis';
  readonly cookieName: string;
  /** SHA-256 of the session id, shortened: the id itself is the credential and is never shown. */
  readonly sessionIdFingerprint: string;
  readonly record: {
    readonly userId: string;
    readonly username: string;
    readonly loginAt: string;
    readonly lastSeenAt: string;
  };
  /** When the session ends if unused (ISO 8601; `lastSeenAt` + idle timeout, capped). */
  readonly idleExpiresAt: string;
  /** When the session ends however active (`loginAt` + absolute lifetime). */
  readonly absoluteExpiresAt: string;
}

/** express-session's middleware, on Node's request and response (express's, or fastify's `raw`). */
type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** The session cookie is `Secure`, but this login did not arrive over HTTPS (per express-session's rule). */
export class HttpsRequiredError extends ProblemError {
  override readonly name = 'HttpsRequiredError';

  constructor() {
    super(403, 'Forbidden', 'Log in over HTTPS: the session cookie is Secure.', {
      type: 'urn:authbench:problem:https-required',
    });
  }
}

/**
 * express-session's own test for sending a Secure cookie: a TLS socket, or (per its `proxy`
 * option, else the platform's `TRUST_PROXY` verdict, `request.secure`) `X-Forwarded-Proto: https`.
 * Without it, express-session silently withholds the cookie; the strategy refuses the login
 * instead of answering 200.
 */
function isSecureRequest(request: ExchangeRequest, trustProxy: boolean | undefined): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (trustProxy === false) return false;
  if (trustProxy === undefined) return request.secure;
  const header = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0];
  return first?.trim().toLowerCase() === 'https';
}

/** What express-session leaves on the request it ran on. */
interface SessionRequest {
  session?: Session & Partial<SessionData>;
  sessionID?: string;
}

function sessionOf(request: IncomingMessage): (Session & Partial<SessionData>) | undefined {
  return (request as SessionRequest).session;
}

/** express-session's callback style → a promise. */
function settle(run: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    run((error) => (error === undefined || error === null ? resolve() : reject(error)));
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** `issue` and `revoke` change state: a route that calls them on GET is a wiring bug (login/logout CSRF). */
function assertStateChangingMethod(request: IncomingMessage, operation: string): void {
  if (isSafeMethod(request.method ?? 'GET')) {
    throw new TypeError(`session ${operation} must be mounted on a POST route, not ${request.method}`);
  }
}

/**
 * Server-side sessions. express-session does what it is good at — issuing: `regenerate` (a
 * new id whatever cookie came in: no fixation), saving the record, writing the signed
 * cookie — and runs only on login (the app mounts nothing globally). Every authenticated
 * request takes one path, the one the benchmarks time:
 *
 * - `credentialOf`: same-origin check for non-safe methods (CSRF), the `sid` cookie's value.
 * - `verify`: one HMAC per secret at most (malformed or bad signature → 401 without a store
 *   look-up), one store read, the idle and absolute timeouts on the injected clock, and the
 *   idle refresh (`touch`, which writes only when due).
 * - `revoke`: destroys the record and clears the cookie with the same attributes.
 * - `revokeAll`: every id in the user's index.
 */
export class SessionStrategy implements AuthStrategy {
  readonly name = 'session';
  readonly transport = 'cookie' as const;
  readonly cookie: SessionCookie;
  private readonly middleware: NodeMiddleware;

  constructor(
    private readonly options: ResolvedSessionOptions,
    readonly lifetime: SessionLifetime,
    private readonly store: ManagedSessionStore,
  ) {
    this.cookie = new SessionCookie(options.cookieSecure, options.secretsNewestFirst);
    // express-session's types name express's handler; it only uses Node's request and response.
    this.middleware = session({
      name: this.cookie.name,
      secret: [...options.secretsNewestFirst],
      store,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      unset: 'keep',
      cookie: this.cookie.attributes,
      ...(options.trustProxy === undefined ? {} : { proxy: options.trustProxy }),
    }) as unknown as NodeMiddleware;
  }

  traits(): StrategyTraits {
    return {
      stateless: false,
      revocation: 'immediate',
      serverStatePerLogin: 'session record',
      lookupsPerRequest: 1,
    };
  }

  async issue(user: LoginUser, exchange: AuthExchange): Promise<LoginResponseBody> {
    const { request } = exchange;
    assertStateChangingMethod(request, 'login');
    this.assertSameOrigin(request);
    if (this.cookie.secure && !isSecureRequest(request, this.options.trustProxy)) {
      throw new HttpsRequiredError();
    }
    await this.ensureSession(exchange);
    const before = this.currentSession(request);
    const previous = readRecord(before);
    const previousId = (request as SessionRequest).sessionID;

    const now = this.options.now();
    const record: SessionRecord = { userId: user.id, username: user.username, loginAt: now, lastSeenAt: now };
    try {
      await settle((done) => before.regenerate(done));
      const fresh = this.currentSession(request);
      Object.assign(fresh, record);
      await settle((done) => fresh.save(done));
    } catch (error) {
      // express-session generates the new session even when destroying the old one failed:
      // drop it, so the error response carries no Set-Cookie and nothing is saved as it ends.
      Reflect.deleteProperty(request, 'session');
      throw error;
    }
    if (previous !== null && previousId !== undefined) await this.forgetQuietly(previous.userId, previousId);
    return { user: { id: user.id, username: user.username } };
  }

  /** The `sid` cookie's value, after the CSRF rule for state-changing methods. */
  credentialOf(request: OriginRequest): string | undefined {
    this.assertSameOrigin(request);
    const header = request.headers.cookie;
    return this.cookie.valueIn(Array.isArray(header) ? header.join('; ') : header);
  }

  async verify(credential: string): Promise<Principal> {
    const { sessionId, record } = await this.liveRecord(credential);
    return this.principalOf(sessionId, record);
  }

  async revoke(principal: Principal, exchange: AuthExchange): Promise<void> {
    const { request, response } = exchange;
    assertStateChangingMethod(request, 'logout');
    await settle((done) => this.store.destroy(principal.credentialId, done));
    await this.forgetQuietly(principal.userId, principal.credentialId);
    response.appendHeader('Set-Cookie', this.cookie.cleared());
  }

  async revokeAll(userId: string): Promise<void> {
    await this.store.revokeAll(userId);
  }

  storeHealth(): Promise<Readonly<Record<string, StoreStatus>>> {
    return this.store.health();
  }

  /** The live sessions the store holds: the server state this strategy costs. */
  async serverState(): Promise<ServerStateSize> {
    return { records: await this.store.count(), unit: 'session record' };
  }

  /** The server-side record behind a session cookie, for the teaching page (never the id itself). */
  async inspect(credential: string): Promise<SessionInspection> {
    const { sessionId, record } = await this.liveRecord(credential);
    return {
      strategy: 'session',
      store: this.store.kind,
      cookieName: this.cookie.name,
      sessionIdFingerprint: createHash('sha256').update(sessionId).digest('hex').slice(0, 16),
      record: {
        userId: record.userId,
        username: record.username,
        loginAt: new Date(record.loginAt).toISOString(),
        lastSeenAt: new Date(record.lastSeenAt).toISOString(),
      },
      idleExpiresAt: new Date(this.lifetime.expiresAt(record)).toISOString(),
      absoluteExpiresAt: new Date(this.lifetime.absoluteDeadline(record)).toISOString(),
    };
  }

  /** The CSRF rule of `credentialOf` and `issue`. */
  assertSameOrigin(request: OriginRequest): void {
    assertSameOrigin(request, this.options.allowedOrigins);
  }

  /**
   * The one verification: signature, one store read, timeouts, idle refresh. A record that can
   * no longer authenticate (expired, or not a login record) is deleted on the way.
   */
  private async liveRecord(credential: string): Promise<{ sessionId: string; record: SessionRecord }> {
    const sessionId = this.cookie.unsign(credential);
    const stored = await new Promise<SessionData | null | undefined>((resolve, reject) =>
      this.store.get(sessionId, (error, value) => (error ? reject(error) : resolve(value))),
    );
    if (stored === null || stored === undefined) throw new AuthError('revoked');
    const record = readRecord(stored);
    if (record === null) {
      await settle((done) => this.store.destroy(sessionId, done));
      throw new AuthError('malformed_credential');
    }
    if (this.lifetime.isExpired(record, this.options.now())) {
      await settle((done) => this.store.destroy(sessionId, done));
      await this.forgetQuietly(record.userId, sessionId);
      throw new AuthError('expired');
    }
    const touch = this.store.touch;
    if (touch !== undefined) await settle((done) => touch.call(this.store, sessionId, stored, done));
    return { sessionId, record };
  }

  private principalOf(sessionId: string, record: SessionRecord): Principal {
    return {
      userId: record.userId,
      username: record.username,
      strategy: this.name,
      credentialId: sessionId,
      issuedAt: new Date(record.loginAt),
      expiresAt: new Date(this.lifetime.absoluteDeadline(record)),
    };
  }

  /** Runs express-session for this login request: it loads (or starts) the session to regenerate. */
  private async ensureSession(exchange: AuthExchange): Promise<void> {
    const { request, response } = exchange;
    if (sessionOf(request) !== undefined) return;
    let settled = false;
    await new Promise<void>((resolve, reject) => {
      this.middleware(request, response, (error?: unknown) => {
        if (settled) {
          // A save that failed after the response was sent (deferred by express-session).
          if (error !== undefined && error !== null) this.options.onError(asError(error));
          return;
        }
        settled = true;
        if (error === undefined || error === null) resolve();
        else reject(error);
      });
    });
  }

  private currentSession(request: IncomingMessage): Session & Partial<SessionData> {
    const current = sessionOf(request);
    // express-session skips loading while its store reports itself disconnected.
    if (current === undefined) throw new StoreUnavailableError(this.store.storeName);
    return current;
  }

  /** Index clean-up is best effort: a stale id is harmless and pruned later. */
  private async forgetQuietly(userId: string, sessionId: string): Promise<void> {
    try {
      await this.store.forget(userId, sessionId);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.options.onError(error);
    }
  }
}

/** Builds the strategy and its store: Redis when a connection is given, else the bounded in-process store. */
export function createSessionStrategy(options: SessionStrategyOptions): SessionStrategy {
  const resolved = resolveOptions(options);
  const lifetime = new SessionLifetime(resolved.idleMs, resolved.absoluteMs, resolved.touchAfterMs);
  const store: ManagedSessionStore =
    resolved.redis === null
      ? new BoundedMemoryStore(lifetime, resolved.now, resolved.maxSessions, resolved.cookieSecure)
      : new RedisSessionStore(
          resolved.redis,
          lifetime,
          resolved.now,
          resolved.keyPrefix,
          resolved.cookieSecure,
        );
  return new SessionStrategy(resolved, lifetime, store);
}
