export type { EarlyRefusal, EarlyRefusalReason } from './errors/early-refusal.js';
export { earlyRefusalProblem } from './errors/early-refusal.js';
export { HashCapacityError, TooManyRegistrationsError } from './errors/limit-errors.js';
export type { HashCapacity } from './passwords/bounded-password-hasher.js';
export { BoundedPasswordHasher, DEFAULT_HASH_CAPACITY } from './passwords/bounded-password-hasher.js';
export type { Standing, StandingOptions } from './passwords/client-standing.js';
export { ClientStanding, DEFAULT_STANDING } from './passwords/client-standing.js';
export type { Argon2Parameters, PasswordHasher } from './passwords/password-hasher.js';
export { Argon2PasswordHasher, OWASP_ARGON2ID } from './passwords/password-hasher.js';
export type {
  Budget,
  LoginAdmission,
  LoginLimits,
  LoginRateLimit,
} from './rate-limit/login-rate-limiter.js';
export {
  defaultLoginLimits,
  LoginRateLimiter,
  parseLoginRateLimit,
} from './rate-limit/login-rate-limiter.js';
export { MIGRATIONS, migrate } from './users/migrations.js';
export type { UserStoreOptions } from './users/open-user-repository.js';
export { openUserRepository } from './users/open-user-repository.js';
export type { PostgresPoolOptions } from './users/pg-client.js';
export { openPostgresSql } from './users/pg-client.js';
export { openEmbeddedSql } from './users/pglite-client.js';
export type { SqlClient } from './users/sql-client.js';
export { SqlUserRepository } from './users/sql-user-repository.js';
export type { NewUser, User, UserLookup, UserRepository } from './users/user.js';
export { toLoginUser, toUserView, UserAccounts } from './users/user-accounts.js';
export { normalizePassword, normalizeUsername, usernameKey } from './users/username.js';
