import type { Request, Response } from 'express';
import type { Principal, UserView } from './principal.js';

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
  readonly transport: CredentialTransport;
}

/** The HTTP exchange a strategy reads credentials from and writes cookies to. */
export interface AuthExchange {
  readonly request: Request;
  readonly response: Response;
}

/** The JSON body of a successful login; its shape is the strategy's (CONTRACT §2). */
export type LoginResponseBody = Readonly<Record<string, unknown>>;

export type StoreStatus = 'up' | 'down' | 'embedded';

/**
 * The one interface every strategy implements. The guard only calls `authenticate`;
 * controllers call `issue`, `revoke` and `revokeAll`. Implementations throw `AuthError`
 * for refused credentials and `StoreUnavailableError` when a store they need is down.
 */
export interface AuthStrategy {
  readonly name: string;
  readonly transport: CredentialTransport;
  traits(): StrategyTraits;
  /** Mints a credential for a user whose password has just been verified. */
  issue(user: UserView, exchange: AuthExchange): Promise<LoginResponseBody>;
  /** Turns the request's credential into a principal, or throws `AuthError`. */
  authenticate(exchange: AuthExchange): Promise<Principal>;
  /** Ends the credential that authenticated this request. */
  revoke(principal: Principal, exchange: AuthExchange): Promise<void>;
  /** Ends every credential this strategy issued to the user. */
  revokeAll(userId: string): Promise<void>;
  /** Stores this strategy depends on, for `/health`. */
  storeHealth(): Promise<Readonly<Record<string, StoreStatus>>>;
}
