/** A stored user. `id` is opaque and never changes; `username` is stored normalised. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  /** Bumped by logout-all and password changes; signed tokens carry it as `ver`. */
  readonly tokenVersion: number;
  readonly createdAt: Date;
  /** Credentials issued before this instant are revoked (logout-all); `null` when never set. */
  readonly revokedBefore: Date | null;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
}

/**
 * Where users live: the embedded store (PGlite) or PostgreSQL, behind one schema.
 * Implementations throw `UsernameTakenError` on a duplicate (case-insensitive) username and
 * `StoreUnavailableError` when the database cannot be reached.
 */
export interface UserRepository {
  create(user: NewUser): Promise<User>;
  findById(id: string): Promise<User | null>;
  /** `username` must already be normalised (see `normalizeUsername`). */
  findByUsername(username: string): Promise<User | null>;
  updatePasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Increments the token version and sets `revokedBefore`; returns the updated user. */
  revokeAllCredentials(id: string, at: Date): Promise<User | null>;
  delete(id: string): Promise<boolean>;
  /** Reachability, for `/health` and 503 decisions. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The read side strategies need on every request. */
export type UserLookup = Pick<UserRepository, 'findById'>;
