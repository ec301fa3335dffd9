import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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

/**
 * The request of an exchange: Node's own request (express's request is one; on fastify the app
 * hands `request.raw`), plus what the HTTP platform derived from it under `TRUST_PROXY`.
 */
export interface ExchangeRequest extends IncomingMessage {
  /** A server's request always has one (Node types it optional for client responses). */
  readonly method: string;
  /** The client reached the app over HTTPS (TLS here, or a trusted proxy's `X-Forwarded-Proto`). */
  readonly secure: boolean;
  readonly protocol?: string;
  readonly host?: string;
}

/**
 * The HTTP exchange a strategy writes cookies and headers to when it issues or revokes: Node's
 * request and response, the seam both HTTP platforms share (express's objects are Node's;
 * fastify's are `request.raw` and `reply.raw`, whose headers fastify merges into its reply).
 * A strategy sets headers with `setHeader`/`appendHeader`, nothing platform-specific.
 */
export interface AuthExchange {
  readonly request: ExchangeRequest;
  readonly response: ServerResponse;
}

/** What `credentialOf` reads: a request's method and headers (any Node HTTP request has them). */
export interface CredentialRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
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
