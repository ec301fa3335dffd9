import type { StoreStatus } from '@authbench/auth-core';

/** What an access token is checked against on every request (denylist mode). */
export interface AccessTokenRef {
  readonly userId: string;
  readonly jti: string;
  /** The login (`sid`) it belongs to, or null for a token minted elsewhere. */
  readonly loginId: string | null;
  readonly issuedAtMs: number;
}

/**
 * A refresh attempt's outcome: the presented token was current, already spent, of no live
 * login, or of a login past its absolute lifetime (`JWT_REFRESH_ABSOLUTE_TTL`).
 */
export type RotationOutcome = 'rotated' | 'reused' | 'unknown' | 'expired';

/** A logout-all: access tokens issued at or before `atMs` are revoked, remembered until `untilMs`. */
export interface UserCutoff {
  readonly atMs: number;
  readonly untilMs: number;
}

/**
 * The server state of the JWT strategy: refresh-token families (one per login) and, in
 * denylist mode, what revokes access tokens before `exp` — a `jti`, a login, a user's cutoff.
 * Every entry expires by itself once the tokens it concerns have expired.
 *
 * `markerUntilMs` arguments: when set, ending a login also revokes that login's access
 * tokens until then (denylist mode); null leaves access tokens to expire (`none` mode).
 *
 * Implementations throw `StoreUnavailableError` when their store is down.
 */
export interface JwtStateStore {
  /** One store look-up: is the token revoked by its `jti`, its login, or its user's cutoff? */
  isAccessRevoked(ref: AccessTokenRef): Promise<boolean>;
  revokeAccessToken(userId: string, jti: string, untilMs: number): Promise<void>;
  /**
   * A new login: its refresh family, whose one valid refresh token is `refreshJti`, kept until
   * `untilMs` (moved by each rotation) and refreshable only before `absoluteUntilMs` (fixed).
   * Bounded: beyond the store's per-user cap the user's least recently used family ends.
   */
  startLogin(
    userId: string,
    loginId: string,
    refreshJti: string,
    untilMs: number,
    absoluteUntilMs: number,
  ): Promise<void>;
  /**
   * Atomic compare-and-set: if the family has reached its absolute deadline it ends
   * (`expired`); else if `presentedJti` is the family's current token it becomes `nextJti`
   * (`rotated`); if it was already spent the whole family ends (`reused`); if the family is
   * gone (`unknown`) nothing changes. Of two concurrent calls with one token, at most one
   * sees `rotated`.
   */
  rotateRefresh(
    userId: string,
    loginId: string,
    presentedJti: string,
    nextJti: string,
    untilMs: number,
    markerUntilMs: number | null,
  ): Promise<RotationOutcome>;
  endLogin(userId: string, loginId: string, markerUntilMs: number | null): Promise<void>;
  /** Logout-all and user deletion: every login of the user ends; `cutoff` (if any) is recorded. */
  endUser(userId: string, cutoff: UserCutoff | null, markerUntilMs: number | null): Promise<void>;
  health(): Promise<Readonly<Record<string, StoreStatus>>>;
}
