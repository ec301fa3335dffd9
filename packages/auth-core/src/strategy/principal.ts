/** Who a request is, once a strategy has authenticated it. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  /** The strategy that authenticated the request (`session`, `token`, `jwt`, …). */
  readonly strategy: string;
  /** The credential's own id (session id, `jti`), for revoking exactly this credential. */
  readonly credentialId: string;
  readonly issuedAt: Date;
  /** When the credential stops being valid on its own; `null` when it only expires idle. */
  readonly expiresAt: Date | null;
}

/** The public view of a user, as the API returns it. */
export interface UserView {
  readonly id: string;
  readonly username: string;
}

/**
 * The user a login has just verified, as the login read them: strategies mint from this and
 * never read the user again. `tokenVersion` is bumped by logout-all and password changes.
 */
export interface LoginUser extends UserView {
  readonly tokenVersion: number;
}
