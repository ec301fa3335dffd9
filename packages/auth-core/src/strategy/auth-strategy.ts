import type { Request, Response } from 'express';
import type { LoginUser, Principal } from './principal.js';

export type CredentialTransport = 'cookie' | 'bearer';

/** What a strategy costs and can do, as configured now (CONTRACT `GET /strategies`). */
export interface StrategyTraits {
  readonly stateless: boolean;
  /** `immediate`: logout takes effect at once; `until-expiry`: a credential lives until `exp`. */
  readonly revocation: 'immediate' | 'until-expiry';
  /** What the server keeps per login, in words a reader can compare (`session record`, `none`). */
  readonly serverStatePerLogin: string;
  /** Store look-ups one authenticated request costs. */
  readonly lookupsPerRequest: number;
}

/** The HTTP exchange a strategy writes cookies and headers to when it issues or revokes. */
export interface AuthExchange {
  readonly request: Request;
  readonly response: Response;
}

/** What `credentialOf` reads: a request's method and headers (any Node HTTP request has them). */
export interface CredentialRequest {
  readonly method: string;
  readonly headers: Request['headers'];
  readonly rawHeaders?: readonly string[];
}

/** The JSON body of a successful login; its shape is the strategy's (CONTRACT §2). */
export type LoginResponseBody = Readonly<Record<string, unknown>>;

export type StoreStatus = 'up' | 'down' | 'embedded';

/** What the server holds for this strategy right now (the page and the server-state benchmark). */
export interface ServerStateSize {
  /** Records kept (sessions, refresh families, token records, denylist entries). */
  readonly records: number;
  /** What a record is, in words (`session record`, `refresh family`). */
  readonly unit: string;
}

/**
 * The one interface every strategy implements. An authenticated request is always
 * `credentialOf` then `verify` (see `authenticateRequest`): the guard, the benchmarks and the
 * page call these two and nothing else to check a credential. Controllers call `issue`,
 * `revoke` and `revokeAll`. Implementations throw `AuthError` for refused credentials and
 * `StoreUnavailableError` when a store they need is down.
 */
export interface AuthStrategy {
  readonly name: string;
  readonly transport: CredentialTransport;
  traits(): StrategyTraits;
  /**
   * The credential this request carries, or `undefined` when it carries none. Throws
   * `AuthError('malformed_credential')` for one that cannot be a credential, and a
   * `ProblemError` for a request that may not use it (a cross-site POST with a cookie).
   */
  credentialOf(request: CredentialRequest): string | undefined;
  /** Turns a credential into a principal, or throws `AuthError`. No HTTP involved. */
  verify(credential: string): Promise<Principal>;
  /** Mints a credential for a user whose password the login has just verified. */
  issue(user: LoginUser, exchange: AuthExchange): Promise<LoginResponseBody>;
  /** Ends the credential that authenticated this request. */
  revoke(principal: Principal, exchange: AuthExchange): Promise<void>;
  /** Ends every credential this strategy issued to the user. */
  revokeAll(userId: string): Promise<void>;
  /** Stores this strategy depends on, for `/health`. */
  storeHealth(): Promise<Readonly<Record<string, StoreStatus>>>;
  /** What the server holds for this strategy, or `null` when it holds nothing per login. */
  serverState(): Promise<ServerStateSize | null>;
}
