import {
  AuthError,
  type AuthStrategy,
  InvalidRequestError,
  type LoginUser,
  TooManyAttemptsError,
  type UserView,
  wholeRetryAfterSeconds,
} from '@authbench/auth-core';
import type { EarlyRefusal } from '../errors/early-refusal.js';
import { HashCapacityError, TooManyRegistrationsError } from '../errors/limit-errors.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { LoginRateLimiter } from '../rate-limit/login-rate-limiter.js';
import type { User, UserRepository } from './user.js';
import { normalizePassword, normalizeUsername, usernameKey } from './username.js';

interface Credentials {
  readonly username: string;
  readonly password: string;
}

function readCredentials(body: unknown): { username: unknown; password: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('body', 'must be a JSON object with username and password');
  }
  const { username, password } = body as Record<string, unknown>;
  if (username === undefined) throw new InvalidRequestError('username', 'is required');
  if (password === undefined) throw new InvalidRequestError('password', 'is required');
  return { username, password };
}

export function toUserView(user: Pick<User, 'id' | 'username'>): UserView {
  return { id: user.id, username: user.username };
}

/** What a strategy mints from at login: the user as the login just read them, nothing secret. */
export function toLoginUser(user: Pick<User, 'id' | 'username' | 'tokenVersion'>): LoginUser {
  return { id: user.id, username: user.username, tokenVersion: user.tokenVersion };
}

/**
 * Registration, password checks and account-wide revocation: the user-facing rules of
 * CONTRACT §2 over a repository, a hasher and a rate limiter. Strategy-agnostic.
 */
export class UserAccounts {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly rateLimiter: LoginRateLimiter,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `clientAddress` is counted against the per-address registration limit (429 past it) after
   * the body is valid and before the password is hashed.
   */
  async register(body: unknown, clientAddress: string): Promise<UserView> {
    const raw = readCredentials(body);
    const username = normalizeUsername(raw.username);
    const password = normalizePassword(raw.password);
    await this.rateLimiter.admitRegistration(clientAddress);
    // The address is the hash's client: the hasher shares its slots fairly between addresses.
    const passwordHash = await this.hasher.hash(password, clientAddress);
    const user = await this.users.create({ username, passwordHash });
    return toUserView(user);
  }

  /**
   * The user whose password this is, or `AuthError('invalid_credentials')` — the same refusal,
   * after the same hashing work, whether the username exists or not.
   */
  async verifyLogin(body: unknown, clientAddress: string): Promise<User> {
    const raw = readCredentials(body);
    if (typeof raw.username !== 'string') throw new InvalidRequestError('username', 'must be a string');
    if (typeof raw.password !== 'string') throw new InvalidRequestError('password', 'must be a string');
    const credentials: Credentials = {
      username: raw.username.normalize('NFKC'),
      password: raw.password.normalize('NFKC'),
    };
    const key = usernameKey(credentials.username);

    // Every limit takes its point before the hash: parallel guesses cannot all pass one check.
    const admission = await this.rateLimiter.admitLogin(key, clientAddress);
    let user: User | null;
    let valid: boolean;
    try {
      // A hash that would be refused anyway is refused before the user look-up: under a flood,
      // the look-ups of requests that get 503 would queue ahead of an honest login's (PGlite
      // runs one query at a time, on the event loop).
      if (this.hasher.admits?.(clientAddress) === false) throw new HashCapacityError(1);
      user = await this.findLoginCandidate(credentials.username);
      valid =
        user === null
          ? await this.hasher.burnOneVerification(credentials.password, clientAddress).then(() => false)
          : await this.hasher.verify(user.passwordHash, credentials.password, clientAddress);
    } catch (error) {
      // No password was checked (no hash slot, the user store is down): the pair and account
      // points return, the address's stay spent.
      await admission.abandoned().catch(() => undefined);
      throw error;
    }
    if (user === null || !valid) throw new AuthError('invalid_credentials');
    await admission.succeeded();
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(
        user.id,
        await this.hasher.hash(credentials.password, clientAddress),
      );
    }
    return user;
  }

  /**
   * The refusal a login from `clientAddress` gets before its body is read, or `undefined` (then
   * `verifyLogin` decides). 429 when a per-address login limit already refused the address in
   * this window (a Map look-up, no store round trip); 503 when no hash slot would take it now,
   * after taking the address's points as `verifyLogin` would have (429 if they are spent). No
   * user look-up, no hash, no `Error` on the expected answers.
   */
  async refuseLoginEarly(clientAddress: string): Promise<EarlyRefusal | undefined> {
    return this.refuseEarly(
      clientAddress,
      'too-many-attempts',
      this.rateLimiter.loginRefusalMs(clientAddress),
      () => this.rateLimiter.chargeLoginAddress(clientAddress),
    );
  }

  /**
   * The same for a registration: 429 when the address's registration limit already refused it in
   * this window; 503 when no hash slot would take it now, after spending its registration point
   * as `register` would have (429 if it is spent).
   */
  async refuseRegistrationEarly(clientAddress: string): Promise<EarlyRefusal | undefined> {
    return this.refuseEarly(
      clientAddress,
      'too-many-registrations',
      this.rateLimiter.registrationRefusalMs(clientAddress),
      () => this.rateLimiter.admitRegistration(clientAddress),
    );
  }

  /**
   * The one shape of both early refusals: the address's limit already refused it (`refusedMs`),
   * or no hash slot would take it now, after `charge` spent the point the full path would have.
   */
  private async refuseEarly(
    clientAddress: string,
    limitReason: 'too-many-attempts' | 'too-many-registrations',
    refusedMs: number | undefined,
    charge: () => Promise<unknown>,
  ): Promise<EarlyRefusal | undefined> {
    if (refusedMs !== undefined) {
      return { reason: limitReason, retryAfterSeconds: wholeRetryAfterSeconds(refusedMs / 1000) };
    }
    if (this.hasher.admits?.(clientAddress) !== false) return undefined;
    try {
      await charge();
    } catch (error) {
      if (!(error instanceof TooManyAttemptsError || error instanceof TooManyRegistrationsError)) throw error;
      return { reason: limitReason, retryAfterSeconds: error.retryAfterSeconds };
    }
    return { reason: 'hash-capacity', retryAfterSeconds: 1 };
  }

  /** A new password ends every credential of the user, in every strategy. */
  async changePassword(
    userId: string,
    newPassword: unknown,
    strategies: readonly AuthStrategy[],
  ): Promise<void> {
    const password = normalizePassword(newPassword);
    // An authenticated change: the user, not an address, is the hash's client.
    await this.users.updatePasswordHash(userId, await this.hasher.hash(password, `user:${userId}`));
    await this.revokeEverywhere(userId, strategies);
  }

  /** Deletion revokes first, so no credential outlives its user even briefly. */
  async deleteUser(userId: string, strategies: readonly AuthStrategy[]): Promise<boolean> {
    await this.revokeEverywhere(userId, strategies);
    return this.users.delete(userId);
  }

  private async revokeEverywhere(userId: string, strategies: readonly AuthStrategy[]): Promise<void> {
    await this.users.revokeAllCredentials(userId, new Date(this.now()));
    for (const strategy of strategies) await strategy.revokeAll(userId);
  }

  /** Names that cannot be registered cannot log in either; they take the unknown-user path. */
  private async findLoginCandidate(username: string): Promise<User | null> {
    try {
      return await this.users.findByUsername(normalizeUsername(username));
    } catch (error) {
      if (error instanceof InvalidRequestError) return null;
      throw error;
    }
  }
}
