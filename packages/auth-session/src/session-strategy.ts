import { createHash } from 'node:crypto';
import {
  AuthError,
  type AuthExchange,
  type AuthStrategy,
  type LoginResponseBody,
  type Principal,
  ProblemError,
  type StoreStatus,
  StoreUnavailableError,
  type StrategyTraits,
  type UserView,
} from '@authbench/auth-core';
import type { Request, RequestHandler } from 'express';
import session, { type Session, type SessionData } from 'express-session';
import { SessionLifetime } from './lib/lifetime.js';
import { type ResolvedSessionOptions, resolveOptions, type SessionStrategyOptions } from './lib/options.js';
import { assertSameOrigin, isSafeMethod } from './lib/same-origin.js';
import { type IncomingSessionCookie, SessionCookie } from './lib/session-cookie.js';
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
 * option, else express's `trust proxy`) `X-Forwarded-Proto: https`. Without it, express-session
 * silently withholds the cookie; the strategy refuses the login instead of answering 200.
 */
function isSecureRequest(request: Request, trustProxy: boolean | undefined): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (trustProxy === false) return false;
  if (trustProxy === undefined) return request.secure;
  const header = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0];
  return first?.trim().toLowerCase() === 'https';
}

function sessionOf(request: Request): (Session & Partial<SessionData>) | undefined {
  return (request as { session?: Session & Partial<SessionData> }).session;
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

function refusal(cookie: Exclude<IncomingSessionCookie, { kind: 'signed' }>): AuthError {
  switch (cookie.kind) {
    case 'absent':
      return new AuthError('missing_credential');
    case 'malformed':
      return new AuthError('malformed_credential');
    case 'bad-signature':
      return new AuthError('invalid_signature');
  }
}

/** `issue` and `revoke` change state: a route that calls them on GET is a wiring bug (login/logout CSRF). */
function assertStateChangingMethod(request: Request, operation: string): void {
  if (isSafeMethod(request.method)) {
    throw new TypeError(`session ${operation} must be mounted on a POST route, not ${request.method}`);
  }
}

/**
 * Server-side sessions with express-session, run lazily inside the strategy (only the
 * requests that reach a session route touch it; the app mounts nothing globally).
 *
 * - `issue`: same-origin check (login CSRF), then `regenerate` (a new id whatever cookie
 *   came in: no fixation), then the record `{ userId, username, loginAt, lastSeenAt }`
 *   is saved before the response, so a store failure is a 503, not a cookie for nothing.
 * - `authenticate`: same-origin check for non-safe methods, cookie classified (missing,
 *   malformed, bad signature → 401 without a store look-up), one store read, the idle and
 *   absolute timeouts checked with the injected clock.
 * - `revoke`: destroys the record and clears the cookie with the same attributes.
 * - `revokeAll`: every id in the user's index.
 */
export class SessionStrategy implements AuthStrategy {
  readonly name = 'session';
  readonly transport = 'cookie' as const;
  readonly cookie: SessionCookie;
  private readonly middleware: RequestHandler;
  /** Requests express-session has already run on, and how that went. */
  private readonly prepared = new WeakMap<Request, 'ok' | 'failed'>();

  constructor(
    private readonly options: ResolvedSessionOptions,
    readonly lifetime: SessionLifetime,
    private readonly store: ManagedSessionStore,
  ) {
    this.cookie = new SessionCookie(options.cookieSecure, options.secretsNewestFirst);
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
    });
  }

  traits(): StrategyTraits {
    return {
      stateless: false,
      revocation: 'immediate',
      serverStatePerLogin: 'session record',
      lookupsPerRequest: 1,
      transport: 'cookie',
    };
  }

  async issue(user: UserView, exchange: AuthExchange): Promise<LoginResponseBody> {
    const { request } = exchange;
    assertStateChangingMethod(request, 'login');
    this.assertSameOrigin(request);
    if (this.cookie.secure && !isSecureRequest(request, this.options.trustProxy)) {
      throw new HttpsRequiredError();
    }
    await this.ensureSession(exchange);
    const before = this.currentSession(request);
    const previous = readRecord(before);
    const previousId = request.sessionID;

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
    if (previous !== null) await this.forgetQuietly(previous.userId, previousId);
    return { user: { id: user.id, username: user.username } };
  }

  async authenticate(exchange: AuthExchange): Promise<Principal> {
    const { request } = exchange;
    this.assertSameOrigin(request);
    const incoming = this.cookie.read(request.headers.cookie);
    if (incoming.kind !== 'signed') throw refusal(incoming);

    await this.ensureSession(exchange);
    // express-session starts a fresh, unsaved session when the store has no record.
    if (request.sessionID !== incoming.sessionId) throw new AuthError('revoked');
    const current = this.currentSession(request);
    const record = readRecord(current);
    if (record === null) {
      await this.discard(request, null);
      throw new AuthError('malformed_credential');
    }
    if (this.lifetime.isExpired(record, this.options.now())) {
      await this.discard(request, record);
      throw new AuthError('expired');
    }
    // The idle refresh, when due, is the store's `touch`, which express-session calls as the
    // response ends (see RedisSessionStore): no second round trip on the other requests.
    return this.principalOf(incoming.sessionId, record);
  }

  async revoke(principal: Principal, exchange: AuthExchange): Promise<void> {
    const { request, response } = exchange;
    assertStateChangingMethod(request, 'logout');
    const current = sessionOf(request);
    if (current !== undefined && request.sessionID === principal.credentialId) {
      // Through the session, so express-session neither touches nor saves it afterwards.
      await settle((done) => current.destroy(done));
    } else {
      await settle((done) => this.store.destroy(principal.credentialId, done));
    }
    await this.forgetQuietly(principal.userId, principal.credentialId);
    response.clearCookie(this.cookie.name, this.cookie.attributes);
  }

  async revokeAll(userId: string): Promise<void> {
    await this.store.revokeAll(userId);
  }

  storeHealth(): Promise<Readonly<Record<string, StoreStatus>>> {
    return this.store.health();
  }

  /**
   * Verification without HTTP (benchmarks): the same cookie checks, store read, timeouts and
   * idle refresh as `authenticate`, from a `Cookie` header value, without express-session's
   * request lifecycle and without the same-origin check (there is no request).
   */
  async verify(cookieHeader: string): Promise<Principal> {
    const incoming = this.cookie.read(cookieHeader);
    if (incoming.kind !== 'signed') throw refusal(incoming);
    const sid = incoming.sessionId;
    const stored = await new Promise<SessionData | null | undefined>((resolve, reject) =>
      this.store.get(sid, (error, value) => (error ? reject(error) : resolve(value))),
    );
    if (stored === null || stored === undefined) throw new AuthError('revoked');
    const record = readRecord(stored);
    if (record === null) throw new AuthError('malformed_credential');
    if (this.lifetime.isExpired(record, this.options.now())) throw new AuthError('expired');
    const touch = this.store.touch;
    if (touch !== undefined) {
      await settle((done) => touch.call(this.store, sid, stored, done));
    }
    return this.principalOf(sid, record);
  }

  /** The current session's server-side record, for the teaching page (never the id itself). */
  async inspect(exchange: AuthExchange): Promise<SessionInspection> {
    const principal = await this.authenticate(exchange);
    const record = readRecord(sessionOf(exchange.request));
    if (record === null) throw new AuthError('revoked');
    return {
      strategy: 'session',
      store: this.store.kind,
      cookieName: this.cookie.name,
      sessionIdFingerprint: createHash('sha256').update(principal.credentialId).digest('hex').slice(0, 16),
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

  /** Live sessions held by the store: the server state this strategy costs. */
  activeSessionCount(): Promise<number> {
    return this.store.count();
  }

  /** The CSRF rule of `authenticate` and `issue`, for a controller that wants it first. */
  assertSameOrigin(request: Request): void {
    assertSameOrigin(request, this.options.allowedOrigins);
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

  /**
   * Runs express-session for this request once: it wraps `res.end` each time it runs, so a
   * second run would wrap it twice. A request whose session was destroyed earlier (logout,
   * then login as someone else) gets a fresh, unsaved session from the store instead.
   */
  private async ensureSession(exchange: AuthExchange): Promise<void> {
    const { request, response } = exchange;
    if (sessionOf(request) !== undefined) return;
    const earlier = this.prepared.get(request);
    if (earlier === 'failed') throw new StoreUnavailableError(this.store.storeName);
    if (earlier === 'ok') {
      request.sessionStore.generate(request);
      return;
    }
    let settled = false;
    try {
      await new Promise<void>((resolve, reject) => {
        this.middleware(request, response, (error?: unknown) => {
          if (settled) {
            // A save or touch that failed after the response was sent (deferred by express-session).
            if (error !== undefined && error !== null) this.options.onError(asError(error));
            return;
          }
          settled = true;
          if (error === undefined || error === null) resolve();
          else reject(error);
        });
      });
      this.prepared.set(request, 'ok');
    } catch (error) {
      this.prepared.set(request, 'failed');
      throw error;
    }
  }

  private currentSession(request: Request): Session & Partial<SessionData> {
    const current = sessionOf(request);
    // express-session skips loading while its store reports itself disconnected.
    if (current === undefined) throw new StoreUnavailableError(this.store.storeName);
    return current;
  }

  /** Deletes a record that can no longer authenticate (expired or not a login record). */
  private async discard(request: Request, record: SessionRecord | null): Promise<void> {
    const sid = request.sessionID;
    const current = this.currentSession(request);
    await settle((done) => current.destroy(done));
    if (record !== null) await this.forgetQuietly(record.userId, sid);
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
